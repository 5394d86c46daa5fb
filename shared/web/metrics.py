"""Prometheus text exposition of a few counters, with no extra dependency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable


class Metrics:
    """Request counts and latencies per route and status, plus gauges read at scrape time."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.seconds: dict[tuple[str, str], float] = {}
        self.gauges: dict[str, Callable[[], float]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, status)] += 1
        self.seconds[(method, route)] = self.seconds.get((method, route), 0.0) + seconds

    def render(self) -> str:
        lines = [
            "# HELP boucle_http_requests_total HTTP requests by route and status.",
            "# TYPE boucle_http_requests_total counter",
        ]
        for (method, route, status), count in sorted(self.requests.items()):
            lines.append(
                f'boucle_http_requests_total{{service="{self.service}",method="{method}",'
                f'route="{route}",status="{status}"}} {count}'
            )
        lines += [
            "# HELP boucle_http_request_seconds_sum Time spent answering, by route.",
            "# TYPE boucle_http_request_seconds_sum counter",
        ]
        for (method, route), seconds in sorted(self.seconds.items()):
            lines.append(
                f'boucle_http_request_seconds_sum{{service="{self.service}",method="{method}",'
                f'route="{route}"}} {seconds:.6f}'
            )
        for name, read in sorted(self.gauges.items()):
            lines += [f"# TYPE {name} gauge", f'{name}{{service="{self.service}"}} {read()}']
        return "\n".join(lines) + "\n"
