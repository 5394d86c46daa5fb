"""One embedded stack (PostgreSQL, NATS, the four services) shared by the whole test session."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.collection_point.store import PointStore
from shared.db import create_pool
from tests.support.households import territory
from tests.support.register import bus
from tests.support.stacks import running_stack, token_for

__all__ = ["bus", "territory"]  # fixtures every test module may ask for


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``last`` run after every other (they read what the others left)."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as started:
        yield started


@pytest.fixture(scope="session")
def coordinator_token(stack: Stack) -> str:
    return token_for(stack, "coordinator")


@pytest.fixture
async def collection_pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(stack.postgres.dsn, "collection", 1, 4)
    yield pool
    await pool.close()


@pytest.fixture
async def inventory_pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(stack.postgres.dsn, "inventory", 1, 4)
    yield pool
    await pool.close()


@pytest.fixture
async def purchase_pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(stack.postgres.dsn, "purchase", 1, 4)
    yield pool
    await pool.close()


@pytest.fixture
async def collection_point(collection_pool: asyncpg.Pool) -> CollectionPoint:
    """A fresh collection point (random ids let tests share one database)."""
    point = CollectionPoint(
        id=uuid.uuid4(),
        name=f"Médiathèque test {uuid.uuid4().hex[:6]}",
        kind="library",
        address="1 rue de test",
        postcode="59000",
        commune="Lille",
    )
    async with collection_pool.acquire() as connection:
        await PointStore(connection).upsert_point(point)
    return point


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client
