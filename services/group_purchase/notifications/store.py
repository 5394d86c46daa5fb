"""Notifications of group_purchase, written in the transaction of the fact that causes them
(or, for a reservation about to lapse, of the reminder that notices it).

The social worker told is the one who registered the household (``households.created_by``):
her account's e-mail address and language, if she has an account; otherwise her inbox only."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from services.group_purchase.requests.reasons import device_type_name
from shared.notifications.outbox import Notice, write
from shared.web.formats import time, weekday

# the campaign notices that become notifications, and their kind
CAMPAIGN_KINDS = {
    "extended": "campaign_extended",
    "ordered": "campaign_ordered",
    "received": "campaign_delivered",
    "cancelled": "campaign_cancelled",
}
NEED_KINDS = frozenset({"device_proposed", "reservation_lapsed"})

_WHO = (
    "h.created_by AS recipient, coalesce(a.email, '') AS email, "
    "coalesce(a.language, 'fr') AS language "
)
_ACCOUNT = (
    "LEFT JOIN accounts a ON a.id::text = h.created_by AND a.enabled "
    "AND 'social_worker' = ANY (a.roles) "
)


async def tell_about_needs(
    connection: asyncpg.Connection, kind: str, need_ids: Sequence[uuid.UUID], now: datetime
) -> None:
    """The social worker of each need's household hears of ``kind`` (a device proposed, a
    reservation lapsed): the household's reference and the type of device, nothing more."""
    assert kind in NEED_KINDS
    if not need_ids:
        return
    rows = await connection.fetch(
        f"SELECT {_WHO}, h.reference, n.device_type, r.id AS request_id "
        "FROM needs n JOIN requests r ON r.id = n.request_id "
        f"JOIN households h ON h.id = r.household_id {_ACCOUNT}"
        "WHERE n.id = ANY ($1::uuid[]) AND h.erased_at IS NULL ORDER BY n.id",
        list(need_ids),
    )

    def details(row: asyncpg.Record) -> dict[str, Any]:
        return {
            "reference": row["reference"],
            "device": device_type_name(row["device_type"], row["language"]),
            "path": f"/demandes/{row['request_id']}",
        }

    await tell_each(connection, rows, kind, details, now)


async def tell_about_campaign(
    connection: asyncpg.Connection,
    campaign_id: uuid.UUID,
    organisation_ids: Iterable[uuid.UUID],
    notice: str,
    now: datetime,
) -> None:
    """The social workers whose households pledged to the campaign (in the organisations the
    notice goes to) hear of it once each, when the notice is one they are told of by mail."""
    kind = CAMPAIGN_KINDS.get(notice)
    if kind is None:
        return
    rows = await connection.fetch(
        f"SELECT DISTINCT {_WHO}, c.title, c.device_type "
        "FROM pledges p JOIN campaigns c ON c.id = p.campaign_id "
        "JOIN needs n ON n.id = p.need_id JOIN requests r ON r.id = n.request_id "
        f"JOIN households h ON h.id = r.household_id {_ACCOUNT}"
        "WHERE p.campaign_id = $1 AND p.organisation_id = ANY ($2::uuid[]) "
        "AND h.erased_at IS NULL ORDER BY 1",
        campaign_id,
        sorted(set(organisation_ids)),
    )

    def details(row: asyncpg.Record) -> dict[str, Any]:
        name = row["title"] or device_type_name(row["device_type"], row["language"])
        return {"campaign": name, "path": f"/achats/campagnes/{campaign_id}"}

    await tell_each(connection, rows, kind, details, now)


async def tell_about_lapsing(
    connection: asyncpg.Connection, now: datetime, notice: timedelta
) -> int:
    """Each confirmed reservation lapsing within ``notice`` of ``now``, still waiting to be
    handed over and not warned of yet, is marked warned and its social worker told, with its
    deadline in Paris time; how many were. Once each, even with two replicas at it: one takes
    the reservations the other holds locked for none (it skips them), and finds those the other
    committed warned already."""
    rows = await connection.fetch(
        "WITH due AS (UPDATE reservation_attempts SET lapsing_warned_at = $1 "
        "WHERE id IN (SELECT id FROM reservation_attempts WHERE status = 'confirmed' "
        "AND lapsing_warned_at IS NULL AND expires_at > $1 "
        "AND expires_at <= $1::timestamptz + $2::interval FOR UPDATE SKIP LOCKED) "
        "RETURNING need_id, expires_at) "
        f"SELECT {_WHO}, h.reference, n.device_type, r.id AS request_id, due.expires_at "
        "FROM due JOIN needs n ON n.id = due.need_id JOIN requests r ON r.id = n.request_id "
        f"JOIN households h ON h.id = r.household_id {_ACCOUNT}"
        "WHERE h.erased_at IS NULL ORDER BY due.expires_at, n.id",
        now,
        notice,
    )

    def details(row: asyncpg.Record) -> dict[str, Any]:
        return {
            "reference": row["reference"],
            "device": device_type_name(row["device_type"], row["language"]),
            "deadline": deadline_text(row["expires_at"], row["language"]),
            "path": f"/demandes/{row['request_id']}",
        }

    await tell_each(connection, rows, "reservation_lapsing", details, now)
    return len(rows)


def deadline_text(moment: datetime, language: str) -> str:
    """A deadline as a mail says it, in Paris time: ``mardi 8 décembre 2026, 14:05``."""
    return f"{weekday(moment, language=language)}, {time(moment, language=language)}"


async def tell_each(
    connection: asyncpg.Connection,
    rows: Sequence[asyncpg.Record],
    kind: str,
    details_of: Callable[[asyncpg.Record], dict[str, Any]],
    now: datetime,
) -> None:
    """One notification of ``kind`` per row (a recipient, her address and language)."""
    notices = [
        Notice(
            recipient=row["recipient"],
            kind=kind,
            email=row["email"],
            language=row["language"],
            details=details_of(row),
        )
        for row in rows
    ]
    await write(connection, notices, now)
