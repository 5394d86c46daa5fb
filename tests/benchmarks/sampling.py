"""Where a Python service's CPU goes during a load: py-spy samples it from outside (no change
to the service, no pause: ``--nonblocking``), and the stacks are summed up by library and by
function."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SAMPLES_PER_SECOND = 97  # not a divisor of the event loop's usual timers
FRAME = re.compile(r"^(?P<function>.*) \((?P<path>.*?)(?::\d+)?\)$")
PROJECT_FOLDERS = ("services", "shared")
EVENT_LOOPS = ("Runner.run", "Relay.run.<locals>.main")  # the service's, the relay thread's


@dataclass
class Profile:
    """Stacks sampled in one process while it ran Python code (idle threads are not sampled)."""

    samples: int = 0
    by_area: Counter[str] = field(default_factory=Counter)  # the running function's library
    by_function: Counter[str] = field(default_factory=Counter)  # the running function itself
    ours: Counter[str] = field(default_factory=Counter)  # our innermost function on the stack
    error: str = ""

    def add(self, stack: str, count: int) -> None:
        frames = [_frame(text) for text in stack.split(";") if text]
        if not frames:
            return
        self.samples += count
        function, path = frames[-1]
        self.by_area[area(function, path)] += count
        self.by_function[f"{function} ({_short(path)})"] += count
        own = [(f, p) for f, p in frames if p.startswith(PROJECT_FOLDERS)]
        if own:
            function, path = own[-1]
            self.ours[f"{function} ({_short(path)})"] += count


def py_spy() -> str | None:
    found = Path(sys.executable).with_name("py-spy")
    return str(found) if found.exists() else shutil.which("py-spy")


async def sample(pids: dict[str, int], seconds: float, folder: Path) -> dict[str, Profile]:
    """Sample every process of ``pids`` at once for ``seconds``."""
    program = py_spy()
    if program is None:
        return {name: Profile(error="py-spy is not installed") for name in pids}
    runs = [_record(program, name, pid, seconds, folder) for name, pid in pids.items()]
    return dict(zip(pids, await asyncio.gather(*runs), strict=True))


async def _record(program: str, name: str, pid: int, seconds: float, folder: Path) -> Profile:
    output = folder / f"{name}.stacks"
    command = [
        program, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
        "--rate", str(SAMPLES_PER_SECOND), "--nonblocking", "--gil", "--function",
        "--format", "raw", "--output", str(output),
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, errors = await process.communicate()
    if process.returncode != 0 or not output.exists():
        # ptrace refused (a container without SYS_PTRACE, yama's ptrace_scope) ends here
        said = errors.decode(errors="replace").strip().splitlines()
        return Profile(error=said[-1] if said else f"py-spy exited with {process.returncode}")
    profile = Profile()
    for line in output.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            profile.add(stack, int(count))
    return profile


def _frame(text: str) -> tuple[str, str]:
    match = FRAME.match(text.strip())
    return (match["function"], match["path"]) if match else (text.strip(), "")


def area(function: str, path: str) -> str:
    """The library a source file belongs to (py-spy names files from their import root:
    ``asyncpg/pool.py``, ``asyncio/tasks.py``, ``services/inventory/store.py``); time in
    the event loop's own frame is uvloop's C, and whatever C it calls without a Python frame
    (asyncpg's protocol, sockets, granian's handoff)."""
    if function in EVENT_LOOPS:
        return "event loop, native (uvloop, asyncpg protocol, sockets)"
    parts = Path(path).parts
    if not parts:
        return "?"
    if parts[0] == "services" and len(parts) > 2:
        return f"services/{parts[1]}"
    return parts[0].removesuffix(".py")


def _short(path: str) -> str:
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else path


def print_profiles(profiles: dict[str, Profile], cpu_ms: dict[str, float], top: int) -> None:
    """Per process: its CPU per intake, then its samples by library and its top functions."""
    for name, profile in profiles.items():
        print(f"  {name}: {cpu_ms.get(name, float('nan')):.2f} ms of CPU per intake")
        if profile.error or not profile.samples:
            print(f"    not sampled: {profile.error or 'no sample'}")
            continue
        _print_shares("by library (where the running function is)", profile.by_area, profile, top)
        _print_shares("running functions (self)", profile.by_function, profile, top)
        _print_shares("our innermost function on the stack", profile.ours, profile, top)


def _print_shares(title: str, counts: Counter[str], profile: Profile, top: int) -> None:
    print(f"    {title}, share of {profile.samples} samples:")
    for key, count in counts.most_common(top):
        print(f"      {count / profile.samples:>5.0%}  {key}")
