"""/metrics: latency as a histogram by route template, so a p99 can be read in production."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from shared.web.metrics import Metrics


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_request_latency_is_a_histogram_by_route_template() -> None:
    metrics = Metrics("inventory")
    for seconds in (0.004, 0.03, 0.03, 0.2, 1.7):
        metrics.observe("GET", "/d/{code}", 200, seconds)
    metrics.observe("GET", "/d/{code}", 404, 0.002)
    samples = _samples(metrics.render())
    route = (("method", "GET"), ("route", "/d/{code}"), ("service", "inventory"))

    def bucket(le: str) -> float:
        key = tuple(sorted((*route, ("le", le))))
        return samples[("boucle_http_request_duration_seconds_bucket", key)]

    assert bucket("0.005") == 2
    assert bucket("0.05") == 4
    assert bucket("0.25") == 5
    assert bucket("+Inf") == 6
    assert samples[("boucle_http_request_duration_seconds_count", route)] == 6
    ok = tuple(sorted((*route, ("status", "200"))))
    assert samples[("boucle_http_requests_total", ok)] == 5


def test_event_lag_outbox_age_and_gauges_are_exposed() -> None:
    metrics = Metrics("collection_point")
    metrics.gauges["boucle_outbox_published_total"] = lambda: 42
    metrics.observe_event_lag("collection_point/REFURBISHMENT", 0.3)
    metrics.observe_outbox_age(0.02)
    samples = _samples(metrics.render())
    assert samples[("boucle_outbox_published_total", (("service", "collection_point"),))] == 42
    lag = (("consumer", "collection_point/REFURBISHMENT"), ("service", "collection_point"))
    assert samples[("boucle_event_lag_seconds_count", lag)] == 1
    assert samples[("boucle_outbox_age_seconds_count", (("service", "collection_point"),))] == 1
