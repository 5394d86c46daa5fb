"""The archived tier's files: rows written as Parquet read back exactly (text with commas,
quotes, new lines and empty values; times to the microsecond), with the digest PostgreSQL's
rows give."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from services.inventory.archive import files

DEVICE, OTHER = uuid.uuid4(), uuid.uuid4()
AT = datetime(2019, 3, 31, 23, 59, 59, 999_999, tzinfo=UTC)
AT_US = 1_554_076_799_999_999  # AT in microseconds since the epoch
ROWS = [
    (2, DEVICE, AT_US, "delivered", 'dit "merci", puis\nparti', uuid.uuid4(), "purchase", "", ""),
    (1, DEVICE, AT_US - 1, "ready", "released", uuid.uuid4(), "refurb", "Atelier, Lyon", "c-1"),
    (3, OTHER, AT_US, "recycled", "x", uuid.uuid4(), "refurbishment", "é", ""),
]


def exported(tmp_path: Path) -> Path:
    """The rows as PostgreSQL's COPY … (FORMAT csv) writes them: an empty text quoted, a
    text with a comma, a quote or a new line quoted, its quotes doubled."""
    path = tmp_path / "rows.csv"
    path.write_text(
        f'2,{DEVICE},{AT_US},delivered,"dit ""merci"", puis\nparti",{ROWS[0][5]},purchase,"",""\n'
        f"1,{DEVICE},{AT_US - 1},ready,released,{ROWS[1][5]},"
        'refurb,"Atelier, Lyon",c-1\n'
        f'3,{OTHER},{AT_US},recycled,x,{ROWS[2][5]},refurbishment,é,""\n'
    )
    return path


def test_a_month_written_reads_back_row_for_row_with_the_databases_digest(
    tmp_path: Path,
) -> None:
    target = tmp_path / files.file_name("2019-03")
    size = files.write_parquet(exported(tmp_path), target)
    assert size == target.stat().st_size and target.read_bytes()[:4] == b"PAR1"

    in_database = files.RowsDigest()
    in_database.add(sorted(tuple(map(str, row)) for row in ROWS))
    in_file = files.rows_digest(target)
    assert in_file is not None
    assert (in_file.rows, in_file.hexdigest()) == (3, in_database.hexdigest())

    history = files.history_of([target], DEVICE)
    steps = sorted((s["id"], s["at"], s["subject"], s["place_name"]) for s in history)
    assert steps == [
        (1, files.at_of(AT_US - 1), "released", "Atelier, Lyon"),
        (2, AT, 'dit "merci", puis\nparti', ""),
    ]
    assert [row[0] for batch in files.rows_of([target], [OTHER]) for row in batch] == [3]
