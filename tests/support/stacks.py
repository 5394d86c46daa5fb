"""Test stacks: embedded PostgreSQL + NATS on free ports, and the four services as processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from boucle.devstack.stack import Stack, any_free_ports
from shared.auth import issue_token, load_private_key

AnyStack = TypeVar("AnyStack", bound=Stack)


@contextmanager
def running_stack(folder: Path, with_services: bool = True) -> Iterator[Stack]:
    """A whole stack in ``folder``; stopped whatever happens."""
    with running(Stack(folder, any_free_ports()), with_services) as stack:
        yield stack


@contextmanager
def running(stack: AnyStack, with_services: bool = True) -> Iterator[AnyStack]:
    """``stack`` started (servers, migrations, services); stopped whatever happens."""
    try:
        stack.start_servers()
        stack.migrate_all()
        if with_services:
            stack.start_services()
        yield stack
    finally:
        stack.stop()


def token_for(stack: Stack, role: str, *scopes: str, subject: str = "") -> str:
    return issue_token(
        load_private_key(stack.keys_dir),
        subject or f"test-{role}",
        (role,),  # type: ignore[arg-type]
        scopes,
    )
