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
        """Per watched state, the devices in it for longer than its threshold at ``now``, and
        how many of them were not at the last look (their state recorded since, by the
        database's clock, or its threshold crossed since; all of them before any look). A
        state with none is seen at 0, so that its level falls."""
        states = list(thresholds)
        rows = await self.connection.fetch(
            "WITH last AS (SELECT max(looked_at) AS at FROM attention_levels) "
            "SELECT w.state, count(d.id) AS devices, min(d.state_since) AS oldest, "
            "count(d.id) FILTER (WHERE last.at IS NULL OR d.state_applied_at > last.at "
            "OR d.state_since >= last.at - w.threshold) AS fresh "
            "FROM last CROSS JOIN unnest($1::text[], $2::interval[]) AS w(state, threshold) "
            "LEFT JOIN devices d ON d.state = w.state "
            "AND d.state_since < $3::timestamptz - w.threshold "
            "GROUP BY w.state",
            [state.value for state in states],
            [thresholds[state] for state in states],
            now,
        )
        found = {row["state"]: row for row in rows}
        return [
            Seen(
                watched=stuck_key(state),
                level=found[state.value]["devices"],
                count=found[state.value]["devices"],
                fresh=found[state.value]["fresh"],
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
            "INSERT INTO attention_levels AS a (watched, level, announcements, seen_at, "
            "looked_at) SELECT watched, level, announced::int, $4, now() "
            "FROM unnest($1::text[], $2::bigint[], $3::boolean[]) AS s(watched, level, announced) "
            "ON CONFLICT (watched) DO UPDATE SET level = excluded.level, "
            "announcements = a.announcements + excluded.announcements, seen_at = $4, "
            "looked_at = now() "
            "RETURNING watched, announcements",
            [look.watched for look in seen],
            [look.level for look in seen],
            [look.watched in announced for look in seen],
            now,
        )
        return {row["watched"]: row["announcements"] for row in rows}
