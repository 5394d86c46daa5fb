"""Account administration in JSON, as the /accounts page does it: an administrator adds an
account and hands over its one-time password link, pages through the accounts, disables one;
nobody else may."""

from __future__ import annotations

import uuid

import httpx

from boucle.devstack.stack import Stack
from tests.support.stacks import token_for


def _admin(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(stack, 'admin')}"}


async def test_an_administrator_adds_pages_through_and_disables_accounts(stack: Stack) -> None:
    login = f"agent.{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=stack.url("group_purchase")) as http:
        added = await http.post(
            "/api/v1/accounts",
            json={"login": login, "display_name": "Agent d'accueil", "roles": ["collector"],
                  "scopes": [f"collection_point:{uuid.uuid4()}"]},
            headers=_admin(stack),
        )  # fmt: skip
        assert added.status_code == 201, added.text
        account = added.json()["account"]
        assert account["login"] == login and account["enabled"] is True
        assert "password" not in added.text.lower().replace("password-link", "")
        link = added.json()["link"]
        assert link.startswith(f"{stack.url('group_purchase')}/auth/reset/")
        chooser = await http.get(link.removeprefix(stack.url("group_purchase")))
        assert chooser.status_code == 200

        again = await http.post(
            "/api/v1/accounts",
            json={"login": login, "display_name": "Un autre", "roles": ["collector"]},
            headers=_admin(stack),
        )
        assert again.status_code == 409, again.text
        assert again.json()["code"] == "accounts.login_taken"

        seen: list[str] = []
        after: str | None = None
        for _ in range(200):
            params = {"limit": 2, **({"after": after} if after else {})}
            page = await http.get("/api/v1/accounts", params=params, headers=_admin(stack))
            assert page.status_code == 200, page.text
            seen += [row["login"] for row in page.json()["accounts"]]
            after = page.json()["next_after"]
            if after is None:
                break
        assert login in seen and len(seen) == len(set(seen)), "every account once"

        disabled = await http.post(
            f"/api/v1/accounts/{account['id']}/disable", headers=_admin(stack)
        )
        assert disabled.status_code == 200 and disabled.json()["enabled"] is False
        renewed = await http.post(
            f"/api/v1/accounts/{account['id']}/password-link", headers=_admin(stack)
        )
        assert renewed.status_code == 201 and renewed.json()["link"] != link
        unknown = await http.post(
            f"/api/v1/accounts/{uuid.uuid4()}/password-link", headers=_admin(stack)
        )
        assert unknown.status_code == 404
        assert unknown.json()["code"] == "accounts.account_unknown"
        assert unknown.json()["detail"] == "Ce compte n'existe pas."


async def test_only_administrators_manage_accounts(stack: Stack) -> None:
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    async with httpx.AsyncClient(base_url=stack.url("group_purchase")) as http:
        listed = await http.get("/api/v1/accounts", headers=coordinator)
        added = await http.post(
            "/api/v1/accounts",
            json={"login": "intrus", "display_name": "Intrus", "roles": ["admin"]},
            headers=coordinator,
        )
        anonymous = await http.get("/api/v1/accounts")
    assert listed.status_code == 403 and added.status_code == 403
    assert anonymous.status_code == 401


async def test_a_person_sets_where_they_are_told_and_a_bad_address_changes_nothing(
    stack: Stack,
) -> None:
    admin = _admin(stack)
    login = f"agent.{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=stack.url("group_purchase")) as http:
        added = await http.post(
            "/api/v1/accounts",
            json={"login": login, "display_name": "Amina K.", "roles": ["social_worker"]},
            headers=admin,
        )
        account_id = added.json()["account"]["id"]
        me = {"Authorization": f"Bearer {token_for(stack, 'social_worker', subject=account_id)}"}

        mine = await http.get("/api/v1/accounts/me", headers=me)
        assert mine.status_code == 200, mine.text
        assert (mine.json()["login"], mine.json()["email"], mine.json()["language"]) == (
            login,
            "",
            "fr",
        )
        body = {"email": " amina.k@ccas-roubaix.example ", "language": "en"}
        set_ = await http.patch("/api/v1/accounts/me", json=body, headers=me)
        assert set_.status_code == 200, set_.text
        assert (set_.json()["email"], set_.json()["language"]) == (
            "amina.k@ccas-roubaix.example",
            "en",
        )

        refused = await http.patch(
            "/api/v1/accounts/me",
            json={"email": "amina at ccas", "language": "fr"},
            headers=me | {"Accept-Language": "fr"},
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "accounts.invalid_email"
        assert "« amina at ccas » n'est pas une adresse électronique" in refused.json()["detail"]
        unknown = await http.patch("/api/v1/accounts/me", json={"language": "de"}, headers=me)
        assert unknown.status_code in (400, 422), unknown.text
        kept = (await http.get("/api/v1/accounts/me", headers=me)).json()
        assert (kept["email"], kept["language"]) == ("amina.k@ccas-roubaix.example", "en")

        # a field left out stays; a blank address is no mail
        french = await http.patch("/api/v1/accounts/me", json={"language": "fr"}, headers=me)
        assert french.json()["email"] == "amina.k@ccas-roubaix.example"
        none = await http.patch("/api/v1/accounts/me", json={"email": ""}, headers=me)
        assert (none.json()["email"], none.json()["language"]) == ("", "fr")

        audit = await http.get("/api/v1/households/audit", headers=admin)
        assert audit.status_code == 200, audit.text
        assert f"account:{account_id}" in audit.text and "account.contact_set" in audit.text

        # a development token is no account: nothing to set
        developer = {"Authorization": f"Bearer {token_for(stack, 'social_worker')}"}
        no_one = await http.patch("/api/v1/accounts/me", json={"email": ""}, headers=developer)
        assert no_one.status_code == 403 and no_one.json()["code"] == "accounts.not_an_account"
