"""The archived tier: a passive month written out as a Parquet file, verified, and dropped from
the database (``move_month``); a file checked against what was recorded (``verify_month``); a
month put back in the passive tier (``restore_month``); and the months due, moved by the
periodic job (``archive_due``).

A month is moved whole, in one transaction: its rows exported, written, read back from the
file and compared with the database's by digest, recorded with the file's own SHA-256, and
its partition dropped. A failure anywhere leaves the month passive (a file written without
its record is never read, and is overwritten by the next try).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import msgspec

from services.inventory.archive import files
from services.inventory.archive.store import ArchivedMonth, ArchiveStore
from shared.errors import DomainError
from shared.uow import UnitOfWork

# what a long step has done so far: its name, rows done, rows in all
Progress = Callable[[str, int, int], None]


def quiet(step: str, done: int, total: int) -> None:
    pass


class TierRefused(DomainError):
    """A month that cannot move between tiers as asked, and why."""


class Verification(msgspec.Struct, frozen=True, kw_only=True):
    month: date
    location: str
    file_intact: bool  # its SHA-256 is the one recorded
    rows_intact: bool  # its rows' digest and count are the ones recorded

    @property
    def intact(self) -> bool:
        return self.file_intact and self.rows_intact


def month_of(text: str) -> date:
    """``2025-03`` as the first day of that month."""
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as error:
        raise TierRefused(
            f"A month is written YYYY-MM, for example 2025-03 (not {text!r}).",
            code="tier.month",
        ) from error


async def move_month(
    uow: UnitOfWork[ArchiveStore], month: date, folder: Path, progress: Progress = quiet
) -> ArchivedMonth | None:
    """The passive ``month`` archived into ``folder`` (None: its partition was empty, and
    was dropped)."""
    async with uow.begin() as work:
        store = work.store
        await store.lock_month(month)
        if await store.archived(month) is not None:
            raise TierRefused(f"{month:%Y-%m} is already archived.", code="tier.archived")
        partitions = {passive.month: passive.bytes for passive in await store.passive_months()}
        if month not in partitions:
            raise TierRefused(
                f"{month:%Y-%m} has no passive history to archive.", code="tier.not_passive"
            )
        if active := await store.still_active(month):
            raise TierRefused(
                f"{active} device(s) whose journey ended in {month:%Y-%m} still have active "
                "history: move them to the passive tier first (boucle inventory archive).",
                code="tier.still_active",
            )
        total = await store.passive_rows(month)
        if not total:  # an empty partition: nothing to archive, nothing to keep
            await store.drop_partition(month)
            return None
        target = folder / files.file_name(f"{month:%Y-%m}")
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".export-") as scratch:
            exported = Path(scratch) / "rows.csv"
            await store.export(month, exported, lambda done: progress("export", done, total))
            progress("write", 0, total)
            size = await asyncio.to_thread(files.write_parquet, exported, target)
            progress("write", total, total)
        progress("verify", 0, total)
        in_file = await asyncio.to_thread(files.rows_digest, target)
        in_database = await store.rows_digest(month)
        progress("verify", total, total)
        read_back = (in_file.rows, in_file.hexdigest()) if in_file else None
        if read_back != (in_database.rows, in_database.hexdigest()):
            await asyncio.to_thread(target.unlink, missing_ok=True)
            raise TierRefused(
                f"The file written for {month:%Y-%m} does not read back as the database's "
                "rows: nothing was removed.",
                code="tier.digest",
            )
        archived = ArchivedMonth(
            month=month,
            location=str(target.resolve()),
            rows=in_database.rows,
            devices=await store.devices_in(month),
            bytes=size,
            database_bytes=partitions[month],
            file_sha256=await asyncio.to_thread(files.file_sha256, target),
            rows_sha256=in_database.hexdigest(),
        )
        await store.record_archived(archived)
    return archived


async def verify_month(uow: UnitOfWork[ArchiveStore], month: date) -> Verification:
    """The archived ``month``'s file read again and compared with what was recorded."""
    async with uow.begin() as work:
        archived = await _archived(work.store, month)
    return await _verified(archived)


async def _verified(archived: ArchivedMonth) -> Verification:
    path = Path(archived.location)
    if not await asyncio.to_thread(path.is_file):
        return Verification(
            month=archived.month, location=archived.location, file_intact=False, rows_intact=False
        )
    file_sha256 = await asyncio.to_thread(files.file_sha256, path)
    rows = await asyncio.to_thread(files.rows_digest, path)
    return Verification(
        month=archived.month,
        location=archived.location,
        file_intact=file_sha256 == archived.file_sha256,
        rows_intact=rows is not None
        and (rows.rows, rows.hexdigest()) == (archived.rows, archived.rows_sha256),
    )


async def restore_month(
    uow: UnitOfWork[ArchiveStore], month: date, tablespace: str = "", progress: Progress = quiet
) -> int:
    """The archived ``month`` back in the passive tier, after checking its file; the file is
    removed once the rows are back. The rows restored."""
    async with uow.begin() as work:
        store = work.store
        await store.lock_month(month)
        archived = await _archived(store, month)
        progress("verify", 0, archived.rows)
        verification = await _verified(archived)
        if not verification.intact:
            raise TierRefused(
                f"The file of {month:%Y-%m} ({archived.location}) is missing or not the one "
                "archived: nothing was restored.",
                code="tier.damaged",
            )
        progress("verify", archived.rows, archived.rows)
        path = Path(archived.location)
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".restore-") as scratch:
            rows_file = Path(scratch) / "rows.csv"
            await asyncio.to_thread(files.write_csv, path, rows_file)
            progress("restore", 0, archived.rows)
            restored = await store.restore(month, rows_file, tablespace)
            progress("restore", restored, archived.rows)
        if restored != archived.rows:
            raise TierRefused(
                f"{restored} rows read back for {month:%Y-%m}, {archived.rows} archived: "
                "nothing was restored.",
                code="tier.digest",
            )
    await asyncio.to_thread(path.unlink, missing_ok=True)
    return restored


async def archive_due(
    uow: UnitOfWork[ArchiveStore], after_months: int, folder: Path, progress: Progress = quiet
) -> list[ArchivedMonth]:
    """Every passive month that ended ``after_months`` whole months ago or more, archived
    (a month some of whose journeys are still active waits for the next run)."""
    async with uow.begin() as work:
        now = work.now().date()
        passive = [passive.month for passive in await work.store.passive_months()]
    due = [month for month in passive if _months_between(month, now) > after_months]
    archived = []
    for month in due:
        try:
            moved = await move_month(uow, month, folder, progress)
        except TierRefused as refused:
            if refused.code != "tier.still_active":
                raise
            continue
        if moved is not None:
            archived.append(moved)
    return archived


def _months_between(month: date, day: date) -> int:
    return (day.year - month.year) * 12 + day.month - month.month


async def _archived(store: ArchiveStore, month: date) -> ArchivedMonth:
    archived = await store.archived(month)
    if archived is None:
        raise TierRefused(f"{month:%Y-%m} is not archived.", code="tier.not_archived")
    return archived
