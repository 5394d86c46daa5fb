"""SQL of the dead letters' replays: one row per dead letter replayed, taken before the message
is published again so that two coordinators pressing the button together publish it once."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from shared.rows import rows_as


class Replay(msgspec.Struct, frozen=True, kw_only=True):
    dlq_seq: int
    stream: str
    stream_seq: int
    subject: str
    message_id: str
    replayed_as: int | None
    """The replayed message's sequence in its stream."""
    replayed_by: str
    replayed_at: datetime


async def replays(
    connection: asyncpg.Pool | asyncpg.Connection, sequences: list[int]
) -> dict[int, Replay]:
    """The replays of the dead letters ``sequences`` that were replayed, by their number."""
    rows = await connection.fetch(
        """SELECT dlq_seq, stream, stream_seq, subject, message_id, replayed_as, replayed_by,
                  replayed_at
           FROM replays WHERE dlq_seq = ANY($1::bigint[])""",
        sequences,
    )
    return {replay.dlq_seq: replay for replay in rows_as(Replay, rows)}


class ReplayStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def take(
        self,
        dlq_seq: int,
        stream: str,
        stream_seq: int,
        subject: str,
        message_id: str,
        replayed_by: str,
    ) -> datetime | None:
        """Take the replay of dead letter ``dlq_seq``: when, or None if it was taken before."""
        replayed_at: datetime | None = await self.connection.fetchval(
            """INSERT INTO replays (dlq_seq, stream, stream_seq, subject, message_id, replayed_by)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dlq_seq) DO NOTHING
               RETURNING replayed_at""",
            dlq_seq,
            stream,
            stream_seq,
            subject,
            message_id,
            replayed_by,
        )
        return replayed_at

    async def replay_of(self, dlq_seq: int) -> Replay:
        return (await replays(self.connection, [dlq_seq]))[dlq_seq]

    async def note_replayed_as(self, dlq_seq: int, sequence: int) -> None:
        await self.connection.execute(
            "UPDATE replays SET replayed_as = $2 WHERE dlq_seq = $1", dlq_seq, sequence
        )
