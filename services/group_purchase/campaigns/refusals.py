"""Which field of the campaign forms each refusal concerns; any other is said above the form
(its field may not be on the page)."""

from __future__ import annotations

FIELDS = {
    "campaigns.gap": "tiers",
    "campaigns.overlap": "tiers",
    "campaigns.first": "tiers",
    "campaigns.backwards": "tiers",
    "campaigns.open_ended": "tiers",
    "campaigns.rising": "tiers",
    "campaigns.short": "tiers",
    "campaigns.no_tiers": "tiers",
    "campaigns.minimum": "minimum_quantity",
    "campaigns.maximum": "maximum_quantity",
    "campaigns.deadline_passed": "need_id",
    "campaigns.wrong_type": "need_id",
    "campaigns.already_pledged": "need_id",
    "campaigns.not_waiting": "need_id",
    "campaigns.memory": "need_id",
    "campaigns.storage": "need_id",
    "campaigns.full": "need_id",
    "campaigns.count_differs": "delivered",
    "campaigns.supplier_exists": "name",
}
