"""Every page of every service reads in the language asked for: no message key left raw, no
English sentence on a French page, no number written the other language's way."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from boucle.devstack.stack import Stack
from shared.config import SERVICES
from shared.translations import texts
from tests.support.routes import SCOPED_ROLES, concrete, declared_routes
from tests.support.stacks import running_stack, token_for

NOT_PAGES = (
    "/api/",
    "/health/",
    "/metrics",
    "/static/",
    "/auth/refresh",
    "/auth/sign-out",
    "/.well-known/",
)
KEYS = {key for key in texts("fr") if "." in key or "_" in key}
# Words a French sentence never holds, and the reverse; a page's data may hold anything, so
# these are words the pages' own texts would bring.
FOREIGN_WORDS = {
    "fr": re.compile(
        r"\b(the|and|with|your|please|must|cannot|should|which|there|Save|Search|Sign in)\b"
    ),
    "en": re.compile(r"\b(les|des|avec|vous|votre|pour|aucun|aucune|Enregistrer)\b"),
}
# A decimal written the other language's way: 2.5 on a French page, 2,5 on an English one.
FOREIGN_DECIMAL = {
    "fr": re.compile(r"(?<![\w.,/-])\d+\.\d{1,2}(?![\w.,/-]*\d)"),
    "en": re.compile(r"(?<![\w.,/-])\d+,\d{1,2}(?![\w.,/-]*\d)"),
}
HIDDEN = re.compile(r"<(script|style|svg)\b.*?</\1>", re.DOTALL)
# what the page marks as written in another language (a refusal not yet in the catalogs, the
# link to the other language) is read as such
MARKED = {
    language: re.compile(rf'<(\w+)\b[^>]*\blang="(?!{language}")[a-z]+"[^>]*>.*?</\1>', re.DOTALL)
    for language in ("fr", "en")
}
ATTRIBUTES = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: what other tests typed (French place names, campaign titles) is
    data, not the pages' wording, and would read as the other language."""
    with running_stack(tmp_path_factory.mktemp("languages")) as started:
        yield started


def read(page: str, language: str) -> str:
    """What a person reads or hears in the page's language: the visible text and the
    labelling attributes, without what is marked as another language."""
    page = MARKED[language].sub(" ", HIDDEN.sub(" ", page))
    labels = " ".join(ATTRIBUTES.findall(page))
    return html.unescape(TAG.sub(" ", page) + " " + labels)


def problems_of(text: str, language: str) -> list[str]:
    found = []
    raw_keys = {word.rstrip(".") for word in re.findall(r"[\w.]+", text)} & KEYS
    found += [f"raw key {key}" for key in sorted(raw_keys)]
    found += [f"word {m.group(0)!r}" for m in FOREIGN_WORDS[language].finditer(text)]
    found += [f"number {m.group(0)!r}" for m in FOREIGN_DECIMAL[language].finditer(text)]
    return found


def page_routes(stack: Stack, service: str) -> list[tuple[str, list[str]]]:
    """Each page (GET, not the API) with the roles that see it (none: a public page)."""
    return [
        (path, [] if opt.get("public") else list(opt.get("roles", ())))
        for path, method, opt in declared_routes(stack, service)
        if method == "GET" and not path.startswith(NOT_PAGES)
    ]


def cookie_of(stack: Stack, roles: list[str]) -> dict[str, str]:
    if not roles:
        return {}
    role = next((role for role in roles if role not in SCOPED_ROLES), roles[0])
    scopes = [f"{SCOPED_ROLES[role]}:{uuid.uuid4()}"] if role in SCOPED_ROLES else []
    return {"boucle_session": token_for(stack, role, *scopes)}


def test_the_telltales_catch_what_they_are_for() -> None:
    marked = '<html lang="fr"><p>Détail : <span lang="en">No work order</span></p></html>'
    assert read(marked, "fr").split() == ["Détail", ":"]
    assert problems_of("Appareils collectés : 2.5 tonnes", "fr") == ["number '2.5'"]
    assert problems_of("Save the device", "fr") == ["word 'Save'", "word 'the'"]
    assert problems_of("campaigns.status.open", "en") == ["raw key campaigns.status.open"]
    assert problems_of("2,5 years, 12,345 devices, 7 déc. 2026 14:05", "en") == ["number '2,5'"]
    assert problems_of("12 345 appareils, 2,5 ans, K7Q2-M9XB-A, 2026-03-14", "fr") == []


@pytest.mark.parametrize("service", SERVICES)
async def test_every_page_reads_in_the_language_asked_for(stack: Stack, service: str) -> None:
    walked, problems = 0, []
    async with httpx.AsyncClient(timeout=30, headers={"Accept": "text/html"}) as http:
        for path, roles in page_routes(stack, service):
            url = stack.url(service) + concrete(path)
            for language in ("fr", "en"):
                answer = await http.get(
                    url, params={"lang": language}, cookies=cookie_of(stack, roles)
                )
                if not answer.headers.get("content-type", "").startswith("text/html"):
                    continue
                assert f'<html lang="{language}">' in answer.text, f"{path} ({language})"
                walked += 1
                problems += [
                    f"{path} ({language}, {answer.status_code}): {problem}"
                    for problem in problems_of(read(answer.text, language), language)
                ]
    assert walked > 0
    assert not problems, "\n".join(problems)
