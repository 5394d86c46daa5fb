"""The rules of a campaign's life: what may be pledged, what the deadline decides, when it
may be ordered, and a delivery that does not match the order is flagged, never absorbed."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pypdfium2
import pytest

from services.group_purchase.campaigns.domain import (
    Campaign,
    CampaignRefused,
    CampaignStatus,
    DeadlineOutcome,
    DeliveredDevice,
    Delivery,
    NeedToPledge,
    check_delivery,
    check_editable,
    check_may_cancel,
    check_may_close,
    check_may_open,
    check_may_order,
    check_may_pledge,
    deadline_outcome,
    extended_deadline,
)
from services.group_purchase.campaigns.order_documents import (
    order_csv,
    order_pdf,
)
from services.group_purchase.campaigns.pricing import PriceTier, PricingRefused, load_scale
from shared.errors import Conflict
from tests.support.campaign_documents import NOW, document

TIERS = (
    PriceTier(min_quantity=1, max_quantity=9, unit_price_cents=24_000),
    PriceTier(min_quantity=10, unit_price_cents=21_000),
)


def campaign(**changes: object) -> Campaign:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "status": CampaignStatus.OPEN,
        "version": 3,
        "device_type": "laptop",
        "min_memory_gb": 8,
        "min_storage_gb": 256,
        "grade": "B",
        "supplier_id": uuid.uuid4(),
        "minimum_quantity": 5,
        "maximum_quantity": 12,
        "deadline": NOW + timedelta(days=10),
        "deadline_policy": "extend_once",
        "extension_days": 14,
        "extended_at": None,
        "tiers": TIERS,
        "scale": load_scale(),
    }
    fields.update(changes)
    return Campaign(**fields)  # type: ignore[arg-type]


def need(**changes: object) -> NeedToPledge:
    fields: dict[str, object] = {
        "device_type": "laptop",
        "status": "waiting",
        "min_memory_gb": 4,
        "min_storage_gb": 128,
    }
    fields.update(changes)
    return NeedToPledge(**fields)  # type: ignore[arg-type]


def devices(count: int, **specs: object) -> list[DeliveredDevice]:
    return [
        DeliveredDevice(serial_number=f"SN{i}", memory_gb=8, storage_gb=256, **specs)  # type: ignore[arg-type]
        for i in range(count)
    ]


# --- pledges


def test_a_waiting_need_of_the_campaign_type_can_be_pledged() -> None:
    check_may_pledge(campaign(), need(), pledged=4, now=NOW)


def test_a_need_of_another_type_cannot_be_pledged() -> None:
    with pytest.raises(CampaignRefused, match="need is for a tablet; the campaign buys laptops"):
        check_may_pledge(campaign(), need(device_type="tablet"), 0, NOW)


def test_no_pledge_after_the_deadline() -> None:
    with pytest.raises(Conflict, match="deadline of this campaign has passed"):
        check_may_pledge(campaign(), need(), 0, NOW + timedelta(days=10))


def test_no_pledge_beyond_the_maximum() -> None:
    with pytest.raises(Conflict, match="campaign is full: 12 devices"):
        check_may_pledge(campaign(), need(), 12, NOW)


def test_no_pledge_to_a_campaign_that_is_not_open() -> None:
    for status in (CampaignStatus.DRAFT, CampaignStatus.ORDERED, CampaignStatus.CANCELLED):
        with pytest.raises(Conflict, match=f"campaign is {status.value}"):
            check_may_pledge(campaign(status=status), need(), 0, NOW)


def test_only_a_waiting_need_can_be_pledged_and_only_once() -> None:
    with pytest.raises(Conflict, match="already pledged"):
        check_may_pledge(campaign(), need(status="pledged"), 0, NOW)
    with pytest.raises(Conflict, match=r"Only a waiting need.*this one is proposed"):
        check_may_pledge(campaign(), need(status="proposed"), 0, NOW)


def test_a_need_asking_more_than_the_campaign_buys_cannot_be_pledged() -> None:
    with pytest.raises(CampaignRefused, match="16 GB of memory; the campaign buys devices"):
        check_may_pledge(campaign(), need(min_memory_gb=16), 0, NOW)
    with pytest.raises(CampaignRefused, match="512 GB of storage"):
        check_may_pledge(campaign(), need(min_storage_gb=512), 0, NOW)


# --- opening


def test_only_a_complete_draft_with_a_future_deadline_opens() -> None:
    draft = campaign(status=CampaignStatus.DRAFT)
    check_may_open(draft, NOW)
    with pytest.raises(CampaignRefused, match="Choose the supplier"):
        check_may_open(campaign(status=CampaignStatus.DRAFT, supplier_id=None), NOW)
    with pytest.raises(CampaignRefused, match="deadline in the future"):
        check_may_open(campaign(status=CampaignStatus.DRAFT, deadline=NOW), NOW)
    with pytest.raises(PricingRefused, match="at least one"):
        check_may_open(campaign(status=CampaignStatus.DRAFT, tiers=()), NOW)
    with pytest.raises(Conflict, match="only a draft can be edited"):
        check_may_open(campaign(), NOW)


def test_only_a_draft_is_edited() -> None:
    check_editable(campaign(status=CampaignStatus.DRAFT))
    with pytest.raises(Conflict):
        check_editable(campaign(status=CampaignStatus.OPEN))


# --- the deadline


def test_before_the_deadline_nothing_is_decided() -> None:
    assert deadline_outcome(campaign(), 0, NOW) is None


def test_at_the_deadline_a_reached_minimum_waits_for_the_order() -> None:
    due = NOW + timedelta(days=10)
    assert deadline_outcome(campaign(), 5, due) == DeadlineOutcome.REACHED


def test_a_missed_minimum_extends_once_then_cancels() -> None:
    due = NOW + timedelta(days=10)
    first = campaign()
    assert deadline_outcome(first, 4, due) == DeadlineOutcome.EXTENDED
    assert extended_deadline(first) == due + timedelta(days=14)
    extended = campaign(extended_at=due, deadline=extended_deadline(first))
    later = due + timedelta(days=14)
    assert deadline_outcome(extended, 4, later) == DeadlineOutcome.CANCELLED


def test_a_missed_minimum_under_the_cancel_policy_cancels_at_once() -> None:
    due = NOW + timedelta(days=10)
    assert deadline_outcome(campaign(deadline_policy="cancel"), 4, due) == (
        DeadlineOutcome.CANCELLED
    )


def test_the_deadline_concerns_open_campaigns_only() -> None:
    due = NOW + timedelta(days=30)
    assert deadline_outcome(campaign(status=CampaignStatus.ORDERED), 0, due) is None


# --- order, delivery, end


def test_an_order_needs_the_minimum_pledged() -> None:
    check_may_order(campaign(), 5)
    with pytest.raises(Conflict, match="4 of the 5 devices needed are pledged"):
        check_may_order(campaign(), 4)


def test_a_delivery_matching_the_order_is_accepted() -> None:
    check_delivery(campaign(status=CampaignStatus.ORDERED), 5, Delivery(devices=devices(5)))


def test_fewer_devices_than_ordered_are_flagged_not_absorbed() -> None:
    ordered = campaign(status=CampaignStatus.ORDERED)
    with pytest.raises(CampaignRefused, match=r"4 devices delivered but 5 ordered .fewer") as info:
        check_delivery(ordered, 5, Delivery(devices=devices(4)))
    assert info.value.details == {"field": "devices", "ordered": 5, "delivered": 4}


def test_more_devices_than_ordered_are_flagged_too() -> None:
    with pytest.raises(CampaignRefused, match=r"6 devices delivered but 5 ordered .more"):
        check_delivery(campaign(status=CampaignStatus.ORDERED), 5, Delivery(devices=devices(6)))


def test_a_different_count_is_registered_once_someone_says_why() -> None:
    check_delivery(
        campaign(status=CampaignStatus.ORDERED),
        5,
        Delivery(devices=devices(4), discrepancy_note="one missing, credit note promised"),
    )


def test_a_device_below_what_was_bought_refuses_the_delivery() -> None:
    poor = [*devices(4), DeliveredDevice(serial_number="SN9", memory_gb=4, storage_gb=256)]
    with pytest.raises(CampaignRefused, match=r"Device 5 .SN9. has 4 GB of memory"):
        check_delivery(campaign(status=CampaignStatus.ORDERED), 5, Delivery(devices=poor))


def test_a_device_of_a_worse_grade_refuses_the_delivery() -> None:
    with pytest.raises(CampaignRefused, match="grade C; the order asked for grade B or better"):
        check_delivery(
            campaign(status=CampaignStatus.ORDERED), 1, Delivery(devices=devices(1, grade="C"))
        )
    check_delivery(
        campaign(status=CampaignStatus.ORDERED), 1, Delivery(devices=devices(1, grade="A"))
    )


def test_only_an_ordered_campaign_receives_and_only_a_received_one_closes() -> None:
    with pytest.raises(Conflict, match="only an ordered campaign"):
        check_delivery(campaign(), 5, Delivery(devices=devices(5)))
    check_may_close(campaign(status=CampaignStatus.RECEIVED))
    with pytest.raises(Conflict):
        check_may_close(campaign(status=CampaignStatus.ORDERED))


def test_an_ordered_campaign_can_no_longer_be_cancelled() -> None:
    check_may_cancel(campaign(status=CampaignStatus.DRAFT))
    check_may_cancel(campaign())
    with pytest.raises(Conflict, match="only a draft or an open"):
        check_may_cancel(campaign(status=CampaignStatus.ORDERED))


# --- the purchase order


def test_the_order_csv_adds_up_exactly_to_its_total() -> None:
    rows = list(csv.DictReader(io.StringIO(order_csv(document()).decode())))
    by_line = {row["line"]: row for row in rows}
    assert by_line["devices"]["quantity"] == "10"
    assert by_line["devices"]["unit_cents"] == "21000"
    paid = sum(
        int(row["amount_cents"]) for row in rows if row["line"] in {"contribution", "subsidy"}
    )
    assert paid == int(by_line["total"]["amount_cents"]) == int(by_line["devices"]["amount_cents"])
    assert {row["order_number"] for row in rows} == {"BC-20261120-ABCDEF"}


def test_the_order_pdf_names_the_order_its_amounts_and_no_household() -> None:
    pdf = pypdfium2.PdfDocument(order_pdf(document()))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    for expected in ("BC-20261120-ABCDEF", "Ateliers du Bocage", "2 100,00", "1 638,00", "210,00"):
        assert expected.replace(" ", "") in text.replace(" ", "").replace("\xa0", "")
    assert "M-" not in text
