"""Where each service's application and migrations live (the composition roots)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import services


def migrations_folder(service: str) -> Path:
    return Path(services.__file__).parent / service / "migrations"


def build_app(service: str) -> Any:
    """Import ``services.<service>.app`` and build its Litestar application."""
    module = importlib.import_module(f"services.{service}.app")
    return module.build()


def definition(service: str) -> Any:
    """The ``ServiceDefinition`` of ``service`` (routes, migrations, consumers)."""
    return importlib.import_module(f"services.{service}.app").DEFINITION
