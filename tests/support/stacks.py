"""Test stacks: embedded PostgreSQL + NATS on free ports, and the four services as processes."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import asyncpg

from boucle.devstack.stack import Stack, any_free_ports
from shared.auth import issue_token, load_private_key
from shared.config import SCHEMAS

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


def token_for(
    stack: Stack, role: str, *scopes: str, subject: str = "", trained: bool = True
) -> str:
    """A development token. An erasure officer's comes with a valid erasure training known
    to the workshops (as group_purchase announces it), unless ``trained`` is false."""
    subject = subject or f"test-{role}"
    if role == "erasure_officer" and trained:
        erasure_trained(stack, subject)
    return issue_token(
        load_private_key(stack.keys_dir),
        subject,
        (role,),  # type: ignore[arg-type]
        scopes,
    )


def erasure_trained(stack: Stack, subject: str) -> None:
    """``subject`` holds an erasure training valid for decades, in the workshops' register of
    trainings (what applying ``purchase.training.recorded`` writes). Run on a thread of its
    own, so that a test's running event loop is left alone."""

    async def remember() -> None:
        connection = await asyncpg.connect(
            stack.postgres.dsn, server_settings={"search_path": SCHEMAS["refurbishment"]}
        )
        try:
            await connection.execute(
                "INSERT INTO officer_trainings (id, account_id, course, reference, valid_from, "
                "valid_until) VALUES ($1, $2, 'data_erasure', $3, '2020-01-01', '2099-12-31') "
                "ON CONFLICT (id) DO NOTHING",
                uuid.uuid5(uuid.NAMESPACE_URL, f"training:{subject}"),
                subject,
                f"TEST-{subject}"[:64],
            )
        finally:
            await connection.close()

    thread = threading.Thread(target=asyncio.run, args=(remember(),))
    thread.start()
    thread.join()
