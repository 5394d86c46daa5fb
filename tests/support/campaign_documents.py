"""A group-purchase order document with fixed values, for the tests of its PDF and CSV."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.group_purchase.campaigns.domain import (
    order_number,
)
from services.group_purchase.campaigns.order_documents import (
    ContributionLine,
    OrderDocument,
)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def document() -> OrderDocument:
    lines = [
        ContributionLine(
            band="minimum_benefits",
            band_label="Minima sociaux",
            households=4,
            contribution_cents=2_100,
        ),
        ContributionLine(
            band="standard",
            band_label="Participation ordinaire",
            households=6,
            contribution_cents=6_300,
        ),
    ]
    return OrderDocument(
        number=order_number(uuid.UUID(int=0xABCDEF), NOW),
        ordered_at=NOW,
        supplier_name="Ateliers du Bocage",
        supplier_contact="commandes@example.org",
        supplier_terms="Paiement à 30 jours ; garantie 12 mois.",
        supplier_offer="DEVIS-2026-118",
        campaign_title="Achat groupé : laptop",
        item="laptop, 8 GB RAM min., grade B",
        quantity=10,
        tier_min_quantity=10,
        tier_max_quantity=None,
        unit_price_cents=21_000,
        total_cents=210_000,
        contributions_cents=46_200,
        subsidy_cents=163_800,
        subsidy_funder="Métropole européenne de Lille",
        contributions=lines,
    )
