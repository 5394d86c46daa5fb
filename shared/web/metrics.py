"""Prometheus metrics of one service process: requests and their latency by route template
(a histogram, so a p99 can be read in production), how late events are applied by consumer,
how long events wait in the outbox, and gauges read at scrape time."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# From a cached page (a few ms) to a request that waited for a stuck database (seconds).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# From an event applied at once to one that waited for a restart or an outage.
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class Metrics:
    """The metrics of one service; ``render`` is the ``/metrics`` text."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.gauges: dict[str, Callable[[], float]] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        self._requests = Counter(
            "boucle_http_requests",
            "HTTP requests by route template and status.",
            ("service", "method", "route", "status"),
            registry=self.registry,
        )
        self._latency = Histogram(
            "boucle_http_request_duration_seconds",
            "Time to answer, by route template.",
            ("service", "method", "route"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._event_lag = Histogram(
            "boucle_event_lag_seconds",
            "From an event's occurrence to its application, by consumer.",
            ("service", "consumer"),
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self._outbox_age = Histogram(
            "boucle_outbox_age_seconds",
            "From an event's commit in the outbox to its acknowledgement by JetStream.",
            ("service",),
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_Gauges(self))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self._requests.labels(self.service, method, route, str(status)).inc()
        self._latency.labels(self.service, method, route).observe(seconds)

    def observe_event_lag(self, consumer: str, seconds: float) -> None:
        self._event_lag.labels(self.service, consumer).observe(max(seconds, 0.0))

    def observe_outbox_age(self, seconds: float) -> None:
        self._outbox_age.labels(self.service).observe(max(seconds, 0.0))

    def render(self) -> str:
        return generate_latest(self.registry).decode()


class _Gauges(Collector):
    """The values other parts of the process keep (events published, applied…), read when
    Prometheus scrapes."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def collect(self) -> list[GaugeMetricFamily]:
        families = []
        for name, read in sorted(self._metrics.gauges.items()):
            family = GaugeMetricFamily(name, name.replace("_", " "), labels=("service",))
            family.add_metric((self._metrics.service,), float(read()))
            families.append(family)
        return families
