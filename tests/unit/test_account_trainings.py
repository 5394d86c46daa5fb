"""Trainings recorded with the accounts, on an in-memory unit of work: what an administrator
sees (a training recorded and announced without personal data, the erasure-officer role given
only on a day the person's erasure training is valid, trainings ending within 30 days listed),
and refusals that change and announce nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import msgspec
import pytest

from services.group_purchase.accounts import handlers as accounts
from services.group_purchase.accounts.domain import Account, TrainingCreate
from shared.contracts.purchase import TrainingRecorded
from shared.errors import DomainError
from shared.trainings import TIMEZONE
from tests.support.fakes.group_purchase import FakeAccountStore
from tests.support.uow import FakeClock, FakeUnitOfWork, refused

ADMIN = "admin-account"


def at_paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TIMEZONE).astimezone(UTC)


def erasure_training(taken_on: date, valid_until: date, **changes: Any) -> TrainingCreate:
    values: dict[str, Any] = {
        "course": "data_erasure",
        "reference": f"EFF-{uuid.uuid4().hex[:6]}",
        "taken_on": taken_on,
        "trainer": "Centre de formation de Lille",
        "valid_until": valid_until,
        **changes,
    }
    return TrainingCreate(**values)


@pytest.fixture
def uow() -> FakeUnitOfWork[FakeAccountStore]:
    return FakeUnitOfWork(FakeAccountStore(), FakeClock(at_paris(date(2026, 3, 2), 10)))


@pytest.fixture
async def sacha(uow: FakeUnitOfWork[FakeAccountStore]) -> Account:
    return await accounts.add_account(uow, "sacha", "Sacha Martin", ("refurbisher",))


async def test_a_training_is_recorded_audited_and_announced_without_personal_data(
    uow: FakeUnitOfWork[FakeAccountStore], sacha: Account
) -> None:
    given = erasure_training(date(2026, 2, 10), date(2028, 2, 9), reference="EFF-2026-007")

    training = await accounts.record_training(uow, ADMIN, sacha.id, given)

    assert (await accounts.trainings_of(uow, sacha.id))[1] == [training]
    assert training.recorded_by == ADMIN
    [announced] = uow.announced(TrainingRecorded)
    assert announced.aggregate_id == training.id
    assert announced.account_id == sacha.id
    assert (announced.course, announced.reference) == ("data_erasure", "EFF-2026-007")
    assert (announced.valid_from, announced.valid_until) == (date(2026, 2, 10), date(2028, 2, 9))
    body = msgspec.json.encode(announced).decode()
    assert "Sacha" not in body and "sacha" not in body and "Centre de formation" not in body
    assert (ADMIN, "training.recorded", f"account:{sacha.id}") in uow.audit_lines


async def test_a_reference_recorded_twice_is_refused(
    uow: FakeUnitOfWork[FakeAccountStore], sacha: Account
) -> None:
    given = erasure_training(date(2026, 2, 10), date(2028, 2, 9))
    await accounts.record_training(uow, ADMIN, sacha.id, given)

    error = await refused(
        uow,
        "accounts.training_reference_taken",
        accounts.record_training(uow, ADMIN, sacha.id, given),
    )
    assert error.status_code == 409


async def test_a_training_ending_before_it_was_taken_or_for_no_one_is_refused(
    uow: FakeUnitOfWork[FakeAccountStore], sacha: Account
) -> None:
    backwards = erasure_training(date(2026, 2, 10), date(2026, 2, 9))
    with pytest.raises(DomainError) as error:
        await accounts.record_training(uow, ADMIN, sacha.id, backwards)
    assert error.value.code == "accounts.training_ends_before"

    valid = erasure_training(date(2026, 2, 10), date(2028, 2, 9))
    await refused(
        uow, "accounts.account_unknown", accounts.record_training(uow, ADMIN, uuid.uuid4(), valid)
    )
    assert uow.events == []


async def test_the_erasure_officer_role_is_not_given_to_someone_untrained(
    uow: FakeUnitOfWork[FakeAccountStore], sacha: Account
) -> None:
    await refused(
        uow,
        "accounts.training_required",
        accounts.set_roles(uow, ADMIN, sacha.id, ("refurbisher", "erasure_officer")),
    )
    other = erasure_training(date(2026, 1, 1), date(2030, 1, 1), course="electrical_safety")
    await accounts.record_training(uow, ADMIN, sacha.id, other)  # another course does not count
    await refused(
        uow,
        "accounts.training_required",
        accounts.set_roles(uow, ADMIN, sacha.id, ("erasure_officer",)),
    )


async def test_a_new_account_does_not_start_as_an_erasure_officer(
    uow: FakeUnitOfWork[FakeAccountStore],
) -> None:
    with pytest.raises(DomainError) as error:
        await accounts.add_account(uow, "noor", "Noor", ("erasure_officer",))
    assert error.value.code == "accounts.training_required"
    assert uow.store.accounts == {}


@pytest.mark.parametrize(
    ("moment", "given"),
    [
        (at_paris(date(2026, 3, 1), 0, 0), True),  # the first valid day, from midnight in Paris
        (at_paris(date(2026, 3, 31), 23, 59), True),  # the last valid day, to midnight in Paris
        (at_paris(date(2026, 2, 28), 23, 59), False),  # not valid yet
        (at_paris(date(2026, 4, 1), 0, 0), False),  # expired
    ],
)
async def test_the_role_is_given_only_on_a_day_the_erasure_training_is_valid(
    uow: FakeUnitOfWork[FakeAccountStore], sacha: Account, moment: datetime, given: bool
) -> None:
    training = erasure_training(date(2026, 3, 1), date(2026, 3, 31))
    await accounts.record_training(uow, ADMIN, sacha.id, training)
    uow.clock.at = moment

    if not given:
        await refused(
            uow,
            "accounts.training_required",
            accounts.set_roles(uow, ADMIN, sacha.id, ("refurbisher", "erasure_officer")),
        )
        return
    account = await accounts.set_roles(uow, ADMIN, sacha.id, ("refurbisher", "erasure_officer"))
    assert account.roles == ("refurbisher", "erasure_officer")
    assert uow.store.accounts[sacha.id].roles == ("refurbisher", "erasure_officer")
    assert (ADMIN, "account.roles_set", f"account:{sacha.id}") in uow.audit_lines


async def test_trainings_ending_within_30_days_are_listed_for_administrators_and_the_person(
    uow: FakeUnitOfWork[FakeAccountStore], sacha: Account
) -> None:
    noor = await accounts.add_account(uow, "noor", "Noor", ("refurbisher",))
    today = date(2026, 3, 2)
    ends_today = erasure_training(date(2024, 3, 3), today, reference="EFF-TODAY")
    in_30_days = erasure_training(date(2024, 4, 1), date(2026, 4, 1), reference="EFF-30")
    in_31_days = erasure_training(date(2024, 4, 2), date(2026, 4, 2), reference="EFF-31")
    ended = erasure_training(date(2024, 3, 1), date(2026, 3, 1), reference="EFF-ENDED")
    for training in (ends_today, in_31_days, ended):
        await accounts.record_training(uow, ADMIN, sacha.id, training)
    await accounts.record_training(uow, ADMIN, noor.id, in_30_days)

    listed = await accounts.expiring_trainings(uow)
    mine = await accounts.my_expiring_trainings(uow, sacha.id)

    assert [(e.training.reference, e.login) for e in listed] == [
        ("EFF-TODAY", "sacha"),
        ("EFF-30", "noor"),
    ]
    assert [t.reference for t in mine] == ["EFF-TODAY"]
    await accounts.disable_account(uow, noor.id)
    assert [e.login for e in await accounts.expiring_trainings(uow)] == ["sacha"]
