"""The supervisor on small real processes: a killed one comes back, one that keeps failing is
given up with its log named while the others go on, and ``boucle status`` says so."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from boucle.devstack.processes import spawn, stop
from boucle.devstack.supervisor import (
    STATUS_FILE,
    RestartPolicy,
    Supervisor,
    status_report,
    supervised_server,
)

QUICK = RestartPolicy(first_delay=0.05, max_delay=0.2, crashes=3, window=30)
WITHIN = 10.0


class Program:
    """A process started from ``command``: one that runs until stopped, or one that fails."""

    def __init__(self, folder: Path, name: str, command: list[str]) -> None:
        self.name = name
        self.command = command
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = spawn(self.command, self.log_path)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, grace=2)
            self.process = None


@pytest.fixture
def programs(tmp_path: Path) -> Iterator[dict[str, Program]]:
    running = {
        "steady": Program(tmp_path, "steady", ["sleep", "300"]),
        "fragile": Program(tmp_path, "fragile", ["sleep", "300"]),
        "broken": Program(tmp_path, "broken", ["sh", "-c", "echo no config >&2; exit 3"]),
    }
    for program in running.values():
        program.start()
    yield running
    for program in running.values():
        program.stop()


@pytest.fixture
def supervised(tmp_path: Path, programs: dict[str, Program]) -> Iterator[tuple[Supervisor, list]]:
    said: list[str] = []
    supervisor = Supervisor(
        [supervised_server(name, program) for name, program in programs.items()],
        said.append,
        status_file=tmp_path / STATUS_FILE,
        journal=tmp_path / "supervisor.log",
        policy=QUICK,
    )
    supervisor.start()
    yield supervisor, said
    supervisor.stop_restarting()
    for program in programs.values():
        program.stop()
    supervisor.close()


def eventually(check: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WITHIN
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {WITHIN:.0f} s"
        time.sleep(0.02)


def test_a_killed_process_is_started_again_and_the_restart_is_said_and_logged(
    tmp_path: Path, programs: dict[str, Program], supervised: tuple[Supervisor, list]
) -> None:
    supervisor, said = supervised
    killed = programs["fragile"].process
    assert killed is not None
    os.kill(killed.pid, signal.SIGKILL)

    eventually(lambda: any(line.startswith("fragile restarted") for line in said), "restart")
    replacement = programs["fragile"].process
    assert replacement is not None and replacement.pid != killed.pid
    assert replacement.poll() is None
    assert "fragile stopped unexpectedly (killed by SIGKILL); restarting it in 0.05 s" in said
    assert "fragile restarted" in (tmp_path / "supervisor.log").read_text()
    (fragile,) = (status for status in supervisor.status() if status.name == "fragile")
    assert (fragile.state, fragile.restarts, fragile.pid) == ("running", 1, replacement.pid)


def test_a_process_that_keeps_failing_is_given_up_with_its_log_named_and_the_others_go_on(
    tmp_path: Path, programs: dict[str, Program], supervised: tuple[Supervisor, list]
) -> None:
    supervisor, said = supervised
    steady = programs["steady"].process

    eventually(lambda: any("broken keeps failing" in line for line in said), "giving up")
    (surrender,) = (line for line in said if "keeps failing" in line)
    assert "3 crashes within 30 s, the last: exit code 3" in surrender
    assert str(programs["broken"].log_path) in surrender
    assert "no config" in programs["broken"].log_path.read_text()
    states = {status.name: status.state for status in supervisor.status()}
    assert states == {"steady": "running", "fragile": "running", "broken": "failed"}
    assert programs["steady"].process is steady and steady is not None and steady.poll() is None

    code, lines = status_report(tmp_path / STATUS_FILE)
    assert code == 1
    report = "\n".join(lines)
    assert "is running" in report
    assert "broken" in report and "failed" in report
    assert f"log: {programs['broken'].log_path}" in report


def test_nothing_is_restarted_once_restarting_has_stopped(
    programs: dict[str, Program], supervised: tuple[Supervisor, list]
) -> None:
    supervisor, said = supervised
    supervisor.stop_restarting()
    killed = programs["fragile"].process
    assert killed is not None
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(5)
    time.sleep(QUICK.first_delay * 4)
    assert programs["fragile"].process is killed
    assert not any(line.startswith("fragile") for line in said)
