"""The production shape on one machine (``boucle up --cluster``): a 3-node JetStream cluster on
loopback and two replicas of each service, on one PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from boucle.devstack.nats import EmbeddedNats
from boucle.devstack.processes import free_port, url_answers, wait_until
from boucle.devstack.stack import Ports, Stack
from boucle.devstack.supervisor import Supervised, supervised_server
from shared.config import DEFAULT_PORTS, SERVICES

NODES = 3
REPLICAS = 2
SECOND_REPLICA_OFFSET = 10  # by default the second replica of a service listens on 8011…8014


@dataclass(frozen=True)
class NodePorts:
    client: int
    monitor: int
    route: int


@dataclass
class ClusterPorts:
    postgres: int = 55432
    nodes: list[NodePorts] = field(
        default_factory=lambda: [NodePorts(4222 + n, 8222 + n, 6222 + n) for n in range(NODES)]
    )
    # The HTTP ports of each service's replicas.
    replicas: dict[str, list[int]] = field(
        default_factory=lambda: {
            service: [port + SECOND_REPLICA_OFFSET * n for n in range(REPLICAS)]
            for service, port in DEFAULT_PORTS.items()
        }
    )


def any_free_cluster_ports() -> ClusterPorts:
    return ClusterPorts(
        postgres=free_port(),
        nodes=[NodePorts(free_port(), free_port(), free_port()) for _ in range(NODES)],
        replicas={service: [free_port() for _ in range(REPLICAS)] for service in SERVICES},
    )


class NatsCluster:
    """Nodes ``nats-1``… ``nats-3``, each with its own store, routed to one another."""

    def __init__(self, data_dir: Path, ports: Sequence[NodePorts]) -> None:
        self.nodes = [
            EmbeddedNats(
                data_dir / f"nats-{number}",
                node.client,
                node.monitor,
                cluster_port=node.route,
                routes=[other.route for other in ports if other != node],
            )
            for number, node in enumerate(ports, start=1)
        ]

    @property
    def url(self) -> str:
        """Every node: a client whose node dies reconnects to another."""
        return ",".join(node.url for node in self.nodes)

    def node(self, name: str) -> EmbeddedNats:
        (found,) = (node for node in self.nodes if node.name == name)
        return found

    def start(self) -> None:
        for node in self.nodes:
            node.start()
        for node in self.nodes:
            wait_until_current(node)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def wait_until_current(node: EmbeddedNats, timeout: float = 60) -> None:
    """Until the node has a JetStream meta leader and its streams and consumers are current."""
    wait_until(
        url_answers(f"http://127.0.0.1:{node.monitor_port}/healthz"),
        f"NATS node {node.name}",
        timeout=timeout,
        process=node.process,
    )


class ClusterStack(Stack):
    """The stack of ``boucle up`` with the NATS cluster, R3 streams and two processes per
    service (``inventory-1``, ``inventory-2``…); ``url(service)`` is the first replica's."""

    def __init__(
        self, data_dir: Path, ports: ClusterPorts | None = None, public_host: str = ""
    ) -> None:
        self.cluster_ports = ports or ClusterPorts()
        first = self.cluster_ports.nodes[0]
        super().__init__(
            data_dir,
            Ports(
                postgres=self.cluster_ports.postgres,
                nats=first.client,
                nats_monitor=first.monitor,
                services={s: ports[0] for s, ports in self.cluster_ports.replicas.items()},
            ),
            public_host,
        )
        self.nats: NatsCluster = NatsCluster(self.data_dir, self.cluster_ports.nodes)

    def urls(self, service: str) -> list[str]:
        return [f"http://127.0.0.1:{port}" for _, port in self.replicas(service)]

    def replicas(self, service: str) -> list[tuple[str, int]]:
        """The process name and HTTP port of each replica of ``service``."""
        ports = self.cluster_ports.replicas[service]
        return [(f"{service}-{number}", port) for number, port in enumerate(ports, start=1)]

    def service_env(self, service: str) -> dict[str, str]:
        return super().service_env(service) | {"BOUCLE_STREAM_REPLICAS": str(NODES)}

    def start_services(self) -> None:
        for service in SERVICES:
            for name, port in self.replicas(service):
                env = self.service_env(service) | {"BOUCLE_HTTP_PORT": str(port)}
                self.start_service(service, name, env)
        for service in SERVICES:
            for name, port in self.replicas(service):
                wait_until(
                    url_answers(f"http://127.0.0.1:{port}/health/ready"),
                    f"service {name}",
                    timeout=90,
                    process=self.services[name],
                )

    def supervised(self) -> list[Supervised]:
        nodes = [supervised_server(node.name, node) for node in self.nats.nodes]
        return super().supervised() + nodes
