"""group_purchase's use cases without PostgreSQL, through the in-memory unit of work: a social
worker's request for a household and the proposal she confirms or declines, a group-purchase
campaign from its pledges to its order or to its deadline, and accounts signing in. Each
refusal announces nothing and leaves the store as it was."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.group_purchase.accounts import handlers as accounts
from services.group_purchase.accounts import machines
from services.group_purchase.accounts.domain import (
    REFRESH_LIFETIME,
    RESET_LINK_LIFETIME,
    Contact,
    ContactUpdate,
)
from services.group_purchase.campaigns import deadlines
from services.group_purchase.campaigns import handlers as campaigns
from services.group_purchase.campaigns.domain import CampaignCreate, CampaignStatus, SupplierCreate
from services.group_purchase.campaigns.pricing import PriceTier
from services.group_purchase.requests import handlers as requests
from services.group_purchase.requests.domain import (
    HouseholdCreate,
    NeedCreate,
    NeedStatus,
    RequestCreate,
    organisation_scope,
)
from services.group_purchase.requests.priority import Situation
from shared.auth import Principal, verify_token
from shared.contracts.purchase import (
    CampaignCancelled,
    CampaignExtended,
    CampaignOpened,
    CampaignOrdered,
    CampaignThresholdReached,
    DeviceHandedOver,
    DeviceReturned,
    PledgeMade,
    PledgeReleased,
    ReservationReleased,
    ReservationRequested,
)
from shared.errors import DomainError
from tests.support.fakes.group_purchase import FakeAccountStore, FakeCampaignStore
from tests.support.uow import FakeClock, FakeUnitOfWork, refused

COORDINATOR = Principal(sub="coordination", roles=("coordinator",), exp=2**40, iat=0)
TIERS = [
    PriceTier(min_quantity=1, max_quantity=2, unit_price_cents=30_000),
    PriceTier(min_quantity=3, unit_price_cents=25_000),
]


def worker_of(organisation_id: uuid.UUID) -> Principal:
    return Principal(
        sub=f"worker-{organisation_id.hex[:6]}",
        roles=("social_worker",),
        scopes=(organisation_scope(organisation_id),),
        exp=2**40,
        iat=0,
    )


class Territory:
    """Two organisations; the first has a social worker, households and tablets in stock."""

    def __init__(self, quota: int | None = None) -> None:
        self.clock = FakeClock()
        self.store = FakeCampaignStore()  # the requests' rows, and the campaigns' beside
        self.uow = FakeUnitOfWork(self.store, self.clock)
        self.organisation = self.store.add_organisation("CCAS de Roubaix", quota)
        self.other = self.store.add_organisation("Secours de Tourcoing")
        self.worker = worker_of(self.organisation.id)
        self.stranger = worker_of(self.other.id)

    async def household(self, **situation: Any) -> uuid.UUID:
        household = await requests.create_household(
            self.uow,
            self.worker,
            HouseholdCreate(
                organisation_id=self.organisation.id,
                commune="Roubaix",
                situation=Situation(**situation),
                contact_name="Famille Exemple",
                contact_phone="06 12 34 56 78",
                consent=True,
            ),
        )
        return household.id

    async def need(self, household_id: uuid.UUID | None = None, kind: str = "tablet") -> uuid.UUID:
        household_id = household_id or await self.household()
        command = RequestCreate(
            household_id=household_id,
            needs=[NeedCreate(device_type=kind, purpose="procedures")],  # type: ignore[arg-type]
        )
        request_id = await requests.submit_request(self.uow, self.worker, command)
        return next(
            need_id
            for need_id, need in self.store.needs.items()
            if need["request_id"] == request_id
        )

    def proposal(self, need_id: uuid.UUID) -> tuple[uuid.UUID, dict[str, Any]]:
        return next(
            (proposal_id, proposal)
            for proposal_id, proposal in self.store.proposals.items()
            if proposal["need_id"] == need_id and proposal["status"] == "open"
        )

    async def reserved(self, need_id: uuid.UUID) -> uuid.UUID:
        """The need's proposal confirmed, and inventory's hold confirmed (as its answer does)."""
        proposal_id, _ = self.proposal(need_id)
        attempt = await requests.confirm_proposal(self.uow, self.worker, need_id, proposal_id)
        self.store.attempts[attempt]["status"] = "confirmed"
        self.store.needs[need_id]["status"] = NeedStatus.RESERVED
        return attempt


# --- requests


async def test_a_request_gets_a_ready_device_proposed_and_waits_when_none_fits() -> None:
    territory = Territory()
    tablet = territory.store.add_device("tablet", "K7Q2M9XB")
    household = await territory.household(school_age_children=2)

    served = await territory.need(household)
    waiting = await territory.need(household, kind="laptop")

    assert territory.store.needs[served]["status"] == NeedStatus.PROPOSED
    assert territory.proposal(served)[1]["device_id"] == tablet
    assert territory.store.needs[waiting]["status"] == NeedStatus.WAITING
    assert territory.uow.events == []  # a proposal waits for a person: nothing is announced
    assert territory.uow.audit_lines == [
        (territory.worker.sub, "household.registered", f"household:{household}")
    ]


async def test_another_organisations_household_is_not_found() -> None:
    territory = Territory()
    household = await territory.household()
    command = RequestCreate(
        household_id=household,
        needs=[NeedCreate(device_type="tablet", purpose="school")],
    )

    await refused(
        territory.uow,
        "requests.household_unknown",
        requests.submit_request(territory.uow, territory.stranger, command),
    )
    with pytest.raises(DomainError) as raised:
        await requests.create_household(
            territory.uow,
            territory.stranger,
            HouseholdCreate(
                organisation_id=territory.organisation.id, commune="Roubaix", consent=True
            ),
        )
    assert raised.value.code == "requests.organisation_unknown"
    assert len(territory.store.households) == 1


async def test_a_household_is_registered_only_with_its_consent() -> None:
    territory = Territory()
    with pytest.raises(DomainError) as raised:
        await requests.create_household(
            territory.uow,
            territory.worker,
            HouseholdCreate(organisation_id=territory.organisation.id, commune="Roubaix"),
        )
    assert raised.value.code == "requests.consent"
    assert territory.store.households == {} and territory.uow.audit_lines == []


async def test_confirming_a_proposal_asks_inventory_to_hold_the_device() -> None:
    territory = Territory()
    tablet = territory.store.add_device("tablet", "K7Q2M9XB")
    need = await territory.need()
    proposal_id, _ = territory.proposal(need)

    attempt = await requests.confirm_proposal(territory.uow, territory.worker, need, proposal_id)

    [asked] = territory.uow.events
    assert isinstance(asked, ReservationRequested)
    assert asked.aggregate_id == tablet and asked.request_id == attempt
    assert asked.household_reference == territory.store.needs[need]["household_reference"]
    assert territory.store.needs[need]["status"] == NeedStatus.RESERVING
    assert territory.store.proposals[proposal_id]["status"] == "confirmed"


async def test_a_proposal_is_decided_once_and_only_within_ones_organisation() -> None:
    territory = Territory()
    territory.store.add_device("tablet", "K7Q2M9XB")
    need = await territory.need()
    proposal_id, _ = territory.proposal(need)

    await refused(
        territory.uow,
        "requests.need_unknown",
        requests.confirm_proposal(territory.uow, territory.stranger, need, proposal_id),
    )
    await refused(
        territory.uow,
        "requests.proposal_unknown",
        requests.confirm_proposal(territory.uow, territory.worker, need, uuid.uuid4()),
    )
    await requests.confirm_proposal(territory.uow, territory.worker, need, proposal_id)
    await refused(
        territory.uow,
        "requests.not_proposed",
        requests.decline_proposal(territory.uow, territory.worker, need, proposal_id, "trop tard"),
    )
    assert len(territory.uow.announced(ReservationRequested)) == 1


async def test_declining_proposes_another_device_and_never_the_declined_one_again() -> None:
    territory = Territory()
    first = territory.store.add_device("tablet", "K7Q2M9XB")
    need = await territory.need()
    proposal_id, proposed = territory.proposal(need)
    assert proposed["device_id"] == first

    await requests.decline_proposal(
        territory.uow, territory.worker, need, proposal_id, "écran trop petit"
    )
    assert territory.store.needs[need]["status"] == NeedStatus.WAITING
    assert territory.store.proposals[proposal_id]["decline_reason"] == "écran trop petit"

    second = territory.store.add_device("tablet", "P3H8W2ZD")
    await requests.propose_to_all(territory.uow)
    assert territory.proposal(need)[1]["device_id"] == second
    assert territory.uow.events == []


async def test_the_monthly_quota_holds_until_the_next_month() -> None:
    territory = Territory(quota=1)
    territory.store.add_device("tablet", "K7Q2M9XB")
    territory.store.add_device("tablet", "P3H8W2ZD")
    first, second = await territory.need(), await territory.need()
    await requests.confirm_proposal(
        territory.uow, territory.worker, first, territory.proposal(first)[0]
    )

    proposal_id, _ = territory.proposal(second)
    await refused(
        territory.uow,
        "requests.quota",
        requests.confirm_proposal(territory.uow, territory.worker, second, proposal_id),
    )

    territory.clock.advance(timedelta(days=31))
    await requests.confirm_proposal(territory.uow, territory.worker, second, proposal_id)
    assert len(territory.uow.announced(ReservationRequested)) == 2


async def test_cancelling_a_reserved_need_releases_its_device() -> None:
    territory = Territory()
    territory.store.add_device("tablet", "K7Q2M9XB")
    need = await territory.need()
    attempt = await territory.reserved(need)

    await requests.cancel_need(territory.uow, territory.worker, need)

    [released] = territory.uow.announced(ReservationReleased)
    assert released.request_id == attempt
    assert territory.store.needs[need]["status"] == NeedStatus.CANCELLED
    await refused(
        territory.uow,
        "requests.already_ended",
        requests.cancel_need(territory.uow, territory.worker, need),
    )


async def test_a_device_handed_over_then_brought_back() -> None:
    territory = Territory()
    tablet = territory.store.add_device("tablet", "K7Q2M9XB")
    need = await territory.need()
    attempt = await territory.reserved(need)
    territory.clock.advance(timedelta(hours=30))

    receipt = await requests.hand_over(territory.uow, territory.worker, need, "Médiathèque")
    await requests.return_device(territory.uow, territory.worker, need, "écran fissuré")

    [handed] = territory.uow.announced(DeviceHandedOver)
    assert receipt == attempt == handed.request_id
    assert handed.aggregate_id == tablet and handed.occurred_at == territory.clock()
    [back] = territory.uow.announced(DeviceReturned)
    assert back.aggregate_id == tablet and back.reason == "écran fissuré"
    assert territory.store.needs[need]["status"] == NeedStatus.RETURNED


async def test_a_need_whose_reservation_ended_cannot_be_handed_over() -> None:
    territory = Territory()
    territory.store.add_device("tablet", "K7Q2M9XB")
    need = await territory.need()
    attempt = await territory.reserved(need)
    territory.store.attempts[attempt]["status"] = "expired"  # inventory's hold lapsed

    await refused(
        territory.uow,
        "requests.ended",
        requests.hand_over(territory.uow, territory.worker, need, "Médiathèque"),
    )


async def test_a_household_forgotten_has_its_open_needs_cancelled() -> None:
    territory = Territory()
    territory.store.add_device("tablet", "K7Q2M9XB")
    household = await territory.household(job_seeking=True)
    need = await territory.need(household)
    attempt = await territory.reserved(need)

    await requests.erase_household(territory.uow, territory.worker, household)

    erased = territory.store.households[household]
    assert erased.contact_name == "" and erased.situation == Situation()
    assert erased.erased_at == territory.clock()
    assert territory.store.needs[need]["status"] == NeedStatus.CANCELLED
    assert [e.request_id for e in territory.uow.announced(ReservationReleased)] == [attempt]
    assert territory.uow.audit_lines[-1] == (
        territory.worker.sub,
        "household.erased",
        f"household:{household}",
    )
    await refused(
        territory.uow,
        "requests.erased",
        requests.submit_request(
            territory.uow,
            territory.worker,
            RequestCreate(
                household_id=household, needs=[NeedCreate(device_type="tablet", purpose="school")]
            ),
        ),
    )


# --- campaigns


class Purchase:
    """A territory whose tablet needs wait (no tablet in stock) and a campaign for them."""

    def __init__(self) -> None:
        self.territory = Territory()
        self.store = self.territory.store
        self.uow = FakeUnitOfWork(self.store, self.territory.clock)
        self.clock = self.territory.clock

    async def opened(self, minimum: int = 2, policy: str = "extend_once") -> uuid.UUID:
        supplier = await campaigns.create_supplier(
            self.uow, SupplierCreate(name="Ateliers solidaires", kind="social_enterprise")
        )
        command = CampaignCreate(
            title="Tablettes pour les démarches",
            device_type="tablet",
            supplier_id=supplier.id,
            tiers=TIERS,
            minimum_quantity=minimum,
            maximum_quantity=3,
            deadline=self.clock() + timedelta(days=7),
            extension_days=14,
        )
        campaign_id = await campaigns.create_campaign(self.uow, COORDINATOR, command)
        await campaigns.open_campaign(self.uow, campaign_id, policy)  # type: ignore[arg-type]
        return campaign_id

    async def waiting_need(self) -> uuid.UUID:
        need = await self.territory.need()
        assert self.territory.store.needs[need]["status"] == NeedStatus.WAITING
        return need

    async def pledged(self, campaign_id: uuid.UUID) -> uuid.UUID:
        need = await self.waiting_need()
        return await campaigns.pledge(self.uow, self.territory.worker, campaign_id, need)


async def test_pledges_reach_the_minimum_and_the_order_adds_up() -> None:
    purchase = Purchase()
    campaign_id = await purchase.opened(minimum=2)
    [opened] = purchase.uow.announced(CampaignOpened)
    assert opened.aggregate_id == campaign_id and opened.minimum_quantity == 2

    await purchase.pledged(campaign_id)
    assert purchase.uow.announced(CampaignThresholdReached) == []
    await purchase.pledged(campaign_id)

    made = purchase.uow.announced(PledgeMade)
    assert [event.pledged for event in made] == [1, 2]
    assert all(event.unit_price_cents == 30_000 for event in made)
    [reached] = purchase.uow.announced(CampaignThresholdReached)
    assert reached.pledged == reached.minimum_quantity == 2
    assert all(
        need["status"] == NeedStatus.PLEDGED for need in purchase.territory.store.needs.values()
    )

    priced = await campaigns.order_campaign(purchase.uow, COORDINATOR, campaign_id)

    [ordered] = purchase.uow.announced(CampaignOrdered)
    assert ordered.quantity == 2 and ordered.total_cents == 60_000 == priced.total_cents
    assert ordered.contributions_cents + ordered.subsidy_cents == ordered.total_cents
    assert purchase.store.campaigns[campaign_id].status == CampaignStatus.ORDERED
    versions = [event.aggregate_version for event in purchase.uow.events]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)


async def test_an_order_below_the_minimum_is_refused() -> None:
    purchase = Purchase()
    campaign_id = await purchase.opened(minimum=2)
    await purchase.pledged(campaign_id)

    await refused(
        purchase.uow,
        "campaigns.below_minimum",
        campaigns.order_campaign(purchase.uow, COORDINATOR, campaign_id),
    )
    await refused(
        purchase.uow,
        "campaigns.not_received",
        campaigns.close_campaign(purchase.uow, campaign_id),
    )


async def test_a_pledge_is_refused_outside_ones_organisation_twice_or_after_the_deadline() -> None:
    purchase = Purchase()
    campaign_id = await purchase.opened()
    need = await purchase.waiting_need()

    await refused(
        purchase.uow,
        "requests.need_unknown",
        campaigns.pledge(purchase.uow, purchase.territory.stranger, campaign_id, need),
    )
    await campaigns.pledge(purchase.uow, purchase.territory.worker, campaign_id, need)
    await refused(
        purchase.uow,
        "campaigns.already_pledged",
        campaigns.pledge(purchase.uow, purchase.territory.worker, campaign_id, need),
    )
    later = await purchase.waiting_need()
    purchase.clock.advance(timedelta(days=7))
    await refused(
        purchase.uow,
        "campaigns.deadline_passed",
        campaigns.pledge(purchase.uow, purchase.territory.worker, campaign_id, later),
    )


async def test_below_the_minimum_at_the_deadline_it_is_extended_once_then_cancelled() -> None:
    purchase = Purchase()
    campaign_id = await purchase.opened(minimum=2, policy="extend_once")
    await purchase.pledged(campaign_id)
    deadline = purchase.store.campaigns[campaign_id].deadline
    assert deadline is not None

    purchase.clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert await deadlines.settle_due_campaigns(purchase.uow) == []
    purchase.clock.advance(timedelta(seconds=1))
    [(_, extended)] = await deadlines.settle_due_campaigns(purchase.uow)

    assert extended == "extended"
    [event] = purchase.uow.announced(CampaignExtended)
    assert event.deadline == deadline + timedelta(days=14) and event.pledged == 1

    purchase.clock.advance(timedelta(days=14))
    [(_, cancelled)] = await deadlines.settle_due_campaigns(purchase.uow)

    assert cancelled == "cancelled"
    [released] = purchase.uow.announced(PledgeReleased)
    assert released.reason == "minimum_missed"
    [gave_up] = purchase.uow.announced(CampaignCancelled)
    assert gave_up.pledges_released == 1
    assert all(
        need["status"] == NeedStatus.WAITING for need in purchase.territory.store.needs.values()
    )


async def test_at_the_deadline_a_campaign_that_reached_its_minimum_waits_for_its_order() -> None:
    purchase = Purchase()
    campaign_id = await purchase.opened(minimum=1, policy="cancel")
    await purchase.pledged(campaign_id)
    events = len(purchase.uow.events)

    purchase.clock.advance(timedelta(days=8))
    assert await deadlines.settle_due_campaigns(purchase.uow) == []

    assert len(purchase.uow.events) == events
    assert purchase.store.campaigns[campaign_id].status == CampaignStatus.OPEN


# --- accounts

PASSWORD = "correct horse battery staple"
KEY = Ed25519PrivateKey.generate()


async def test_an_account_signs_in_and_its_session_lasts_its_lifetime() -> None:
    uow = FakeUnitOfWork(FakeAccountStore())
    account = await accounts.add_account(
        uow, "Camille.Agent", "Camille", ("collector",), ("collection_point:x",), PASSWORD
    )
    assert account.login == "camille.agent"

    signed_in = await accounts.sign_in(uow, KEY, "camille.agent", PASSWORD)
    claims = verify_token(KEY.public_key(), signed_in.session_token)
    assert claims.sub == str(account.id) and claims.scopes == ("collection_point:x",)

    uow.clock.advance(REFRESH_LIFETIME - timedelta(seconds=1))
    await accounts.refresh(uow, KEY, signed_in.refresh_secret)
    uow.clock.advance(timedelta(seconds=1))
    await refused(
        uow, "accounts.session_ended", accounts.refresh(uow, KEY, signed_in.refresh_secret)
    )


async def test_signing_in_is_refused_for_a_wrong_password_a_taken_login_or_a_disabled_account() -> (
    None
):
    uow = FakeUnitOfWork(FakeAccountStore())
    account = await accounts.add_account(
        uow, "dominique", "Dominique", ("refurbisher",), (), PASSWORD
    )

    with pytest.raises(DomainError) as wrong:
        await accounts.sign_in(uow, KEY, "dominique", "not the password at all")
    assert wrong.value.code == "accounts.wrong_credentials"
    await refused(
        uow,
        "accounts.login_taken",
        accounts.add_account(uow, "Dominique", "Autre", ("collector",)),
    )
    await accounts.disable_account(uow, account.id)
    with pytest.raises(DomainError) as disabled:
        await accounts.sign_in(uow, KEY, "dominique", PASSWORD)
    assert disabled.value.code == "accounts.disabled"
    assert uow.store.sessions == {}


async def test_a_reset_link_works_once_and_only_while_it_lasts() -> None:
    uow = FakeUnitOfWork(FakeAccountStore())
    account = await accounts.add_account(uow, "sacha", "Sacha", ("refurbisher",), (), PASSWORD)
    session = await accounts.sign_in(uow, KEY, "sacha", PASSWORD)
    _, late = await accounts.issue_reset_link(uow, account.id)
    uow.clock.advance(RESET_LINK_LIFETIME)
    await refused(
        uow, "accounts.link_unusable", accounts.account_of_reset_link(uow, late), rolled_back=False
    )

    _, secret = await accounts.issue_reset_link(uow, account.id)
    await accounts.reset_password(uow, secret, "la clé est sous le pot")

    await refused(
        uow,
        "accounts.link_unusable",
        accounts.reset_password(uow, secret, "une autre phrase"),
        rolled_back=False,
    )
    await refused(uow, "accounts.session_ended", accounts.refresh(uow, KEY, session.refresh_secret))
    await accounts.sign_in(uow, KEY, "sacha", "la clé est sous le pot")


async def test_a_machine_token_opens_sessions_until_it_is_revoked() -> None:
    uow = FakeUnitOfWork(FakeAccountStore())
    token, secret = await machines.create_machine_token(
        uow, "kiosque de Roubaix", ("collector",), ("collection_point:roubaix",)
    )

    session = verify_token(KEY.public_key(), await machines.exchange(uow, KEY, secret))
    assert session.sub == f"machine:{token.id}" and session.scopes == ("collection_point:roubaix",)

    await machines.revoke_machine_token(uow, token.id)
    with pytest.raises(DomainError) as raised:
        await machines.exchange(uow, KEY, secret)
    assert raised.value.code == "accounts.machine_revoked"
    await refused(
        uow, "accounts.machine_token_unknown", machines.revoke_machine_token(uow, uuid.uuid4())
    )


async def test_a_person_sets_where_they_are_told_and_a_bad_address_changes_nothing() -> None:
    uow = FakeUnitOfWork(FakeAccountStore())
    account = await accounts.add_account(uow, "amina", "Amina", ("social_worker",))

    given = ContactUpdate(email=" amina@ccas.example ", language="en")
    assert await accounts.set_contact(uow, account.id, given) == Contact(
        email="amina@ccas.example", language="en"
    )
    assert uow.audit_lines[-1][1:] == ("account.contact_set", f"account:{account.id}")
    await refused(
        uow,
        "accounts.invalid_email",
        accounts.set_contact(uow, account.id, ContactUpdate(email="amina@ccas")),
    )
    # what is left out stays; a blank address is no mail
    await accounts.set_contact(uow, account.id, ContactUpdate(language="fr"))
    assert (await accounts.contact_of(uow, account.id)).email == "amina@ccas.example"
    await accounts.set_contact(uow, account.id, ContactUpdate(email=""))
    assert await accounts.contact_of(uow, account.id) == Contact(email="", language="fr")
    await refused(
        uow, "accounts.account_unknown", accounts.set_contact(uow, uuid.uuid4(), ContactUpdate())
    )
