"""Every refusal a person can meet is said from the catalogs: each ``raise`` of a domain error
names a code (at the raise or on its class), and both catalogs have ``refusal.<code>``. Read
from the source, so a new refusal written only in English fails here, not on a French page."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.translations import texts

ROOT = Path(__file__).parents[2]
FOLDERS = ("services", "shared")
ROOTS = {"DomainError"}
GENERIC = {"refused", "not_found", "conflict"}  # the base classes' codes: say nothing


@dataclass(frozen=True)
class Raise:
    where: str
    error: str
    code: str | None  # None: a code computed at run time


def sources() -> Iterator[tuple[Path, ast.Module]]:
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _own_code(node: ast.ClassDef) -> str:
    """The code a class gives its refusals: ``code = "..."`` in its body, or passed to
    ``super().__init__(..., code="...")`` by its own ``__init__``."""
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and any(_name(target) == "code" for target in statement.targets)
            and isinstance(statement.value, ast.Constant)
        ):
            return str(statement.value.value)
        if isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
            for call in ast.walk(statement):
                if isinstance(call, ast.Call) and _name(call.func) == "__init__":
                    for keyword in call.keywords:
                        if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                            return str(keyword.value.value)
    return ""


def domain_errors(modules: list[tuple[Path, ast.Module]]) -> dict[str, str]:
    """Every class descending from DomainError, with the code its class gives ("" if none)."""
    classes: dict[str, tuple[list[str], str]] = {}
    for _, module in modules:
        for node in ast.walk(module):
            if isinstance(node, ast.ClassDef):
                classes[node.name] = ([_name(base) for base in node.bases], _own_code(node))

    def code_of(name: str, seen: frozenset[str] = frozenset()) -> str | None:
        """The class's code if it descends from DomainError, else None."""
        if name in ROOTS:
            return ""
        if name not in classes or name in seen:
            return None
        bases, own = classes[name]
        for base in bases:
            inherited = code_of(base, seen | {name})
            if inherited is not None:
                return own if own and own not in GENERIC else inherited
        return None

    found = {name: code_of(name) for name in classes}
    return {name: code for name, code in found.items() if code is not None}


def raises() -> list[Raise]:
    modules = list(sources())
    errors = domain_errors(modules)
    found = []
    for path, module in modules:
        for node in ast.walk(module):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            error = _name(node.exc.func)
            if error not in errors and error not in ROOTS | {"NotFound", "Conflict"}:
                continue
            code: str | None = errors.get(error, "")
            for keyword in node.exc.keywords:
                if keyword.arg == "code":
                    given = keyword.value
                    code = str(given.value) if isinstance(given, ast.Constant) else None
            found.append(Raise(f"{path.relative_to(ROOT)}:{node.lineno}", error, code))
    return found


RAISES = raises()


def test_the_reading_finds_the_refusals() -> None:
    assert len(RAISES) > 100
    assert any(r.code == "bench.closed" for r in RAISES)


def test_every_refusal_names_a_code() -> None:
    uncoded = [f"{r.where} {r.error}" for r in RAISES if r.code == ""]
    assert uncoded == [], f"{len(uncoded)} refusal(s) without a code"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_code_raised_is_in_the_catalog(language: str) -> None:
    catalog = texts(language)
    missing = sorted(
        {f"refusal.{r.code}" for r in RAISES if r.code}
        - {key for key, text in catalog.items() if text}
    )
    assert missing == []
