"""``boucle inventory …`` run as an operator runs it, against a stack's database."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from boucle.devstack.stack import Stack

BOUCLE = Path(sys.executable).with_name("boucle")


async def boucle_inventory(stack: Stack, *arguments: str) -> tuple[int, str, str]:
    """Its exit status, standard output and standard error."""
    process = await asyncio.create_subprocess_exec(
        str(BOUCLE),
        "inventory",
        "--database-url",
        stack.postgres.dsn,
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
