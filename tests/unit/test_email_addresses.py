"""One rule for an e-mail address, wherever a person gives one: at the counter (a donor's,
decoded with the intake) and on their account (checked with a message)."""

from __future__ import annotations

import msgspec
import pytest

from services.collection_point.domain import DonorContact
from services.group_purchase.accounts.domain import AccountError, checked_email
from shared.notifications.addresses import is_email

GOOD = ["camille@example.org", "a.b+news@mairie-lille.fr", "x@y.co"]
BAD = ["camille", "camille@", "@example.org", "ca mille@example.org", "a@b.c.", "a@b", "a@@b.fr"]


@pytest.mark.parametrize("address", GOOD)
def test_an_address_a_mail_server_can_take_is_taken_everywhere(address: str) -> None:
    assert is_email(address)
    assert checked_email(f" {address} ") == address
    assert msgspec.convert({"email": address}, DonorContact).email == address


@pytest.mark.parametrize("address", BAD)
def test_an_address_no_mail_server_can_take_is_refused_everywhere(address: str) -> None:
    assert not is_email(address)
    with pytest.raises(AccountError):
        checked_email(address)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"email": address}, DonorContact)


def test_too_long_is_refused_and_blank_means_none() -> None:
    long = "a" * 250 + "@b.fr"
    assert not is_email(long)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"email": long}, DonorContact)
    assert checked_email("  ") == ""
    assert msgspec.convert({"email": ""}, DonorContact).email == ""
