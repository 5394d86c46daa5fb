"""An itinerant collection point over real HTTP and PostgreSQL: a coordinator sets the bus's
stops, citizens find it in the communes it visits and where it is now, its refusals change
nothing, and the open data says it is itinerant and where it stops next."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from boucle.devstack.stack import Stack
from services.collection_point.demo import BUS, demo_point_id, seed
from services.collection_point.places.itinerary import NEXT_STOPS
from tests.support.open_data import problems, validated
from tests.support.places import bus_stop, created_place, in_paris, opened_bus, stops_set


def _commune(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


async def test_a_coordinator_sets_the_stops_and_a_citizen_finds_the_bus_where_it_goes(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    bus = await opened_bus(http, stack)
    wavrin = _commune("Wavrin")
    answer = await stops_set(
        http,
        stack,
        bus["id"],
        [bus_stop(2, "14:00", "17:30", wavrin), bus_stop(1, "09:30", "12:30", wavrin)],
        **{"If-Match": '"1"'},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["etag"] == '"2"'
    base = f"{stack.url('collection_point')}/api/v1/collection-points"
    listed = await http.get(f"{base}/{bus['id']}/stops")
    assert listed.status_code == 200, listed.text
    stops = listed.json()
    assert [(stop["day"], stop["opens"]) for stop in stops] == [
        (in_paris(1).date().isoformat(), "09:30"),
        (in_paris(2).date().isoformat(), "14:00"),
    ]
    found = (await http.get(base, params={"commune": wavrin.lower()})).json()
    assert [v["place"]["id"] for v in found] == [bus["id"]]
    (seen,) = found
    assert seen["status"]["open_now"] is False
    assert seen["at_stop"] is None
    assert [stop["id"] for stop in seen["next_stops"]] == [stop["id"] for stop in stops]
    page = await http.get(f"{stack.url('collection_point')}/lieux/{bus['id']}")
    assert "Prochains arrêts" in page.text
    assert f"Parvis de la mairie de {wavrin}" in page.text


async def test_the_bus_is_open_now_at_its_stop_and_says_which(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    now = in_paris()
    if now.hour == 23 and now.minute >= 58:
        pytest.skip("no stop of a day can still be open at midnight")
    opens = max(now - timedelta(hours=1), now.replace(hour=0, minute=0))
    closes = min(now + timedelta(hours=1), now.replace(hour=23, minute=59))
    bus = await opened_bus(http, stack)
    fretin = _commune("Fretin")
    answer = await stops_set(
        http, stack, bus["id"], [bus_stop(0, f"{opens:%H:%M}", f"{closes:%H:%M}", fretin)]
    )
    assert answer.status_code == 200, answer.text
    base = f"{stack.url('collection_point')}/api/v1/collection-points"
    open_now = (await http.get(base, params={"commune": fretin, "open_now": "true"})).json()
    assert [v["place"]["id"] for v in open_now] == [bus["id"]]
    assert open_now[0]["at_stop"]["commune"] == fretin
    page = await http.get(f"{stack.url('collection_point')}/lieux", params={"q": fretin})
    assert (
        f"Ouvert maintenant</span> — Parvis de la mairie de {fretin}, {fretin}, jusqu" in page.text
    )


async def test_a_schedule_that_breaks_a_rule_is_refused_with_its_code_and_changes_nothing(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    bus = await opened_bus(http, stack)
    kept = await stops_set(http, stack, bus["id"], [bus_stop(3, "09:30", "12:30")])
    assert kept.status_code == 200
    refused = {
        "hours": await stops_set(http, stack, bus["id"], [bus_stop(4, "12:30", "09:30")]),
        "overlap": await stops_set(
            http,
            stack,
            bus["id"],
            [bus_stop(4, "09:30", "12:30"), bus_stop(4, "12:00", "14:00", "Wavrin")],
        ),
        "past": await stops_set(http, stack, bus["id"], [bus_stop(-1, "09:30", "12:30")]),
        "position": await stops_set(
            http, stack, bus["id"], [bus_stop(4, "09:30", "12:30", latitude=95.0)]
        ),
        "stale": await stops_set(
            http, stack, bus["id"], [bus_stop(5, "09:30", "12:30")], **{"If-Match": '"1"'}
        ),
    }
    assert {reason: answer.status_code for reason, answer in refused.items()} == {
        "hours": 422,
        "overlap": 422,
        "past": 422,
        "position": 422,
        "stale": 409,
    }
    assert refused["hours"].json()["code"] == "places.stop_hours"
    assert (
        "ferme à 09:30, ce qui n'est pas après son ouverture (12:30)"
        in (refused["hours"].json()["detail"])
    )
    assert refused["overlap"].json()["code"] == "places.stop_overlap"
    assert (
        "ne peut pas être à la fois à Parvis de la mairie de Comines 09:30-12:30"
        in (refused["overlap"].json()["detail"])
    )
    assert refused["past"].json()["code"] == "places.stop_past"
    assert "latitude" in refused["position"].json()["detail"]
    assert refused["stale"].json()["code"] == "places.changed"
    base = f"{stack.url('collection_point')}/api/v1/collection-points/{bus['id']}"
    assert (await http.get(f"{base}/stops")).json() == kept.json()["next_stops"]
    assert (await http.get(base)).headers["etag"] == '"2"'


async def test_only_coordinators_set_stops_and_only_an_itinerant_place_has_some(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    bus = await opened_bus(http, stack)
    library = (await created_place(http, stack)).json()["place"]
    collector = await stops_set(
        http, stack, bus["id"], [bus_stop(1, "09:30", "12:30")], role="collector"
    )
    fixed = await stops_set(http, stack, library["id"], [bus_stop(1, "09:30", "12:30")])
    unknown = await stops_set(http, stack, str(uuid.uuid4()), [])
    assert collector.status_code == 403
    assert fixed.status_code == 422
    assert fixed.json()["code"] == "places.not_itinerant"
    assert unknown.status_code == 404
    url = f"{stack.url('collection_point')}/api/v1/collection-points"
    assert (await http.get(f"{url}/{bus['id']}/stops")).json() == []


async def test_the_open_data_says_the_bus_is_itinerant_and_where_it_stops_next(
    stack: Stack, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    bus = await opened_bus(http, stack)
    comines = _commune("Comines")
    stops = (
        await stops_set(http, stack, bus["id"], [bus_stop(1, "09:30", "12:30", comines)])
    ).json()["next_stops"]
    base = f"{stack.url('collection_point')}/api/v1/open-data"
    text = (await http.get(f"{base}/collection-points.csv")).text
    report = validated(text, tmp_path)
    assert report.valid, problems(report)
    (row,) = [row for row in csv.DictReader(io.StringIO(text)) if row["id"] == bus["id"]]
    assert row["itinerance"] == "Itinérant"
    assert row["horaires"].endswith(" 09:30-12:30")
    assert f"Parvis de la mairie de {comines} ({comines})" in row["presentation_detail"]
    features = (await http.get(f"{base}/collection-points.geojson")).json()["features"]
    (stop,) = [f for f in features if f["properties"].get("place_id") == bus["id"]]
    assert stop["id"] == stops[0]["id"]
    assert stop["geometry"]["coordinates"] == [3.0083, 50.7622]
    assert stop["properties"]["commune"] == comines


async def test_the_demo_bus_tours_three_communes_and_seeding_again_keeps_one_schedule(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    await seed(stack.postgres.dsn)
    await seed(stack.postgres.dsn)
    url = f"{stack.url('collection_point')}/api/v1/collection-points/{demo_point_id(BUS)}"
    stops = (await http.get(f"{url}/stops")).json()
    assert {stop["commune"] for stop in stops} == {"Comines", "Wavrin", "Fretin"}
    assert len(stops) == len({(stop["day"], stop["opens"]) for stop in stops})  # none twice
    assert len(stops) > NEXT_STOPS  # all of them, not only those the pages show
    assert (await http.get(url)).json()["place"]["kind"] == "mobile"
