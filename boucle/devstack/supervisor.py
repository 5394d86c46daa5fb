"""Keeps named processes running: one that exits is started again after a growing delay,
until it fails too often; what it does is said in lines and kept in a status file."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

State = Literal["running", "restarting", "failed", "stopped"]
STATUS_FILE = "status.json"  # in the data folder, read by ``boucle status``


@dataclass(frozen=True)
class RestartPolicy:
    """Wait ``first_delay`` before restarting a process that stopped, twice as long after each
    further crash (``max_delay`` at most); give up after ``crashes`` crashes within ``window``
    seconds."""

    first_delay: float = 0.5
    max_delay: float = 10.0
    crashes: int = 5
    window: float = 60.0

    def delay(self, crash_times: Sequence[float], now: float) -> float | None:
        """How long to wait before the next start, given when the process crashed (the last
        one included); None once it crashed too often within the window."""
        recent = sum(1 for moment in crash_times if now - moment < self.window)
        if recent >= self.crashes:
            return None
        return min(self.first_delay * 2 ** max(recent - 1, 0), self.max_delay)

    def __str__(self) -> str:
        return (
            f"restarted after {self.first_delay:g} s, doubling up to {self.max_delay:g} s; "
            f"given up after {self.crashes} crashes within {self.window:g} s"
        )


@dataclass(frozen=True)
class Supervised:
    """A process to keep running: ``start`` starts it (again; it may wait until it serves),
    ``process`` finds the one running now (None: deliberately stopped, left alone)."""

    name: str
    start: Callable[[], None]
    process: Callable[[], subprocess.Popen[bytes] | None]
    log: Path


class Server(Protocol):
    """An embedded server (PostgreSQL, a NATS node): ``start`` returns once it serves."""

    @property
    def process(self) -> subprocess.Popen[bytes] | None: ...

    @property
    def log_path(self) -> Path: ...

    def start(self) -> None: ...


def supervised_server(name: str, server: Server) -> Supervised:
    return Supervised(name, server.start, lambda: server.process, server.log_path)


@dataclass
class ProcessStatus:
    """What ``boucle status`` shows of one process."""

    name: str
    state: State
    log: str
    pid: int | None = None
    restarts: int = 0
    last_exit: str = ""


@dataclass
class _Watch:
    status: ProcessStatus
    crash_times: list[float] = field(default_factory=list)
    restart_at: float = 0.0


class Supervisor:
    """Watches ``children`` from a thread of its own and restarts those that exit.

    Linux stops a restarted process (its parent-death signal) when the thread that started it
    ends: the thread therefore lives until ``close``, called once the processes are stopped."""

    def __init__(
        self,
        children: Sequence[Supervised],
        report: Callable[[str], None],
        status_file: Path | None = None,
        journal: Path | None = None,
        policy: RestartPolicy | None = None,
        interval: float = 0.1,
    ) -> None:
        """``report`` says each crash, restart and surrender in a line, also appended with
        its time to ``journal``; ``status_file`` is kept up to date for ``boucle status``."""
        self.children = {child.name: child for child in children}
        self.policy = policy or RestartPolicy()
        self._report = report
        self._status_file = status_file
        self._journal = journal
        self._interval = interval
        self._watches = [
            _Watch(ProcessStatus(child.name, "running", str(child.log))) for child in children
        ]
        self._lock = threading.Lock()  # held while checking or restarting
        self._restarting = True
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> None:
        self._write_status()
        self._thread.start()

    def stop_restarting(self) -> None:
        """No restart from now on; returns once a restart under way has finished."""
        with self._lock:
            self._restarting = False

    def close(self) -> None:
        """Once the processes are stopped: end the thread, mark everything stopped."""
        self.stop_restarting()
        self._closing.set()
        if self._thread.is_alive():
            self._thread.join()
        for watch in self._watches:
            watch.status.state = "stopped"
        self._write_status()

    def status(self) -> list[ProcessStatus]:
        with self._lock:
            return [replace(self._refreshed(watch)) for watch in self._watches]

    def _watch(self) -> None:
        while not self._closing.wait(self._interval):
            with self._lock:
                if not self._restarting:
                    continue
                for watch in self._watches:
                    try:
                        self._check(watch, time.monotonic())
                    except Exception as error:  # the watch goes on for the others
                        self._say(f"{watch.status.name}: supervision error {error!r}")

    def _check(self, watch: _Watch, now: float) -> None:
        child = self.children[watch.status.name]
        if watch.status.state == "running":
            process = child.process()
            if process is not None and process.poll() is not None:
                self._crashed(watch, _exit_in_words(process.returncode), now)
        elif watch.status.state == "restarting" and now >= watch.restart_at:
            try:
                child.start()
            except Exception as error:
                process = child.process()
                if process is None or process.poll() is not None:
                    self._crashed(watch, f"did not start again: {error}", time.monotonic())
                    return
            watch.status.state = "running"
            watch.status.restarts += 1
            self._say(f"{child.name} restarted ({_pid_in_words(child.process())})")

    def _crashed(self, watch: _Watch, how: str, now: float) -> None:
        status = watch.status
        status.last_exit = how
        watch.crash_times = [t for t in watch.crash_times if now - t < self.policy.window]
        watch.crash_times.append(now)
        delay = self.policy.delay(watch.crash_times, now)
        if delay is None:
            status.state = "failed"
            self._say(
                f"{status.name} keeps failing ({len(watch.crash_times)} crashes within "
                f"{self.policy.window:g} s, the last: {how}); it is not restarted any more, "
                f"the others go on. Its log: {status.log}"
            )
            return
        status.state = "restarting"
        watch.restart_at = now + delay
        self._say(f"{status.name} stopped unexpectedly ({how}); restarting it in {delay:g} s")

    def _say(self, line: str) -> None:
        self._write_status()
        if self._journal is not None:
            self._journal.parent.mkdir(parents=True, exist_ok=True)
            with self._journal.open("a") as journal:
                journal.write(f"{datetime.now(UTC).isoformat(timespec='seconds')} {line}\n")
        self._report(line)

    def _refreshed(self, watch: _Watch) -> ProcessStatus:
        process = self.children[watch.status.name].process()
        alive = process is not None and process.poll() is None
        watch.status.pid = process.pid if alive and process is not None else None
        return watch.status

    def _write_status(self) -> None:
        if self._status_file is None:
            return
        document = {
            "supervisor_pid": os.getpid(),
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "policy": str(self.policy),
            "processes": [asdict(self._refreshed(watch)) for watch in self._watches],
        }
        written = self._status_file.with_suffix(".tmp")
        written.write_text(json.dumps(document, indent=2) + "\n")
        written.replace(self._status_file)


def status_report(status_file: Path) -> tuple[int, list[str]]:
    """``boucle status``: an exit code (0: everything runs) and lines for a person."""
    try:
        document: dict[str, Any] = json.loads(status_file.read_text())
    except FileNotFoundError:
        return 2, [f"no status in {status_file.parent}: `boucle up` has not run there"]
    running = _is_running(int(document["supervisor_pid"]))
    lines = [
        f"boucle up (pid {document['supervisor_pid']}) "
        + ("is running" if running else "is not running")
        + f"; status of {document['updated_at']}"
    ]
    width = max((len(process["name"]) for process in document["processes"]), default=0)
    for process in document["processes"]:
        pid = f"pid {process['pid']}" if process["pid"] else ""
        restarts = f"restarted {process['restarts']}×" if process["restarts"] else ""
        last = f"(last exit: {process['last_exit']})" if process["last_exit"] else ""
        name, state = process["name"], process["state"]
        lines.append(f"  {name:<{width}} {state:<10} {pid:<10} {restarts} {last}".rstrip())
        if process["state"] == "failed" or process["restarts"]:
            lines.append(f"  {'':<{width}} log: {process['log']}")
    lines.append(f"  ({document['policy']})")
    healthy = running and all(p["state"] == "running" for p in document["processes"])
    return (0 if healthy else 1), lines


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_in_words(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


def _pid_in_words(process: subprocess.Popen[bytes] | None) -> str:
    return f"pid {process.pid}" if process is not None else "no process"
