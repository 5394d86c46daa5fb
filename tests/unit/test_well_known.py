"""Every service publishes its security contact (RFC 9116) and, served over https, tells
browsers to keep to https (HSTS); answered in process, without servers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from boucle.services import definition
from shared.auth import ensure_keypair
from shared.config import SERVICES, load_settings
from shared.web.app import create_app

SITE = "https://boucle.example.org"


def client(service: str, keys: Path, **settings: str) -> httpx.AsyncClient:
    settings.setdefault("public_url", SITE)
    configured = load_settings(
        {}, service=service, auth_public_key=str(ensure_keypair(keys)), **settings
    )
    app = create_app(configured, definition(service))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SITE)


@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_publishes_the_security_contact_of_its_settings(
    service: str, tmp_path: Path
) -> None:
    async with client(service, tmp_path, security_contact="securite@example.org") as http:
        answer = await http.get("/.well-known/security.txt")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in answer.text.splitlines())
    assert fields["Contact"] == "mailto:securite@example.org"
    assert fields["Canonical"] == f"{SITE}/.well-known/security.txt"
    expires = datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert timedelta(days=30) < expires - datetime.now(UTC) < timedelta(days=365)


async def test_several_contacts_are_each_a_line_and_a_web_page_stays_a_web_page(
    tmp_path: Path,
) -> None:
    contacts = "https://example.org/signaler, securite@example.org"
    async with client("inventory", tmp_path, security_contact=contacts) as http:
        text = (await http.get("/.well-known/security.txt")).text
    assert re.findall(r"^Contact: (.+)$", text, re.M) == [
        "https://example.org/signaler",
        "mailto:securite@example.org",
    ]


async def test_without_a_contact_the_file_is_not_found_and_says_which_setting(
    tmp_path: Path,
) -> None:
    async with client("refurbishment", tmp_path) as http:
        answer = await http.get("/.well-known/security.txt")
    assert answer.status_code == 404
    assert "BOUCLE_SECURITY_CONTACT" in answer.json()["detail"]


@pytest.mark.parametrize("service", SERVICES)
async def test_over_https_every_answer_asks_browsers_to_keep_to_https(
    service: str, tmp_path: Path
) -> None:
    async with client(service, tmp_path) as http:
        answers = [await http.get(path) for path in ("/health/live", "/no-such-page")]
    for answer in answers:
        assert answer.headers["strict-transport-security"] == (
            "max-age=31536000; includeSubDomains"
        )


async def test_over_plain_http_no_hsts_is_sent(tmp_path: Path) -> None:
    async with client("collection_point", tmp_path, public_url="http://127.0.0.1:8002") as http:
        answer = await http.get("/health/live")
    assert "strict-transport-security" not in answer.headers
