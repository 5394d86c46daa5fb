"""SQL of label batches and labels."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from services.collection_point.store import PointStore
from shared.labels import format_code
from shared.rows import row_as, rows_as


class Label(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    code_display: str
    voided: bool
    void_reason: str | None = None


class LabelBatchSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    collection_point_id: uuid.UUID
    label_count: int
    created_by: str
    created_at: datetime


class LabelBatch(LabelBatchSummary, frozen=True, kw_only=True):
    labels: list[Label]


class LabelBatchPage(msgspec.Struct, frozen=True, kw_only=True):
    label_batches: list[LabelBatchSummary]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


class LabelPoint(msgspec.Struct, frozen=True, kw_only=True):
    """Where a label was issued, and whether it was voided."""

    collection_point_id: uuid.UUID
    voided_at: datetime | None = None


_BATCH = "SELECT id, collection_point_id, label_count, created_by, created_at FROM label_batches "


class LabelStore(PointStore):
    """Label batches and their labels."""

    async def insert_batch(
        self, batch_id: uuid.UUID, collection_point_id: uuid.UUID, created_by: str, codes: list[str]
    ) -> list[str]:
        """Record the batch and those of ``codes`` not already taken; return the ones taken."""
        await self.connection.execute(
            "INSERT INTO label_batches (id, collection_point_id, label_count, created_by) "
            "VALUES ($1, $2, $3, $4)",
            batch_id,
            collection_point_id,
            len(codes),
            created_by,
        )
        return await self.add_labels(batch_id, codes)

    async def add_labels(self, batch_id: uuid.UUID, codes: list[str]) -> list[str]:
        """Insert ``codes`` into the batch; return those that already existed elsewhere."""
        inserted = await self.connection.fetch(
            "INSERT INTO labels (code, batch_id) SELECT unnest($2::text[]), $1 "
            "ON CONFLICT (code) DO NOTHING RETURNING code",
            batch_id,
            codes,
        )
        fresh = {row["code"] for row in inserted}
        return [code for code in codes if code not in fresh]

    async def batches_of(
        self,
        point_id: uuid.UUID,
        after: tuple[datetime | None, uuid.UUID | None],
        limit: int,
    ) -> list[LabelBatchSummary]:
        """The point's batches, the newest first: ``after`` a time and id, ``limit`` at most."""
        rows = await self.connection.fetch(
            _BATCH + "WHERE collection_point_id = $1 "
            "AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid)) "
            "ORDER BY created_at DESC, id DESC LIMIT $4",
            point_id,
            *after,
            limit,
        )
        return rows_as(LabelBatchSummary, rows)

    async def get_batch(self, batch_id: uuid.UUID) -> LabelBatch | None:
        row = await self.connection.fetchrow(_BATCH + "WHERE id = $1", batch_id)
        if row is None:
            return None
        labels = await self.connection.fetch(
            "SELECT code, voided_at IS NOT NULL AS voided, void_reason FROM labels "
            "WHERE batch_id = $1 ORDER BY code",
            batch_id,
        )
        return msgspec.convert(
            {
                **row,
                "labels": [
                    {**label, "code_display": format_code(label["code"])} for label in labels
                ],
            },
            LabelBatch,
        )

    async def label_point(self, code: str) -> LabelPoint | None:
        """The label's batch point and void state, or None for a label Boucle never printed."""
        row = await self.connection.fetchrow(
            "SELECT b.collection_point_id, l.voided_at FROM labels l "
            "JOIN label_batches b ON b.id = l.batch_id WHERE l.code = $1",
            code,
        )
        return row_as(LabelPoint, row)

    async def void_label(self, code: str, reason: str) -> bool:
        """Void a label not yet voided; False if it was already void."""
        voided = await self.connection.fetchval(
            "UPDATE labels SET voided_at = now(), void_reason = $2 "
            "WHERE code = $1 AND voided_at IS NULL RETURNING true",
            code,
            reason,
        )
        return bool(voided)
