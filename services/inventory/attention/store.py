"""SQL of the attention watch: the devices stuck in each watched state, and the levels seen
at the last look (one row per watched thing)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

import asyncpg

from services.inventory.attention.rules import Seen, stuck_key
from services.inventory.lifecycle.domain import State


class AttentionStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def take_turn(self) -> None:
        """One look at a time: a second replica's look waits, then sees what the first kept."""
        await self.connection.execute(
            "SELECT pg_advisory_xact_lock(hashtext('inventory.attention'))"
        )

    async def stuck(self, thresholds: Mapping[State, timedelta], now: datetime) -> list[Seen]:
        """Per watched state, the devices in it for longer than its threshold at ``now``
        (a state with none is seen at 0, so that its level falls)."""
        states = list(thresholds)
        rows = await self.connection.fetch(
            "SELECT w.state, count(d.id) AS devices, min(d.state_since) AS oldest "
            "FROM unnest($1::text[], $2::timestamptz[]) AS w(state, cutoff) "
            "LEFT JOIN devices d ON d.state = w.state AND d.state_since < w.cutoff "
            "GROUP BY w.state",
            [state.value for state in states],
            [now - thresholds[state] for state in states],
        )
        found = {row["state"]: row for row in rows}
        return [
            Seen(
                watched=stuck_key(state),
                level=found[state.value]["devices"],
                count=found[state.value]["devices"],
                state=state.value,
                threshold=thresholds[state],
                oldest_since=found[state.value]["oldest"],
            )
            for state in states
        ]

    async def kept(self) -> dict[str, int]:
        rows = await self.connection.fetch("SELECT watched, level FROM attention_levels")
        return {row["watched"]: row["level"] for row in rows}

    async def keep(
        self, seen: Sequence[Seen], announced: Collection[str], now: datetime
    ) -> dict[str, int]:
        """Remember the levels ``seen``, counting an announcement for those ``announced``;
        how many times each of these was announced in all (its events' version)."""
        rows = await self.connection.fetch(
            "INSERT INTO attention_levels AS a (watched, level, announcements, seen_at) "
            "SELECT watched, level, announced::int, $4 "
            "FROM unnest($1::text[], $2::bigint[], $3::boolean[]) AS s(watched, level, announced) "
            "ON CONFLICT (watched) DO UPDATE SET level = excluded.level, "
            "announcements = a.announcements + excluded.announcements, seen_at = $4 "
            "RETURNING watched, announcements",
            [look.watched for look in seen],
            [look.level for look in seen],
            [look.watched in announced for look in seen],
            now,
        )
        return {row["watched"]: row["announcements"] for row in rows}
