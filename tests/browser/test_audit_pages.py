"""The audit trail, as an administrator reads it in Chromium: the entries, the export, no axe
violation; anyone else is turned away."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from boucle.devstack.stack import Stack
from tests.browser.conftest import OpenPage, signed_in
from tests.support.axe import assert_no_wcag_violation
from tests.support.households import Territory
from tests.support.stacks import token_for

TRAILS = [("group_purchase", "/accounts/journal"), ("refurbishment", "/atelier/journal")]


@pytest.mark.parametrize(("service", "path"), TRAILS)
async def test_an_admin_reads_the_audit_trail_with_no_wcag_violation(
    open_page: OpenPage, stack: Stack, service: str, path: str
) -> None:
    admin = signed_in(token_for(stack, "admin", subject="admin-auditor"))
    await assert_no_wcag_violation(lambda: open_page(**admin), f"{stack.url(service)}{path}")


async def test_reading_a_household_shows_in_the_trail_and_its_export(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    territory = await Territory(stack, http).open()
    household = await territory.household()
    url = f"{territory.api}/households/{household['id']}"
    assert (await http.get(url, headers=territory.worker)).status_code == 200

    admin = signed_in(token_for(stack, "admin", subject="admin-auditor"), javascript=False)
    page = await open_page(**admin)
    await page.goto(f"{stack.url('group_purchase')}/accounts/journal")
    text = await page.locator("main").inner_text()
    assert f"household:{household['id']}" in text and "household.read" in text

    exported = await http.get(
        f"{territory.api}/households/audit",
        headers={"Authorization": f"Bearer {token_for(stack, 'admin')}"},
    )
    assert any(e["subject"] == f"household:{household['id']}" for e in exported.json())
    refused = await http.get(f"{territory.api}/households/audit", headers=territory.worker)
    assert refused.status_code == 403
    await territory.close(purchase_pool)
