"""One accessibility check for every page test: axe-core's WCAG 2.2 A and AA rules run in the
page as it is, and a failure names each rule and element, to fix without running again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SMALLEST_PHONE = {"width": 320, "height": 640}


def described(violations: list[dict[str, Any]]) -> str:
    """One line per violation and one per offending element."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' >>> '.join(map(str, node['target']))}")
    return "\n".join(lines)


async def assert_accessible(page: Page) -> None:
    """No WCAG 2.2 A/AA violation in ``page`` as it is now. axe-core runs in the page, so the
    scan needs JavaScript on (the pages themselves need none)."""
    results = await Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    )
    violations = results.response["violations"]
    assert not violations, f"{page.url}:\n{described(violations)}"


async def assert_no_wcag_violation(open_page: Callable[..., Awaitable[Page]], url: str) -> None:
    """Open ``url`` in a new page and check it."""
    page = await open_page()
    await page.goto(url)
    await assert_accessible(page)
