"""Waiting for what another process does, by asking again until it is done."""

from __future__ import annotations

import asyncio


async def wait_for(check, within: float = 20.0, interval: float = 0.05):  # type: ignore[no-untyped-def]
    """Poll ``check`` (async, returns a value or None) until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still waiting after {within} s")
        await asyncio.sleep(interval)
