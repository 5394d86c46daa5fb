"""Waiting for what another process does, by asking again until it is done."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

Found = TypeVar("Found")


async def wait_for(
    check: Callable[[], Awaitable[Found]], within: float = 20.0, interval: float = 0.05
) -> Found:
    """Poll ``check`` (async, returns a value or None) until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still waiting after {within} s")
        await asyncio.sleep(interval)
