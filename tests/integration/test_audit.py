"""The audit trail cannot be rewritten: the database itself refuses changes and deletions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from boucle.devstack.stack import Stack
from shared import audit
from shared.db import create_pool


@pytest.fixture
async def refurbishment_pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(stack.postgres.dsn, "refurbishment", 1, 2)
    yield pool
    await pool.close()


@pytest.mark.parametrize(
    "tampering",
    [
        "UPDATE audit_log SET actor = 'someone else' WHERE subject = $1",
        "DELETE FROM audit_log WHERE subject = $1",
    ],
)
async def test_an_audit_entry_can_be_neither_changed_nor_deleted(
    refurbishment_pool: asyncpg.Pool, tampering: str
) -> None:
    subject = f"erasure:{uuid.uuid4()}"
    await audit.record(refurbishment_pool, "amina", "certificate.read", subject)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await refurbishment_pool.execute(tampering, subject)
    rows = await refurbishment_pool.fetch("SELECT actor FROM audit_log WHERE subject = $1", subject)
    assert [row["actor"] for row in rows] == ["amina"]


async def test_the_audit_log_cannot_be_emptied(refurbishment_pool: asyncpg.Pool) -> None:
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await refurbishment_pool.execute("TRUNCATE audit_log")
