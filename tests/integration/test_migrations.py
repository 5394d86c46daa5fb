"""Migrations: numbered, applied once under an advisory lock, an edited one refused."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
import pytest

from boucle.devstack.stack import Stack
from shared.migrations import SHARED_MIGRATIONS, EditedMigration, migrate

SHARED = sorted(path.name for path in SHARED_MIGRATIONS.glob("*.sql"))


def _write(folder: Path, name: str, sql: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(sql)


@pytest.fixture
def schema() -> str:
    return f"test_{uuid.uuid4().hex[:10]}"


async def _tables(dsn: str, schema: str) -> set[str]:
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema
        )
    finally:
        await connection.close()
    return {row["table_name"] for row in rows}


async def test_applying_migrations_twice_is_a_no_op(
    stack: Stack, schema: str, tmp_path: Path
) -> None:
    _write(tmp_path, "010_things.sql", "CREATE TABLE things (id int PRIMARY KEY);")
    first = await migrate(stack.postgres.dsn, schema, tmp_path)
    second = await migrate(stack.postgres.dsn, schema, tmp_path)
    assert first == [*SHARED, "010_things.sql"]
    assert second == []
    assert {"things", "outbox", "inbox", "idempotency_keys", "schema_migrations"} <= (
        await _tables(stack.postgres.dsn, schema)
    )


async def test_processes_starting_at_once_apply_each_migration_exactly_once(
    stack: Stack, schema: str, tmp_path: Path
) -> None:
    # a migration that fails if run twice: a plain CREATE TABLE
    _write(tmp_path, "010_things.sql", "CREATE TABLE things (id int); SELECT pg_sleep(0.2);")
    _write(tmp_path, "011_more.sql", "CREATE TABLE more_things (id int);")
    results = await asyncio.gather(
        *(migrate(stack.postgres.dsn, schema, tmp_path) for _ in range(6))
    )
    applied = [name for names in results for name in names]
    assert sorted(applied) == [*SHARED, "010_things.sql", "011_more.sql"]


async def test_an_applied_migration_that_was_edited_is_refused(
    stack: Stack, schema: str, tmp_path: Path
) -> None:
    _write(tmp_path, "010_things.sql", "CREATE TABLE things (id int);")
    await migrate(stack.postgres.dsn, schema, tmp_path)
    _write(tmp_path, "010_things.sql", "CREATE TABLE things (id bigint);")
    with pytest.raises(EditedMigration, match=r"010_things\.sql"):
        await migrate(stack.postgres.dsn, schema, tmp_path)


async def test_a_failing_migration_leaves_nothing_half_applied(
    stack: Stack, schema: str, tmp_path: Path
) -> None:
    _write(tmp_path, "010_bad.sql", "CREATE TABLE half (id int); SELECT * FROM missing_table;")
    with pytest.raises(asyncpg.UndefinedTableError):
        await migrate(stack.postgres.dsn, schema, tmp_path)
    assert "half" not in await _tables(stack.postgres.dsn, schema)
    _write(tmp_path, "010_bad.sql", "CREATE TABLE half (id int);")
    assert await migrate(stack.postgres.dsn, schema, tmp_path) == ["010_bad.sql"]
