"""Signing in, out and back over real HTTP: cookies, CSRF, throttling, renewal, revocation."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers
from shared.auth import issue_token, load_private_key
from shared.config import SERVICES
from tests.support.http import HTML
from tests.support.purchase_units import accounts_on
from tests.support.sign_in import PASSWORD, csrf_of, login, sign_in
from tests.support.stacks import token_for

__all__ = ["login"]  # the fixture: a fresh account to sign in with


@pytest.fixture
async def browser_like(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A client keeping cookies across the services' ports, as a browser does on one host."""
    async with httpx.AsyncClient(timeout=30, headers=HTML) as client:
        yield client


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie header of ``response``, by cookie name, as sent."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name = next(iter(SimpleCookie(header)))
        found[name] = header
    return found


async def test_signing_in_sets_an_httponly_lax_session_cookie_that_every_service_accepts(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    answer = await sign_in(browser_like, stack, login)
    assert answer.status_code == 303
    cookies = set_cookies(answer)
    session = cookies["boucle_session"].lower()
    assert "httponly" in session and "samesite=lax" in session and "path=/" in session
    assert "secure" not in session  # the test stack's public URL is http
    assert "path=/auth" in cookies["boucle_refresh"].lower()
    assert answer.headers["cache-control"] == "no-store"
    # The cookie set by group_purchase reaches inventory (same host, another port).
    devices = await browser_like.get(f"{stack.url('inventory')}/api/v1/devices/K7Q2M9XBA")
    assert devices.status_code != 401
    password_page = await browser_like.get(f"{stack.url('group_purchase')}/auth/password")
    assert password_page.status_code == 200


async def test_a_wrong_password_shows_the_sign_in_page_again_and_sets_no_session(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    answer = await sign_in(browser_like, stack, login, "not the password at all")
    assert answer.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in answer.text
    assert "boucle_session" not in set_cookies(answer)


async def test_an_unknown_login_gets_the_same_answer_as_a_wrong_password(
    stack: Stack, browser_like: httpx.AsyncClient
) -> None:
    answer = await sign_in(browser_like, stack, f"nobody.{uuid.uuid4().hex[:6]}")
    assert answer.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in answer.text


async def test_a_program_gets_problem_json_for_a_wrong_password(stack: Stack, login: str) -> None:
    async with httpx.AsyncClient(timeout=30, headers=HTML) as client:
        token = await csrf_of(client, f"{stack.url('group_purchase')}/auth/sign-in")
        answer = await client.post(
            f"{stack.url('group_purchase')}/auth/sign-in",
            data={"login": login, "password": "wrong wrong wrong", "_csrf_token": token},
            headers={"Accept": "application/json"},
        )
        english = await client.post(
            f"{stack.url('group_purchase')}/auth/sign-in",
            data={"login": login, "password": "wrong wrong wrong", "_csrf_token": token},
            headers={"Accept": "application/json", "Accept-Language": "en"},
        )
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "accounts.wrong_credentials"
    assert answer.json()["detail"] == "Identifiant ou mot de passe incorrect."
    assert english.json()["detail"] == "Wrong login or password."


async def test_a_disabled_account_cannot_sign_in(
    stack: Stack, browser_like: httpx.AsyncClient, login: str, purchase_pool: asyncpg.Pool
) -> None:
    await handlers.disable_account_by_login(accounts_on(purchase_pool), login)
    answer = await sign_in(browser_like, stack, login)
    assert answer.status_code == 403
    assert "désactivé" in answer.text
    assert "boucle_session" not in set_cookies(answer)


async def test_a_sign_in_form_without_its_csrf_token_is_refused_and_signs_nobody_in(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    await browser_like.get(f"{stack.url('group_purchase')}/auth/sign-in")
    answer = await browser_like.post(
        f"{stack.url('group_purchase')}/auth/sign-in",
        data={"login": login, "password": PASSWORD},
    )
    assert answer.status_code == 403
    assert "Rechargez la page" in answer.text
    assert "boucle_session" not in set_cookies(answer)


async def test_a_forged_form_with_another_token_is_refused(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    await browser_like.get(f"{stack.url('group_purchase')}/auth/sign-in")
    answer = await browser_like.post(
        f"{stack.url('group_purchase')}/auth/sign-in",
        data={"login": login, "password": PASSWORD, "_csrf_token": "x" * 43},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"


async def test_too_many_wrong_passwords_lock_the_login_with_a_clear_429_page(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    for _ in range(5):
        assert (await sign_in(browser_like, stack, login, "guess guess guess")).status_code == 401
    answer = await sign_in(browser_like, stack, login)  # even the right password waits
    assert answer.status_code == 429
    assert "Trop de tentatives" in answer.text
    assert int(answer.headers["retry-after"]) > 0
    assert "boucle_session" not in set_cookies(answer)


async def test_an_expired_session_token_is_renewed_by_the_issuer_and_the_page_opens(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    await sign_in(browser_like, stack, login)
    key = load_private_key(stack.keys_dir)
    expired = issue_token(key, str(uuid.uuid4()), ("collector",), (), ttl_seconds=-5)
    browser_like.cookies.set("boucle_session", expired, domain="127.0.0.1", path="/")
    page = f"{stack.url('group_purchase')}/auth/password"
    first = await browser_like.get(page)
    assert first.status_code == 303
    assert "/auth/refresh?next=" in first.headers["location"]
    answer = await browser_like.get(page, follow_redirects=True)
    assert answer.status_code == 200
    assert [hop.status_code for hop in answer.history] == [303, 303]


async def test_a_form_sent_with_an_expired_session_token_arrives_after_the_renewal(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    await sign_in(browser_like, stack, login)
    url = f"{stack.url('group_purchase')}/auth/password"
    token = await csrf_of(browser_like, url)
    key = load_private_key(stack.keys_dir)
    expired = issue_token(key, str(uuid.uuid4()), ("collector",), (), ttl_seconds=-5)
    browser_like.cookies.set("boucle_session", expired, domain="127.0.0.1", path="/")
    form = {
        "current_password": "not the current one",
        "new_password": "une autre phrase de passe",
        "confirm_password": "une autre phrase de passe",
        "_csrf_token": token,
    }
    answer = await browser_like.post(url, data=form, follow_redirects=True)
    assert [hop.status_code for hop in answer.history] == [307, 307]
    assert answer.status_code == 422  # the form reached the page, which judged its content
    assert "Le mot de passe actuel est incorrect" in answer.text


async def test_signing_out_revokes_the_session_so_it_cannot_be_renewed(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    signed_in = await sign_in(browser_like, stack, login)
    refresh_secret = signed_in.cookies["boucle_refresh"]
    base = stack.url("group_purchase")
    token = await csrf_of(browser_like, f"{base}/auth/password")
    out = await browser_like.post(f"{base}/auth/sign-out", data={"_csrf_token": token})
    assert out.status_code == 303
    assert "notice=signed_out" in out.headers["location"]
    assert set_cookies(out)["boucle_session"].lower().count("max-age=0") == 1
    async with httpx.AsyncClient(timeout=30) as thief:
        thief.cookies.set("boucle_refresh", refresh_secret, domain="127.0.0.1", path="/auth")
        renewal = await thief.get(f"{base}/auth/refresh?next=/")
    assert renewal.status_code == 303
    assert "notice=session_ended" in renewal.headers["location"]
    assert "boucle_session=" in renewal.headers.get("set-cookie", "")
    assert "max-age=0" in renewal.headers.get("set-cookie", "").lower()


async def test_a_disabled_account_cannot_renew_its_session(
    stack: Stack, browser_like: httpx.AsyncClient, login: str, purchase_pool: asyncpg.Pool
) -> None:
    signed_in = await sign_in(browser_like, stack, login)
    await handlers.disable_account_by_login(accounts_on(purchase_pool), login)
    async with httpx.AsyncClient(timeout=30) as client:
        client.cookies.set(
            "boucle_refresh", signed_in.cookies["boucle_refresh"], domain="127.0.0.1"
        )
        renewal = await client.get(f"{stack.url('group_purchase')}/auth/refresh")
    assert renewal.status_code == 303
    assert "/auth/sign-in" in renewal.headers["location"]


@pytest.mark.parametrize(
    "token",
    ["expired", "tampered", "foreign key", "garbage"],
)
async def test_a_bad_bearer_token_gets_401_problem_json(
    stack: Stack, http: httpx.AsyncClient, token: str
) -> None:
    key = load_private_key(stack.keys_dir)
    good = issue_token(key, "someone", ("admin",))
    value = {
        "expired": issue_token(key, "someone", ("admin",), ttl_seconds=-5),
        "tampered": good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB"),
        "foreign key": issue_token(Ed25519PrivateKey.generate(), "someone", ("admin",)),
        "garbage": "not-a-token",
    }[token]
    answer = await http.get(
        f"{stack.url('group_purchase')}/accounts", headers={"Authorization": f"Bearer {value}"}
    )
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"


async def test_a_tampered_session_cookie_is_not_renewed_but_refused(
    stack: Stack, browser_like: httpx.AsyncClient
) -> None:
    forged = issue_token(Ed25519PrivateKey.generate(), "x", ("admin",), ttl_seconds=-5)
    browser_like.cookies.set("boucle_session", forged, domain="127.0.0.1", path="/")
    answer = await browser_like.get(f"{stack.url('group_purchase')}/accounts")
    assert answer.status_code == 401
    assert "Se connecter" in answer.text


async def test_bearer_calls_need_no_csrf_token_even_with_a_session_cookie(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    await sign_in(browser_like, stack, login)
    admin = token_for(stack, "admin")
    answer = await browser_like.post(
        f"{stack.url('group_purchase')}/accounts",
        data={"login": "", "display_name": ""},
        headers={"Authorization": f"Bearer {admin}", "Accept": "application/json"},
    )
    assert answer.status_code == 422  # refused for its content, not for a missing token


async def test_an_admin_issues_a_one_time_link_that_sets_a_password_once(
    stack: Stack, browser_like: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    admin = token_for(stack, "admin")
    new_login = f"benevole.{uuid.uuid4().hex[:6]}"
    added = await browser_like.post(
        f"{stack.url('group_purchase')}/accounts",
        data={"login": new_login, "display_name": "Bénévole", "roles": "refurbisher"},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert added.status_code == 200, added.text
    link = re.search(r'<code id="reset-link">([^<]+)</code>', added.text)
    assert link, added.text
    listed = await browser_like.get(
        f"{stack.url('group_purchase')}/accounts", headers={"Authorization": f"Bearer {admin}"}
    )
    assert new_login in listed.text
    token = await csrf_of(browser_like, link.group(1))
    chosen = "un vélo bleu sous la pluie"
    form = {"new_password": chosen, "confirm_password": chosen, "_csrf_token": token}
    saved = await browser_like.post(link.group(1), data=form)
    assert saved.status_code == 303
    assert (await sign_in(browser_like, stack, new_login, chosen)).status_code == 303
    again = await browser_like.post(link.group(1), data=form)
    assert again.status_code == 404
    assert "déjà utilisé" in again.text


async def test_changing_ones_password_needs_the_current_one(
    stack: Stack, browser_like: httpx.AsyncClient, login: str
) -> None:
    await sign_in(browser_like, stack, login)
    url = f"{stack.url('group_purchase')}/auth/password"
    token = await csrf_of(browser_like, url)
    new = "une autre phrase de passe"
    wrong = await browser_like.post(
        url,
        data={
            "current_password": "nope nope nope",
            "new_password": new,
            "confirm_password": new,
            "_csrf_token": token,
        },
    )
    assert wrong.status_code == 422
    right = await browser_like.post(
        url,
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
            "_csrf_token": token,
        },
    )
    assert right.status_code == 200
    assert "a été changé" in right.text
    async with httpx.AsyncClient(timeout=30, headers=HTML) as other:
        assert (await sign_in(other, stack, login, new)).status_code == 303


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("path", ["/", "/no-such-page", "/health/live"])
async def test_every_response_of_every_service_carries_the_security_headers(
    stack: Stack, http: httpx.AsyncClient, service: str, path: str
) -> None:
    answer = await http.get(stack.url(service) + path, headers=HTML)
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"


def test_session_tokens_are_short_lived() -> None:
    from services.group_purchase.accounts.domain import SESSION_TOKEN_LIFETIME

    assert SESSION_TOKEN_LIFETIME.total_seconds() <= 15 * 60
    assert time.time() > 0
