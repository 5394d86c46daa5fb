"""The direction of imports: the kit (``shared``) knows no service and no composition root,
a service knows no other service and not the composition root (``boucle``) that puts them
together. Read from the source, so a stray import fails here before it tangles anything."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "app.py").exists())


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Every absolute name ``path`` imports (``from a import b`` is ``a.b``), at module level
    or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def violations(folder: str, forbidden: Callable[[Path, str], bool]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, module in imported(path)
        if forbidden(path, module)
    ]


def _top(module: str) -> str:
    return module.split(".")[0]


def test_the_kit_imports_no_service_and_not_the_composition_root() -> None:
    assert violations("shared", lambda _, module: _top(module) in {"services", "boucle"}) == []


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_neither_another_service_nor_the_composition_root(
    service: str,
) -> None:
    def forbidden(_: Path, module: str) -> bool:
        parts = module.split(".")
        if parts[0] == "boucle":
            return True
        return parts[0] == "services" and len(parts) > 1 and parts[1] != service

    assert violations(f"services/{service}", forbidden) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    source = tmp_path / "late.py"
    source.write_text("import shared\n\ndef f():\n    from services import inventory\n")
    assert list(imported(source)) == [(1, "shared"), (4, "services.inventory")]


def test_no_test_module_imports_another() -> None:
    """What tests share lives in tests/support; a test module imported by another would run
    its tests' module-level set-up there too, and tie the two together."""

    def forbidden(_: Path, module: str) -> bool:
        return any(part.startswith("test_") for part in module.split(".")[:-1])

    assert violations("tests", forbidden) == []
