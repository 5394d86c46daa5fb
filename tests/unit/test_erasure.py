"""Erasure certificates: the rules that make a certificate a proof the data is gone."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.refurbishment.erasure.domain import (
    ErasureRefused,
    MediumErasure,
    Officer,
    PhoneChecklist,
    certify,
    state_no_storage,
)
from tests.support.erasure import AMINA, BRUNO, START, ssd

CHLOE = Officer(id="chloe", name="Chloé", roles=("refurbisher",))
ALL_DONE = PhoneChecklist(
    factory_reset=True,
    accounts_and_activation_lock_removed=True,
    sim_removed=True,
    memory_card_removed=True,
    mdm_checked=True,
)


def _certify(
    media: tuple[MediumErasure, ...] = (),
    device_type: str = "laptop",
    checklist: PhoneChecklist | None = None,
    performed_by: Officer = AMINA,
    validated_by: Officer = BRUNO,
):  # type: ignore[no-untyped-def]
    return certify(
        uuid.uuid4(),
        "K7Q2M9XBA",
        device_type,
        media or (ssd(),),
        checklist,
        performed_by,
        validated_by,
        START + timedelta(minutes=5),
    )


def test_a_purged_ssd_validated_by_a_second_officer_is_certified() -> None:
    certificate = _certify()
    assert certificate.performed_by == AMINA
    assert certificate.validated_by == BRUNO
    assert certificate.media[0].method == "crypto_erase"


def test_a_refurbisher_cannot_certify_an_erasure() -> None:
    with pytest.raises(ErasureRefused, match="not an erasure officer"):
        _certify(performed_by=CHLOE)


def test_nobody_validates_their_own_erasure() -> None:
    with pytest.raises(ErasureRefused, match="second erasure officer"):
        _certify(performed_by=AMINA, validated_by=AMINA)


def test_the_validator_must_be_an_erasure_officer_too() -> None:
    with pytest.raises(ErasureRefused, match="cannot validate"):
        _certify(validated_by=CHLOE)


def test_overwriting_flash_memory_is_refused() -> None:
    with pytest.raises(ErasureRefused, match="flash"):
        _certify((ssd(level="clear", method="overwrite"),))


def test_overwriting_a_hard_disk_clears_it() -> None:
    disk = ssd(media_type="magnetic", level="clear", method="overwrite", tool="nwipe")
    assert _certify((disk,)).media == (disk,)


@pytest.mark.parametrize(
    ("level", "method"), [("purge", "overwrite"), ("destroy", "crypto_erase"), ("clear", "degauss")]
)
def test_a_method_must_belong_to_its_level(level: str, method: str) -> None:
    with pytest.raises(ErasureRefused, match="is not a"):
        _certify((ssd(media_type="magnetic", level=level, method=method),))


def test_an_erasure_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ErasureRefused, match="end after"):
        _certify((ssd(ended_at=START - timedelta(minutes=1)),))


def test_every_medium_of_a_device_is_checked() -> None:
    good, bad = (
        ssd(),
        ssd(serial="W62000000", media_type="hybrid", level="clear", method="overwrite"),
    )
    with pytest.raises(ErasureRefused, match="Medium 2 \\(W62000000\\)"):
        _certify((good, bad))


def test_a_phone_needs_every_step_of_its_checklist() -> None:
    reset_only = PhoneChecklist(
        factory_reset=True,
        accounts_and_activation_lock_removed=False,
        sim_removed=True,
        memory_card_removed=True,
        mdm_checked=False,
    )
    with pytest.raises(ErasureRefused, match="accounts and activation lock removed, mdm checked"):
        _certify(device_type="smartphone", checklist=reset_only)
    with pytest.raises(ErasureRefused, match="checklist"):
        _certify(device_type="tablet", checklist=None)
    assert _certify(device_type="smartphone", checklist=ALL_DONE).phone_checklist == ALL_DONE


def test_a_certificate_lists_at_least_one_medium() -> None:
    with pytest.raises(ErasureRefused, match="no storage"):
        certify(uuid.uuid4(), "K7Q2M9XBA", "monitor", (), None, AMINA, BRUNO, START)


def test_only_an_erasure_officer_may_state_that_a_device_holds_no_storage() -> None:
    state_no_storage(AMINA)
    with pytest.raises(ErasureRefused):
        state_no_storage(CHLOE)
