"""Pages of group purchases, under /achats: the coordination prepares, opens, orders and
receives campaigns; social workers pledge their households' waiting needs and follow what
became of them. Every form works without JavaScript; pages naming households are never cached."""

from __future__ import annotations

from services.group_purchase.campaigns import campaign_pages, draft_pages, supplier_pages
from services.group_purchase.campaigns import list_pages as campaign_list_pages

ROUTES = [
    *campaign_list_pages.ROUTES,
    *supplier_pages.ROUTES,
    *draft_pages.ROUTES,
    *campaign_pages.ROUTES,
]
