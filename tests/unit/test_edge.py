"""The edge of every service without a server: what is refused in a body, a parameter or a
Host header, and the per-address allowance of public routes."""

from __future__ import annotations

import json

import pytest

from shared.config import load_settings
from shared.limits import CallerTable, RequestRate
from shared.web.edge import Edge, refuse_hostile_json, refuse_unstorable
from shared.web.problems import Problem


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refusal(body: bytes, max_depth: int = 32) -> Problem:
    with pytest.raises(Problem) as refused:
        refuse_hostile_json(body, max_depth)
    return refused.value


def test_json_nested_deeper_than_the_limit_is_refused_where_it_goes_too_deep() -> None:
    refuse_hostile_json(json.dumps({"label": [[["fine"]]]}).encode(), 4)
    problem = refusal(json.dumps({"parts": [{"name": [[["x"]]]}]}).encode(), 4)
    assert problem.status_code == 400
    assert "parts[0].name[0]" in problem.detail and "4 levels" in problem.detail


def test_json_nested_beyond_what_the_decoder_can_follow_is_refused_too() -> None:
    problem = refusal(b'{"label": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    assert problem.status_code == 400 and "nested too deeply" in problem.detail


def test_a_nul_in_a_json_string_or_key_is_refused_naming_the_field() -> None:
    problem = refusal(json.dumps({"parts": [{"name": "carte\x00mère"}]}).encode())
    assert problem.status_code == 422
    assert problem.detail.startswith("parts[0].name: contains U+0000")
    assert refusal(json.dumps({"na\x00me": 1}).encode()).status_code == 422
    assert refusal(json.dumps("\x00").encode()).detail.startswith("body:")


def test_half_a_surrogate_pair_in_json_is_refused_in_words() -> None:
    problem = refusal(b'{"name": "\\ud800"}')
    assert problem.status_code == 400 and "surrogate" in problem.detail
    refuse_hostile_json(b'{"name": "\\ud83d\\ude00"}', 32)  # a whole pair is an emoji


def test_ordinary_and_merely_malformed_bodies_are_left_to_the_handler() -> None:
    refuse_hostile_json(json.dumps({"label": "K7Q2-M9XB-A", "n": [1, 2]}).encode(), 32)
    refuse_hostile_json(b'{"label": "\\u00e9", ', 32)  # its decoding says what is wrong


def test_unstorable_characters_in_parameters_and_fields_are_named() -> None:
    refuse_unstorable([("commune", "Lille"), ("postcode", "59000")], "query")
    with pytest.raises(Problem) as refused:
        refuse_unstorable([("commune", "Lille"), ("postcode", "59\ud800")], "query")
    assert refused.value.detail.startswith("postcode: contains U+D800")
    assert refused.value.extra == {
        "errors": [{"key": "postcode", "source": "query", "message": refused.value.detail[10:]}]
    }


def edge(**settings: str) -> Edge:
    return Edge.from_settings(load_settings({}, **settings))


def test_the_hosts_answered_are_the_public_ones_localhost_and_the_bind_address() -> None:
    served = edge(public_url="https://boucle.example.org", http_host="10.0.0.5")
    for host in ("boucle.example.org", "BOUCLE.example.org:443", "localhost:8001", "[::1]:8001"):
        served.refuse_foreign_host(host)
    served.refuse_foreign_host("10.0.0.5:8002")
    served.refuse_foreign_host(None)  # HTTP/1.0: nothing to trust or to refuse
    for forged in ("attacker.example", "boucle.example.org.attacker.example", "a@localhost", ""):
        with pytest.raises(Problem) as refused:
            served.refuse_foreign_host(forged)
        assert refused.value.status_code == 400


def test_more_hosts_or_any_host_can_be_allowed_by_setting() -> None:
    edge(allowed_hosts="inventory, boucle.internal").refuse_foreign_host("inventory:8001")
    edge(allowed_hosts="*").refuse_foreign_host("anything.example")
    with pytest.raises(Problem):
        edge(http_host="0.0.0.0").refuse_foreign_host("0.0.0.0")


def test_an_address_gets_its_allowance_at_once_then_one_request_per_share_of_a_minute() -> None:
    clock = FakeClock()
    rate = RequestRate(per_minute=60, clock=clock)
    assert all(rate.wait_seconds("10.0.0.1") == 0 for _ in range(60))
    assert rate.wait_seconds("10.0.0.1") == 1
    assert rate.wait_seconds("10.0.0.2") == 0  # another address has its own
    clock.now += 1
    assert rate.wait_seconds("10.0.0.1") == 0
    assert rate.wait_seconds("10.0.0.1") == 1
    clock.now += 60
    assert all(rate.wait_seconds("10.0.0.1") == 0 for _ in range(60))


def test_a_flood_of_new_addresses_does_not_free_an_address_over_its_allowance() -> None:
    clock = FakeClock()
    rate = RequestRate(per_minute=10, clock=clock, max_callers=50)
    for _ in range(10):
        rate.wait_seconds("10.0.0.1")
    for caller in range(5_000):
        rate.wait_seconds(f"10.9.{caller // 250}.{caller % 250}")
    assert rate.wait_seconds("10.0.0.1") > 0


def test_a_table_full_of_held_callers_records_no_newcomer_and_forgets_none() -> None:
    table: CallerTable[str, bool] = CallerTable(3, lambda key, held, now: held)
    for name in ("a", "b", "c"):
        assert table.put(name, True, 0)
    assert not table.put("d", False, 0)
    assert [table.get(name) for name in "abcd"] == [True, True, True, None]
    table.put("b", False, 0)  # no longer held: the one to go
    assert table.put("d", False, 0) and table.get("b") is None and len(table) == 3
