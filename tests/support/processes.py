"""Freezing PostgreSQL as a stuck server looks: the postmaster and every backend stopped.

Each backend calls setsid, so a signal to the postmaster's process group does not reach
them: they are stopped one by one, the postmaster first so that it forks no more."""

from __future__ import annotations

import contextlib
import os
import signal


def freeze_postgres(postmaster: int) -> list[int]:
    """SIGSTOP the postmaster, then each of its children; the pids to thaw."""
    os.kill(postmaster, signal.SIGSTOP)
    with open(f"/proc/{postmaster}/task/{postmaster}/children") as listing:
        children = [int(pid) for pid in listing.read().split()]
    for pid in children:
        os.kill(pid, signal.SIGSTOP)
    return [postmaster, *children]


def thaw(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


def is_stopped(pid: int) -> bool:
    """True while the process is stopped by a signal (state T in /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] == "T"
