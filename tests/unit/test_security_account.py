"""SECURITY.md points to a test for every claim: each ``file::test`` it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def test_every_test_security_md_names_exists() -> None:
    references = REFERENCE.findall((ROOT / "SECURITY.md").read_text())
    assert len(references) > 40
    missing = []
    for path, name in references:
        source = ROOT / path
        defined = (
            {
                node.name
                for node in ast.walk(ast.parse(source.read_text()))
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            if source.exists()
            else set()
        )
        if name not in defined:
            missing.append(f"{path}::{name}")
    assert missing == []


def test_each_area_states_its_gaps_plainly() -> None:
    areas = (ROOT / "SECURITY.md").read_text().split("\n## ")[1:]
    without = [area.splitlines()[0] for area in areas if "**Gaps.**" not in area]
    assert without == []
