"""Where a person goes after signing in stays on the site, whatever ``next`` says; and what
people type is escaped in every page."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from boucle.services import definition
from shared.auth import ensure_keypair
from shared.config import load_settings
from shared.web.app import create_app
from shared.web.session import safe_next

SITE = "https://boucle.example.org"


def connection(host: str = "boucle.example.org") -> SimpleNamespace:
    settings = load_settings({}, public_url=SITE, accounts_url="")
    return SimpleNamespace(
        url=SimpleNamespace(hostname=host),
        app=SimpleNamespace(state=SimpleNamespace(settings=settings)),
    )


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "http://evil.example/auth/sign-in",
        "javascript:alert(1)",
        "\thttps://evil.example/",
        "https:evil.example",
        "https://boucle.example.org@evil.example/",
    ],
)
def test_a_return_address_on_another_site_sends_the_person_home(target: str) -> None:
    assert safe_next(target, connection()) == "/"  # type: ignore[arg-type]


@pytest.mark.parametrize("target", ["/atelier?x=1", f"{SITE}/demandes", "/"])
def test_a_return_address_on_this_site_is_kept(target: str) -> None:
    assert safe_next(target, connection()) == target  # type: ignore[arg-type]


def test_page_templates_escape_what_people_typed(tmp_path: Path) -> None:
    settings = load_settings(
        {}, service="collection_point", auth_public_key=str(ensure_keypair(tmp_path))
    )
    app = create_app(settings, definition("collection_point"))
    engine = app.template_engine.engine  # type: ignore[union-attr]
    page = engine.from_string("<p>{{ name }}</p>")
    assert engine.autoescape
    assert page.render(name='<script>alert("x")</script>') == (
        "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p>"
    )
