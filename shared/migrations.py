"""Migration runner: numbered SQL files per service, applied under an advisory lock, checksummed."""

from __future__ import annotations

import hashlib
import re
import zlib
from pathlib import Path

import asyncpg
import msgspec

_NAME = re.compile(r"^(\d{3,})_[a-z0-9_]+\.sql$")
SHARED_MIGRATIONS = Path(__file__).parent / "sql"


class EditedMigration(RuntimeError):
    """An already-applied migration file changed on disk: refuse to start."""


class Migration(msgspec.Struct, frozen=True):
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(folder: Path) -> list[Migration]:
    """The shared migrations (outbox, inbox, idempotency) followed by the service's own."""
    found = []
    for directory in (SHARED_MIGRATIONS, folder):
        for path in sorted(directory.glob("*.sql")):
            match = _NAME.match(path.name)
            if match is None:
                raise ValueError(f"migration {path.name} must be named NNN_description.sql")
            found.append(Migration(int(match.group(1)), path.name, path.read_text()))
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number in {folder}")
    return sorted(found, key=lambda migration: migration.version)


async def migrate(dsn: str, schema: str, folder: Path) -> list[str]:
    """Apply pending migrations of ``schema``; return the names applied now."""
    migrations = discover(folder)
    lock_key = zlib.crc32(f"boucle-migrations:{schema}".encode())
    connection = await asyncpg.connect(dsn)
    applied_now: list[str] = []
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", lock_key)
        try:
            await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            await connection.execute(f'SET search_path TO "{schema}"')
            await connection.execute(
                """CREATE TABLE IF NOT EXISTS schema_migrations (
                       version integer PRIMARY KEY,
                       name text NOT NULL,
                       checksum text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now())"""
            )
            rows = await connection.fetch("SELECT version, name, checksum FROM schema_migrations")
            recorded = {row["version"]: row for row in rows}
            for migration in migrations:
                row = recorded.get(migration.version)
                if row is not None:
                    if row["checksum"] != migration.checksum:
                        raise EditedMigration(
                            f"migration {migration.name} of schema {schema} was edited after it "
                            "was applied; add a new migration instead"
                        )
                    continue
                async with connection.transaction():
                    await connection.execute(migration.sql)
                    await connection.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) "
                        "VALUES ($1, $2, $3)",
                        migration.version,
                        migration.name,
                        migration.checksum,
                    )
                applied_now.append(migration.name)
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", lock_key)
    finally:
        await connection.close()
    return applied_now
