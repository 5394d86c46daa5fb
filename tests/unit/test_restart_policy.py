"""How long the supervisor of ``boucle up`` waits before starting a crashed process again."""

from __future__ import annotations

from boucle.devstack.supervisor import RestartPolicy


def test_the_wait_doubles_with_each_crash_from_half_a_second() -> None:
    policy = RestartPolicy()
    crashes: list[float] = []
    waits = []
    for moment in (0.0, 1.0, 2.0, 3.0):
        crashes.append(moment)
        waits.append(policy.delay(crashes, now=moment))
    assert waits == [0.5, 1.0, 2.0, 4.0]


def test_the_wait_never_exceeds_ten_seconds() -> None:
    policy = RestartPolicy(crashes=100, window=1000)
    crashes = [float(moment) for moment in range(20)]
    assert policy.delay(crashes, now=19.0) == 10.0


def test_a_process_that_crashed_five_times_within_a_minute_is_given_up() -> None:
    policy = RestartPolicy()
    assert policy.delay([0.0, 10.0, 20.0, 30.0, 59.0], now=59.0) is None


def test_crashes_older_than_a_minute_are_forgiven() -> None:
    policy = RestartPolicy()
    assert policy.delay([0.0, 10.0, 20.0, 30.0, 70.5], now=70.5) == 2.0  # three in the minute
    assert policy.delay([0.0, 100.0], now=100.0) == 0.5
