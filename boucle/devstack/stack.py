"""The whole Boucle stack on one machine: embedded servers plus the four service processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from boucle.devstack.nats import EmbeddedNats, NatsServers
from boucle.devstack.postgres import EmbeddedPostgres
from boucle.devstack.processes import free_port, spawn, stop, url_answers, wait_until
from boucle.devstack.supervisor import (
    STATUS_FILE,
    RestartPolicy,
    Supervised,
    Supervisor,
    supervised_server,
)
from boucle.services import migrations_folder
from shared.auth import PRIVATE_KEY_FILE, TRUSTED_KEYS_FILE, ensure_keypair
from shared.config import DEFAULT_PORTS, SCHEMAS, SERVICES
from shared.migrations import migrate


@dataclass
class Ports:
    postgres: int = 55432
    nats: int = 4222
    nats_monitor: int = 8222
    services: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))


def any_free_ports() -> Ports:
    """Free ports for everything (tests, or a machine where the defaults are taken)."""
    return Ports(
        postgres=free_port(),
        nats=free_port(),
        nats_monitor=free_port(),
        services={service: free_port() for service in SERVICES},
    )


class Stack:
    """Starts and stops everything ``boucle up`` runs, in order, with nothing left behind."""

    def __init__(self, data_dir: Path, ports: Ports | None = None, public_host: str = "") -> None:
        self.data_dir = data_dir.resolve()
        self.ports = ports or Ports()
        self.postgres = EmbeddedPostgres(self.data_dir / "postgres", self.ports.postgres)
        self.nats: NatsServers = EmbeddedNats(
            self.data_dir / "nats", self.ports.nats, self.ports.nats_monitor
        )
        self.public_host = public_host or f"127.0.0.1:{self.ports.services['inventory']}"
        self.services: dict[str, subprocess.Popen[bytes]] = {}
        self._service_starts: dict[str, Callable[[], None]] = {}
        self.supervisor: Supervisor | None = None
        # where the services send mail (the local SMTP catcher of ``boucle up``); none: no mail
        self.smtp_port: int | None = None
        # settings every service is started with (``BOUCLE_*`` names), such as the demo's
        self.settings: dict[str, str] = {}

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports.services[service]}"

    def urls(self, service: str) -> list[str]:
        """Every process serving ``service``: one here, its replicas in a cluster."""
        return [self.url(service)]

    def start_servers(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ensure_keypair(self.keys_dir)
        self.postgres.start()
        self.nats.start()

    def migrate_all(self) -> None:
        async def run() -> None:
            for service in SERVICES:
                await migrate(self.postgres.dsn, SCHEMAS[service], migrations_folder(service))

        asyncio.run(run())

    def service_env(self, service: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("BOUCLE_")}
        env.update(
            BOUCLE_SERVICE=service,
            BOUCLE_DATABASE_URL=self.postgres.dsn,
            BOUCLE_NATS_URL=self.nats.url,
            BOUCLE_HTTP_PORT=str(self.ports.services[service]),
            BOUCLE_AUTH_PUBLIC_KEY=str(self.keys_dir / TRUSTED_KEYS_FILE),
            BOUCLE_PUBLIC_URL=f"http://{self.public_host}",
            BOUCLE_INVENTORY_URL=self.url("inventory"),
            BOUCLE_COLLECTION_POINT_URL=self.url("collection_point"),
            BOUCLE_ACCOUNTS_URL=self.url("group_purchase"),
            BOUCLE_LOG_FORMAT="json",
        )
        if service == "inventory":  # the archived tier's months, kept with the rest
            env["BOUCLE_ARCHIVE_FOLDER"] = str(self.data_dir / "archive")
        if service == "group_purchase":  # the only service that signs sessions
            env["BOUCLE_AUTH_PRIVATE_KEY"] = str(self.keys_dir / PRIVATE_KEY_FILE)
        if self.smtp_port is not None:
            env.update(BOUCLE_SMTP_HOST="127.0.0.1", BOUCLE_SMTP_PORT=str(self.smtp_port))
        env.update(self.settings)
        return env

    def service_log(self, name: str) -> Path:
        return self.data_dir / "logs" / f"{name}.log"

    def start_service(
        self, service: str, name: str = "", env: dict[str, str] | None = None
    ) -> None:
        """Start ``boucle serve <service>`` as the process ``name`` (the service's own name by
        default); ``supervise`` starts it again the same way."""
        name = name or service
        self.services[name] = spawn(
            [sys.executable, "-m", "boucle.cli", "serve", service],
            self.service_log(name),
            env=env or self.service_env(service),
        )
        self._service_starts[name] = partial(self.start_service, service, name, env)

    def start_services(self) -> None:
        for service in SERVICES:
            self.start_service(service)
        for service in SERVICES:
            wait_until(
                url_answers(f"{self.url(service)}/health/ready"),
                f"service {service}",
                timeout=90,
                process=self.services[service],
            )

    def supervise(
        self, report: Callable[[str], None] = print, policy: RestartPolicy | None = None
    ) -> None:
        """From now on, a process of the stack that stops by itself is started again."""
        self.supervisor = Supervisor(
            self.supervised(),
            report,
            status_file=self.data_dir / STATUS_FILE,
            journal=self.service_log("supervisor"),
            policy=policy,
        )
        self.supervisor.start()

    def supervised(self) -> list[Supervised]:
        """What ``supervise`` keeps running: PostgreSQL, NATS and every service process."""
        servers = [supervised_server("postgres", self.postgres)]
        if isinstance(self.nats, EmbeddedNats):  # a cluster names its nodes itself
            servers.append(supervised_server("nats", self.nats))
        return servers + [
            Supervised(name, start, partial(self.services.get, name), self.service_log(name))
            for name, start in self._service_starts.items()
        ]

    def stop_service(self, service: str) -> None:
        process = self.services.pop(service, None)
        if process is not None:
            stop(process)

    def stop(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop_restarting()
        for service in list(self.services):
            self.stop_service(service)
        self.nats.stop()
        self.postgres.stop()
        if self.supervisor is not None:  # its thread outlives the processes it restarted
            self.supervisor.close()
            self.supervisor = None
