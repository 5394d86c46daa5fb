"""CSV meant to be opened by people: a cell a spreadsheet program would run as a formula is
written as text instead (OWASP, "CSV Injection").

A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
single quote, which spreadsheets read as "this is text" (and most hide). A number keeps its
sign: ``-3.061``, a negative amount or a phone number written ``+33320123456`` can call no
function, and the open-data schemas check those columns against a number or a pattern that a
quote would break. The csv module quotes what needs quoting (separators, quotes, line
breaks), so a value cannot spill into the next cell either."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    _DictWriter = csv.DictWriter[str]
else:  # not subscriptable at run time before Python 3.12
    _DictWriter = csv.DictWriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d[\d ]*(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: object) -> object:
    """``value`` as a spreadsheet should show it: a formula-looking text made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class Writer:
    """``csv.writer`` whose cells are made spreadsheet-safe."""

    def __init__(self, file: Any, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class DictWriter(_DictWriter):
    """``csv.DictWriter`` whose cells are made spreadsheet-safe."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: spreadsheet_safe(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)
