"""Machine tokens: an admin creates one, a kiosk exchanges it for short tokens, and revoking
it stops the exchange."""

from __future__ import annotations

import re
import uuid

import httpx

from boucle.devstack.stack import Stack
from shared.auth import TRUSTED_KEYS_FILE, TrustedKeys, verify_token
from tests.support.stacks import token_for


async def test_a_revoked_machine_token_can_no_longer_be_exchanged(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    base = stack.url("group_purchase")
    admin = {"Authorization": f"Bearer {token_for(stack, 'admin')}"}
    name = f"Borne médiathèque {uuid.uuid4().hex[:6]}"
    created = await http.post(
        f"{base}/accounts/machines",
        data={"name": name, "roles": "collector", "scopes": "collection_point:42"},
        headers=admin,
    )
    assert created.status_code == 200, created.text
    secret = re.search(r'<code id="machine-secret">([^<]+)</code>', created.text)
    assert secret

    exchanged = await http.post(
        f"{base}/api/v1/auth/machine-token", json={"secret": secret.group(1)}
    )
    assert exchanged.status_code == 200, exchanged.text
    token = exchanged.json()["token"]
    claims = verify_token(TrustedKeys(str(stack.keys_dir / TRUSTED_KEYS_FILE)), token)
    assert claims.roles == ("collector",) and claims.scopes == ("collection_point:42",)
    assert claims.sub.startswith("machine:") and claims.exp - claims.iat <= 15 * 60
    devices = await http.get(
        f"{stack.url('inventory')}/api/v1/devices/K7Q2M9XBA",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert devices.status_code != 401

    listed = await http.get(f"{base}/accounts", headers=admin)
    assert name in listed.text
    row = listed.text[listed.text.index(name) :]
    revoke = re.search(r'action="(/accounts/machines/[0-9a-f-]+/revoke)"', row)
    assert revoke
    revoked = await http.post(base + revoke.group(1), headers=admin)
    assert revoked.status_code == 303

    refused = await http.post(f"{base}/api/v1/auth/machine-token", json={"secret": secret.group(1)})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "accounts.machine_revoked"
    assert refused.json()["detail"] == "Ce jeton machine est inconnu ou révoqué."


async def test_an_unknown_machine_secret_is_refused(stack: Stack, http: httpx.AsyncClient) -> None:
    answer = await http.post(
        f"{stack.url('group_purchase')}/api/v1/auth/machine-token", json={"secret": "guess"}
    )
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
