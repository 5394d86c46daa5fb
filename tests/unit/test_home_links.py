"""A home lists a page only for those the page's route lets in (the guard's own rule)."""

from __future__ import annotations

from litestar import Litestar, get

from shared.auth import Principal
from shared.web.home import openable, reaches_accounts
from shared.web.security import allow, public


@get("/lieux", opt=public())
async def places() -> str:
    return ""


@get("/guichet", opt=allow("collector", "coordinator"))
async def counter() -> str:
    return ""


APP = Litestar([places, counter])
ENTRIES = [("places.title", "/lieux"), ("counter.title", "/guichet"), ("gone", "/nulle-part")]


def _person(*roles: str) -> Principal:
    return Principal(sub="someone", roles=roles, exp=2_000_000_000, iat=0)  # type: ignore[arg-type]


def test_nobody_signed_in_gets_the_public_pages_only() -> None:
    assert openable(APP, ENTRIES, None) == [("places.title", "/lieux")]


def test_a_role_the_route_names_gets_its_page_and_another_does_not() -> None:
    assert [path for _, path in openable(APP, ENTRIES, _person("collector"))] == [
        "/lieux",
        "/guichet",
    ]
    assert [path for _, path in openable(APP, ENTRIES, _person("social_worker"))] == ["/lieux"]


def test_only_administrators_reach_the_accounts_pages() -> None:
    assert reaches_accounts(_person("admin"))
    assert not reaches_accounts(_person("coordinator"))
    assert not reaches_accounts(None)
