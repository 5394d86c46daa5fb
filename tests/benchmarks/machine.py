"""The machine's limits and the memory and CPU used by each process tree of the stack."""

from __future__ import annotations

import contextlib
import os
import platform
from dataclasses import dataclass
from pathlib import Path

import psutil

FLUSH_FIELD = 18  # /proc/diskstats: "flush requests completed" (Linux 5.5+)
SKIPPED = ("loop", "ram", "zram")


@dataclass(frozen=True)
class Machine:
    cpus: int
    usable_cpus: int
    cpu_model: str
    ram_bytes: int
    system: str


@dataclass(frozen=True)
class Memory:
    """One process tree's memory; ``uss``/``pss`` are ``None`` when the kernel does not tell."""

    processes: int
    threads: int
    rss: int
    uss: int | None
    pss: int | None


def machine() -> Machine:
    return Machine(
        cpus=os.cpu_count() or 0,
        usable_cpus=len(os.sched_getaffinity(0)),
        cpu_model=_cpu_model(),
        ram_bytes=psutil.virtual_memory().total,
        system=f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
    )


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def tree(pid: int) -> list[psutil.Process]:
    """The process and all its descendants that are still alive."""
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    return []


def memory(pid: int) -> Memory:
    rss = threads = 0
    uss: int | None = 0
    pss: int | None = 0
    processes = tree(pid)
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.AccessDenied:
            info, uss, pss = process.memory_info(), None, None
        except psutil.NoSuchProcess:
            continue
        rss += info.rss
        threads += _threads(process)
        uss = None if uss is None or not hasattr(info, "uss") else uss + info.uss
        pss = None if pss is None or not hasattr(info, "pss") else pss + info.pss
    return Memory(len(processes), threads, rss, uss, pss)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process tree so far (children that already exited included)."""
    total = 0.0
    for process in tree(pid):
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


def busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle, all CPUs added."""
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def disk_flushes() -> int:
    """Cache flushes (what fsync turns into) completed by the machine's disks since boot."""
    disks = {path.name for path in Path("/sys/block").glob("*")} - {""}
    total = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/diskstats").read_text().splitlines():
            fields = line.split()
            if len(fields) > FLUSH_FIELD and fields[2] in disks and fields[2][:4] not in SKIPPED:
                total += int(fields[FLUSH_FIELD])
    return total


def _threads(process: psutil.Process) -> int:
    with contextlib.suppress(psutil.Error):
        return process.num_threads()
    return 0
