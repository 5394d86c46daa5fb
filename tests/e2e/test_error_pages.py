"""Errors: a browser gets a page in the person's language, a program gets problem+json."""

from __future__ import annotations

import html

import httpx

from boucle.devstack.stack import Stack

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


async def test_a_browser_on_an_unknown_address_gets_a_french_page_that_says_what_to_do(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    answer = await http.get(f"{stack.url('collection_point')}/nulle-part", headers=BROWSER)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Cette page n'existe pas" in html.unescape(answer.text)
    assert '<html lang="fr">' in answer.text


async def test_the_same_error_is_in_english_when_the_person_chose_english(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    answer = await http.get(
        f"{stack.url('inventory')}/nowhere", headers={**BROWSER, "Cookie": "boucle_lang=en"}
    )
    assert answer.status_code == 404
    assert "This page does not exist" in answer.text


async def test_api_errors_stay_problem_json_even_for_a_browser(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    answer = await http.get(f"{stack.url('inventory')}/api/v1/devices/K7Q2M9XBA", headers=BROWSER)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 401
