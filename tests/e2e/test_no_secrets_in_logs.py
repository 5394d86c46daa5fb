"""What the services write to their logs and put in error answers holds no password, token,
secret or household's personal data, whatever people send: signing in (rightly and wrongly),
sessions, machine secrets, one-time password links, households, and refused input."""

from __future__ import annotations

import re
import secrets
import uuid
from pathlib import Path

import asyncpg
import httpx

from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers
from services.group_purchase.accounts.machines import create_machine_token
from shared.auth import PRIVATE_KEY_FILE
from shared.config import SERVICES
from tests.support.households import Territory
from tests.support.http import HTML
from tests.support.purchase_units import accounts_on
from tests.support.sign_in import PASSWORD, sign_in
from tests.support.stacks import token_for


class Witness:
    """Every value that must stay out of logs, and every error answer seen."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.errors: list[httpx.Response] = []

    def keep(self, what: str, value: str) -> str:
        assert len(value) >= 8, f"{what} is too short to search for"
        self.secrets[what] = value
        return value

    def answered(self, response: httpx.Response, *shown: str) -> httpx.Response:
        """An answer; if it is an error, its body must hold none of the secrets (but
        ``shown``, which the caller sent and may be told back)."""
        if response.status_code >= 400:
            self.errors.append(response)
            for what, value in self.secrets.items():
                if what not in shown:
                    assert value not in response.text, f"the {what} is in a {response.status_code}"
        return response


def log_of(stack: Stack, service: str) -> str:
    return Path(stack.service_log(service)).read_text(errors="replace")


def unique(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(6)}"


async def test_logs_and_error_answers_hold_no_secret_token_or_personal_data(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    witness = Witness()
    base = stack.url("group_purchase")
    key_pem = (stack.keys_dir / PRIVATE_KEY_FILE).read_text()
    witness.keep("signing key", key_pem.splitlines()[1])

    # Staff: a wrong password, the right one, the session and its refresh secret.
    login = f"agent.{uuid.uuid4().hex[:8]}"
    password = witness.keep("password", f"{PASSWORD} {secrets.token_hex(4)}")
    await handlers.add_account(accounts_on(purchase_pool), login, "Agent", ("admin",), (), password)
    async with httpx.AsyncClient(timeout=30, headers=HTML) as browser:
        wrong = witness.keep("wrong password", unique("not-it-"))
        witness.answered(await sign_in(browser, stack, login, wrong))
        assert (await sign_in(browser, stack, login, password)).status_code == 303
        session = witness.keep("session token", browser.cookies["boucle_session"])
        witness.keep("refresh secret", browser.cookies["boucle_refresh"])
        for service in SERVICES:  # a page of each, with the session: each logs the request
            witness.answered(await browser.get(f"{stack.url(service)}/?seen={login}"))
        witness.answered(await browser.post(f"{base}/auth/refresh"))

    # A forged bearer token and a token of another shape.
    forged = witness.keep("forged token", session[:-8] + "AAAAAAAA")
    for token in (forged, unique("garbage.")):
        witness.answered(
            await http.get(
                f"{stack.url('inventory')}/api/v1/devices/K7Q2M9XBA",
                headers={"Authorization": f"Bearer {token}"},
            )
        )

    # A machine's secret, exchanged for a token; a wrong secret.
    _, machine_secret = await create_machine_token(
        accounts_on(purchase_pool), "kiosque", ("collector",), ()
    )
    witness.keep("machine secret", machine_secret)
    exchanged = await http.post(
        f"{base}/api/v1/auth/machine-token", json={"secret": machine_secret}
    )
    witness.keep("machine token", exchanged.json()["token"])
    wrong_secret = witness.keep("wrong machine secret", unique("secret-"))
    witness.answered(
        await http.post(f"{base}/api/v1/auth/machine-token", json={"secret": wrong_secret})
    )

    # A one-time password link, opened, used with a weak password, then used.
    admin = {"Authorization": f"Bearer {token_for(stack, 'admin')}"}
    added = await http.post(
        f"{base}/api/v1/accounts",
        json={
            "login": f"new.{uuid.uuid4().hex[:8]}",
            "display_name": "Nouvelle",
            "roles": ["collector"],
        },
        headers=admin,
    )
    assert added.status_code == 201, added.text
    link = added.json()["link"]
    witness.keep("reset secret", link.rsplit("/", 1)[1])
    async with httpx.AsyncClient(timeout=30, headers=HTML) as browser:
        form = await browser.get(link)
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token, form.text
        weak = witness.keep("weak new password", secrets.token_hex(4))  # too short
        strong = witness.keep("new password", f"{unique('Pw ')} long enough ok")
        statuses = []
        for new_password in (weak, strong):
            fields = {"new_password": new_password, "confirm_password": new_password}
            answer = await browser.post(link, data={**fields, "_csrf_token": token.group(1)})
            # the page's own address holds the link's secret: its holder sent it
            statuses.append(witness.answered(answer, "reset secret").status_code)
        assert statuses == [422, 303], statuses

    # Households: their contact is personal data; refused input repeats none of it.
    territory = await Territory(stack, http).open()
    name = witness.keep("household's name", unique("Famille Secret-"))
    phone = witness.keep("household's phone", f"+336{secrets.randbelow(10**8):08d}")
    household = {
        "organisation_id": territory.organisation_id,
        "commune": "Roubaix",
        "contact_name": name,
        "contact_phone": phone,
        "consent": True,
    }
    created = await http.post(
        f"{territory.api}/households", json=household, headers=territory.worker
    )
    assert created.status_code == 201, created.text
    bad_name = witness.keep("refused household's name", unique("Famille Refusée-"))
    bad_phone = witness.keep("refused phone", f"06 {secrets.token_hex(4)} ✗")
    for refused in (
        {**household, "contact_name": bad_name, "contact_phone": bad_phone},
        {**household, "contact_name": bad_name * 20},
        {**household, "contact_name": bad_name, "consent": False},
    ):
        answer = witness.answered(
            await http.post(f"{territory.api}/households", json=refused, headers=territory.worker)
        )
        assert answer.status_code in (400, 409, 422), answer.text
    await territory.close(purchase_pool)

    assert len(witness.errors) >= 8
    for service in SERVICES:
        logged = log_of(stack, service)
        assert '"path":"/"' in logged, f"{service} logged no request: the search would be vain"
        for what, value in witness.secrets.items():
            assert value not in logged, f"the {what} is in {service}'s log"
