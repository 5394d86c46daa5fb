"""A periodic job lives through a passing database error, and through any other failure of a
round, and goes on with its next round; only cancelling it (the process stopping) ends it."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
import structlog

from shared.jobs import every
from shared.logging import get_logger


class Stop(BaseException):
    """Ends the endless job once the test has seen enough rounds (not an ``Exception``: a
    round's failures are what the job lives through)."""


async def test_a_round_that_meets_a_passing_error_is_followed_by_the_next() -> None:
    rounds: list[int] = []

    async def round_() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise asyncpg.exceptions.ConnectionDoesNotExistError("connection lost")
        if len(rounds) == 3:
            raise Stop

    with pytest.raises(Stop):
        await every(0, round_, get_logger("test"), "test_retrying")
    assert rounds == [0, 1, 2]


async def test_a_round_that_fails_otherwise_is_logged_with_its_error_and_followed_by_the_next() -> (
    None
):
    rounds: list[int] = []

    async def round_() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise asyncpg.exceptions.UndefinedColumnError('column "kind" does not exist')
        if len(rounds) == 2:
            raise KeyError("a bug")
        if len(rounds) == 4:
            raise Stop

    with structlog.testing.capture_logs() as logs, pytest.raises(Stop):
        await every(0, round_, get_logger("test"), "test_retrying")
    assert rounds == [0, 1, 2, 3]
    failed = [entry for entry in logs if entry["event"] == "test_retrying_after_error"]
    assert [entry["log_level"] for entry in failed] == ["error", "error"]


async def test_cancelling_the_job_ends_it() -> None:
    async def round_() -> None:
        await asyncio.sleep(3600)

    job = asyncio.create_task(every(0, round_, get_logger("test"), "test_retrying"))
    await asyncio.sleep(0)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
