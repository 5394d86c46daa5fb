"""A periodic job lives through a passing database error and goes on with its next round."""

from __future__ import annotations

import asyncpg
import pytest

from shared.jobs import every
from shared.logging import get_logger


class Stop(Exception):
    """Ends the endless job once the test has seen enough rounds."""


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
