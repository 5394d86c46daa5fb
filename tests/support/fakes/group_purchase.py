"""In-memory stores of group_purchase (requests, campaigns, accounts), for its use cases run
through ``FakeUnitOfWork``: plain objects with dict and list attributes, holding just what the
tested use cases read and write, as the tables hold it.

Matching is the simplest one that keeps its promises (the rules are tested on their own in
test_matching): an open need gets a free ready device of its type it never declined."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from services.group_purchase.accounts.domain import (
    Account,
    Contact,
    ExpiringTraining,
    MachineToken,
    Session,
    Training,
)
from services.group_purchase.campaigns.domain import (
    Campaign,
    CampaignCreate,
    CampaignStatus,
    Supplier,
    SupplierCreate,
)
from services.group_purchase.campaigns.pricing import ContributionScale, Quote
from services.group_purchase.campaigns.store import HeldPledge, LivePledge, WaitingNeed
from services.group_purchase.requests.domain import (
    Household,
    HouseholdCreate,
    NeedCreate,
    NeedStatus,
    Organisation,
    OrganisationCreate,
)
from services.group_purchase.requests.proposals import MatchingRun
from services.group_purchase.requests.store import Attempt, HeldNeed, HeldProposal

PARIS = ZoneInfo("Europe/Paris")
LIVE_ATTEMPTS = ("requested", "confirmed", "handed_over")
COUNTED_ATTEMPTS = (*LIVE_ATTEMPTS, "returned")


class FakeRequestStore:
    def __init__(self) -> None:
        self.organisations: dict[uuid.UUID, Organisation] = {}
        self.households: dict[uuid.UUID, Household] = {}
        self.needs: dict[uuid.UUID, dict[str, Any]] = {}
        # ready devices inventory announced: device id → (label, device type)
        self.devices: dict[uuid.UUID, tuple[str, str]] = {}
        self.proposals: dict[uuid.UUID, dict[str, Any]] = {}
        self.attempts: dict[uuid.UUID, dict[str, Any]] = {}

    # --- what a test sets up

    def add_organisation(self, name: str, monthly_quota: int | None = None) -> Organisation:
        organisation = Organisation(
            id=uuid.uuid4(),
            name=name,
            kind="social_service",
            contact="",
            commune="Roubaix",
            monthly_quota=monthly_quota,
        )
        self.organisations[organisation.id] = organisation
        return organisation

    def add_device(self, device_type: str, label: str) -> uuid.UUID:
        device_id = uuid.uuid4()
        self.devices[device_id] = (label, device_type)
        return device_id

    # --- RequestStore

    async def insert_organisation(
        self, organisation_id: uuid.UUID, command: OrganisationCreate
    ) -> bool:
        if any(o.name.lower() == command.name.lower() for o in self.organisations.values()):
            return False
        self.organisations[organisation_id] = Organisation(
            id=organisation_id, **msgspec.structs.asdict(command)
        )
        return True

    async def set_quota(self, organisation_id: uuid.UUID, quota: int | None) -> bool:
        organisation = self.organisations.get(organisation_id)
        if organisation is None:
            return False
        self.organisations[organisation_id] = msgspec.structs.replace(
            organisation, monthly_quota=quota
        )
        return True

    async def get_organisation(self, organisation_id: uuid.UUID) -> Organisation | None:
        return self.organisations.get(organisation_id)

    async def reservations_this_month(self, organisation_id: uuid.UUID, now: datetime) -> int:
        month = now.astimezone(PARIS).strftime("%Y-%m")
        return sum(
            1
            for attempt in self.attempts.values()
            if attempt["organisation_id"] == organisation_id
            and attempt["status"] in COUNTED_ATTEMPTS
            and attempt["requested_at"].astimezone(PARIS).strftime("%Y-%m") == month
        )

    async def insert_household(
        self,
        household_id: uuid.UUID,
        reference: str,
        command: HouseholdCreate,
        created_by: str,
        now: datetime,
    ) -> bool:
        if any(h.reference == reference for h in self.households.values()):
            return False
        fields = msgspec.structs.asdict(command)
        del fields["consent"]
        self.households[household_id] = Household(
            id=household_id, reference=reference, consent_at=now, created_at=now, **fields
        )
        return True

    async def get_household(self, household_id: uuid.UUID) -> Household | None:
        return self.households.get(household_id)

    async def erase_household(self, household_id: uuid.UUID, now: datetime) -> None:
        self.households[household_id] = msgspec.structs.replace(
            self.households[household_id],
            contact_name="",
            contact_phone="",
            situation=type(self.households[household_id].situation)(),
            existing_equipment="",
            internet_access="",
            erased_at=now,
        )

    async def open_needs_of_household(self, household_id: uuid.UUID) -> list[uuid.UUID]:
        ended = (NeedStatus.HANDED_OVER, NeedStatus.CANCELLED, NeedStatus.RETURNED)
        return [
            need_id
            for need_id, need in self.needs.items()
            if need["household_id"] == household_id and need["status"] not in ended
        ]

    async def insert_request(
        self,
        request_id: uuid.UUID,
        household: Household,
        source: str,
        submitted_by: str,
        now: datetime,
        needs: list[tuple[uuid.UUID, NeedCreate]],
    ) -> None:
        for need_id, need in needs:
            self.needs[need_id] = {
                "request_id": request_id,
                "status": NeedStatus.SUBMITTED,
                "note": "",
                "device_type": need.device_type,
                "min_memory_gb": need.min_memory_gb,
                "min_storage_gb": need.min_storage_gb,
                "organisation_id": household.organisation_id,
                "household_id": household.id,
                "household_reference": household.reference,
                "waiting_since": now,
            }

    async def need_for_update(self, need_id: uuid.UUID) -> HeldNeed | None:
        need = self.needs.get(need_id)
        if need is None:
            return None
        return msgspec.convert({"id": need_id, **need}, HeldNeed)

    async def set_need_status(
        self, need_id: uuid.UUID, status: NeedStatus, note: str | None = None
    ) -> None:
        self.needs[need_id]["status"] = status
        if note is not None:
            self.needs[need_id]["note"] = note

    async def propose(
        self, now: datetime, need_ids: Sequence[uuid.UUID] | None = None
    ) -> MatchingRun:
        open_ids = [
            need_id
            for need_id, need in self.needs.items()
            if need["status"] in (NeedStatus.SUBMITTED, NeedStatus.WAITING)
            and (need_ids is None or need_id in need_ids)
        ]
        proposed = 0
        for need_id in open_ids:
            device = self._free_device_for(need_id)
            if device is None:
                self.needs[need_id]["status"] = NeedStatus.WAITING
                continue
            self.proposals[uuid.uuid4()] = {
                "need_id": need_id,
                "device_id": device,
                "label": self.devices[device][0],
                "status": "open",
                "decided_by": None,
                "decline_reason": "",
            }
            self.needs[need_id]["status"] = NeedStatus.PROPOSED
            proposed += 1
        return MatchingRun(
            needs_considered=len(open_ids),
            devices_free=len(self.devices),
            proposed=proposed,
            waiting=len(open_ids) - proposed,
        )

    def _free_device_for(self, need_id: uuid.UUID) -> uuid.UUID | None:
        taken = {p["device_id"] for p in self.proposals.values() if p["status"] == "open"} | {
            a["device_id"] for a in self.attempts.values() if a["status"] in LIVE_ATTEMPTS
        }
        declined = {
            p["device_id"]
            for p in self.proposals.values()
            if p["need_id"] == need_id and p["status"] == "declined"
        }
        kind = self.needs[need_id]["device_type"]
        return next(
            (
                device_id
                for device_id, (_, device_type) in self.devices.items()
                if device_type == kind and device_id not in taken | declined
            ),
            None,
        )

    async def proposal_for_update(
        self, need_id: uuid.UUID, proposal_id: uuid.UUID
    ) -> HeldProposal | None:
        proposal = self.proposals.get(proposal_id)
        if proposal is None or proposal["need_id"] != need_id:
            return None
        return msgspec.convert({"id": proposal_id, **proposal}, HeldProposal)

    async def decide_proposal(
        self, proposal_id: uuid.UUID, status: str, by: str, now: datetime, reason: str = ""
    ) -> None:
        self.proposals[proposal_id].update(status=status, decided_by=by, decline_reason=reason)

    async def withdraw_proposals(self, need_id: uuid.UUID) -> None:
        for proposal in self.proposals.values():
            if proposal["need_id"] == need_id and proposal["status"] == "open":
                proposal["status"] = "withdrawn"

    async def insert_attempt(
        self,
        attempt_id: uuid.UUID,
        need: HeldNeed,
        proposal: HeldProposal,
        requested_by: str,
        now: datetime,
    ) -> bool:
        if any(
            a["device_id"] == proposal.device_id and a["status"] in LIVE_ATTEMPTS
            for a in self.attempts.values()
        ):
            return False
        self.attempts[attempt_id] = {
            "need_id": need.id,
            "organisation_id": need.organisation_id,
            "device_id": proposal.device_id,
            "status": "requested",
            "requested_at": now,
            "handed_over_at_place": None,
        }
        return True

    def _attempt_of(self, need_id: uuid.UUID, statuses: tuple[str, ...]) -> uuid.UUID | None:
        return next(
            (
                attempt_id
                for attempt_id, attempt in self.attempts.items()
                if attempt["need_id"] == need_id and attempt["status"] in statuses
            ),
            None,
        )

    def _moved(self, attempt_id: uuid.UUID | None, status: str, **fields: Any) -> Attempt | None:
        if attempt_id is None:
            return None
        self.attempts[attempt_id].update(status=status, **fields)
        return Attempt(id=attempt_id, device_id=self.attempts[attempt_id]["device_id"])

    async def release_attempt(self, need_id: uuid.UUID) -> Attempt | None:
        return self._moved(self._attempt_of(need_id, ("requested", "confirmed")), "released")

    async def hand_over_attempt(
        self, need_id: uuid.UUID, now: datetime, place: str, by: str
    ) -> Attempt | None:
        attempt_id = self._attempt_of(need_id, ("confirmed",))
        return self._moved(attempt_id, "handed_over", handed_over_at_place=place)

    async def return_attempt(self, need_id: uuid.UUID) -> Attempt | None:
        return self._moved(self._attempt_of(need_id, ("handed_over",)), "returned")


class FakeCampaignStore(FakeRequestStore):
    """The campaigns' rows beside the requests' ones: ``requests`` is this same store, so
    that a rolled-back transaction puts both back (as one database would)."""

    def __init__(self) -> None:
        super().__init__()
        self.suppliers: dict[uuid.UUID, Supplier] = {}
        self.campaigns: dict[uuid.UUID, Campaign] = {}
        self.pledges: dict[uuid.UUID, dict[str, Any]] = {}
        self.orders: dict[uuid.UUID, dict[str, Any]] = {}
        self.notices: list[dict[str, Any]] = []

    @property
    def requests(self) -> FakeCampaignStore:
        return self

    async def insert_supplier(self, supplier_id: uuid.UUID, command: SupplierCreate) -> bool:
        if any(s.name == command.name for s in self.suppliers.values()):
            return False
        self.suppliers[supplier_id] = Supplier(id=supplier_id, **msgspec.structs.asdict(command))
        return True

    async def get_supplier(self, supplier_id: uuid.UUID) -> Supplier | None:
        return self.suppliers.get(supplier_id)

    async def insert_campaign(
        self,
        campaign_id: uuid.UUID,
        command: CampaignCreate,
        scale: ContributionScale,
        created_by: str,
        expected_quantity: int = 0,
    ) -> None:
        self.campaigns[campaign_id] = Campaign(
            id=campaign_id,
            status=CampaignStatus.DRAFT,
            version=0,
            device_type=command.device_type,
            min_memory_gb=command.min_memory_gb,
            min_storage_gb=command.min_storage_gb,
            grade=command.grade,
            supplier_id=command.supplier_id,
            minimum_quantity=command.minimum_quantity,
            maximum_quantity=command.maximum_quantity,
            deadline=command.deadline,
            deadline_policy=None,
            extension_days=command.extension_days,
            extended_at=None,
            tiers=tuple(command.tiers),
            scale=scale,
        )

    async def waiting_needs_of_type(self, device_type: str) -> list[WaitingNeed]:
        return [
            WaitingNeed(
                id=need_id,
                min_memory_gb=need["min_memory_gb"],
                min_storage_gb=need["min_storage_gb"],
                waiting_since=need["waiting_since"],
                household_reference=need["household_reference"],
                organisation_name=self.requests.organisations[need["organisation_id"]].name,
            )
            for need_id, need in self.requests.needs.items()
            if need["device_type"] == device_type and need["status"] == NeedStatus.WAITING
        ]

    async def campaign_for_update(self, campaign_id: uuid.UUID) -> Campaign | None:
        return self.campaigns.get(campaign_id)

    async def due_campaigns(self, now: datetime) -> list[Campaign]:
        return [
            c
            for c in self.campaigns.values()
            if c.status == CampaignStatus.OPEN and c.deadline is not None and c.deadline <= now
        ]

    def _changed(self, campaign_id: uuid.UUID, **fields: Any) -> int:
        campaign = self.campaigns[campaign_id]
        self.campaigns[campaign_id] = msgspec.structs.replace(
            campaign, version=campaign.version + 1, **fields
        )
        return campaign.version + 1

    async def advance(
        self, campaign_id: uuid.UUID, status: CampaignStatus, now: datetime, **columns: Any
    ) -> int:
        kept = {name: value for name, value in columns.items() if name == "deadline_policy"}
        return self._changed(campaign_id, status=status, **kept)

    async def extend(self, campaign_id: uuid.UUID, deadline: datetime, now: datetime) -> int:
        return self._changed(campaign_id, deadline=deadline, extended_at=now)

    async def bump_version(self, campaign_id: uuid.UUID) -> int:
        return self._changed(campaign_id)

    def _live(self, campaign_id: uuid.UUID) -> list[tuple[uuid.UUID, dict[str, Any]]]:
        return [
            (pledge_id, pledge)
            for pledge_id, pledge in self.pledges.items()
            if pledge["campaign_id"] == campaign_id
            and pledge["status"] == "pledged"
            and self.requests.needs[pledge["need_id"]]["status"] == NeedStatus.PLEDGED
        ]

    async def live_pledges(self, campaign_id: uuid.UUID) -> list[LivePledge]:
        return [
            LivePledge(
                id=pledge_id,
                need_id=pledge["need_id"],
                organisation_id=pledge["organisation_id"],
                band=pledge["band"],
                device_type=self.requests.needs[pledge["need_id"]]["device_type"],
                household_id=self.requests.needs[pledge["need_id"]]["household_id"],
                household_reference=self.requests.needs[pledge["need_id"]]["household_reference"],
            )
            for pledge_id, pledge in self._live(campaign_id)
        ]

    async def count_live_pledges(self, campaign_id: uuid.UUID) -> int:
        return len(self._live(campaign_id))

    async def insert_pledge(
        self,
        pledge_id: uuid.UUID,
        campaign_id: uuid.UUID,
        need: HeldNeed,
        band: str,
        pledged_by: str,
        now: datetime,
    ) -> bool:
        if any(p["need_id"] == need.id and p["status"] == "pledged" for p in self.pledges.values()):
            return False
        self.pledges[pledge_id] = {
            "campaign_id": campaign_id,
            "need_id": need.id,
            "organisation_id": need.organisation_id,
            "band": band,
            "status": "pledged",
            "contribution_cents": None,
        }
        return True

    async def pledge_for_update(
        self, campaign_id: uuid.UUID, pledge_id: uuid.UUID
    ) -> HeldPledge | None:
        pledge = self.pledges.get(pledge_id)
        if pledge is None or pledge["campaign_id"] != campaign_id:
            return None
        return HeldPledge(
            id=pledge_id, organisation_id=pledge["organisation_id"], status=pledge["status"]
        )

    async def end_pledges(
        self, pledge_ids: Sequence[uuid.UUID], status: str, reason: str, now: datetime
    ) -> None:
        for pledge_id in pledge_ids:
            self.pledges[pledge_id].update(status=status, release_reason=reason)
            need = self.requests.needs[self.pledges[pledge_id]["need_id"]]
            if need["status"] == NeedStatus.PLEDGED:
                need.update(status=NeedStatus.WAITING, note=reason)

    async def drop_stale_pledges(self, campaign_id: uuid.UUID, now: datetime) -> None:
        for pledge in self.pledges.values():
            need = self.requests.needs[pledge["need_id"]]
            if (
                pledge["campaign_id"] == campaign_id
                and pledge["status"] == "pledged"
                and need["status"] != NeedStatus.PLEDGED
            ):
                pledge.update(status="released", release_reason="need_cancelled")

    async def fix_contributions(self, pledge_ids: Sequence[uuid.UUID], quote: Quote) -> None:
        for pledge_id, cents in zip(pledge_ids, quote.contributions, strict=True):
            self.pledges[pledge_id]["contribution_cents"] = cents

    async def insert_order(
        self,
        campaign_id: uuid.UUID,
        number: str,
        quote: Quote,
        ordered_by: str,
        now: datetime,
    ) -> None:
        self.orders[campaign_id] = {"number": number, "quantity": quote.quantity, "quote": quote}

    async def insert_notices(
        self,
        campaign_id: uuid.UUID,
        organisation_ids: Sequence[uuid.UUID],
        kind: str,
        details: dict[str, Any],
        now: datetime,
    ) -> None:
        for organisation_id in sorted(set(organisation_ids)):
            self.notices.append(
                {"campaign_id": campaign_id, "organisation_id": organisation_id, "kind": kind}
            )


class FakeAccountStore:
    def __init__(self) -> None:
        self.accounts: dict[uuid.UUID, Account] = {}
        self.sessions: dict[bytes, Session] = {}
        self.resets: dict[bytes, dict[str, Any]] = {}
        self.machine_tokens_by_hash: dict[bytes, MachineToken] = {}
        self.trainings: dict[uuid.UUID, Training] = {}
        self.contacts: dict[uuid.UUID, Contact] = {}

    async def contact_of(self, account_id: uuid.UUID) -> Contact | None:
        if account_id not in self.accounts:
            return None
        return self.contacts.get(account_id, Contact())

    async def set_contact(self, account_id: uuid.UUID, contact: Contact) -> None:
        self.contacts[account_id] = contact

    async def account_by_login(self, login: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.login.lower() == login.lower()), None)

    async def account_by_id(self, account_id: uuid.UUID) -> Account | None:
        return self.accounts.get(account_id)

    async def count_accounts(self) -> int:
        return len(self.accounts)

    async def insert_account(self, account: Account) -> bool:
        if await self.account_by_login(account.login) is not None:
            return False
        self.accounts[account.id] = account
        return True

    async def set_password_hash(self, account_id: uuid.UUID, hashed: str) -> None:
        self.accounts[account_id] = msgspec.structs.replace(
            self.accounts[account_id], password_hash=hashed
        )

    async def set_enabled(self, account_id: uuid.UUID, enabled: bool) -> bool:
        if account_id not in self.accounts:
            return False
        self.accounts[account_id] = msgspec.structs.replace(
            self.accounts[account_id], enabled=enabled
        )
        return True

    async def insert_session(
        self, account_id: uuid.UUID, refresh_hash: bytes, expires_at: datetime
    ) -> uuid.UUID:
        session = Session(id=uuid.uuid4(), account_id=account_id, expires_at=expires_at)
        self.sessions[refresh_hash] = session
        return session.id

    async def session_by_refresh_hash(self, refresh_hash: bytes) -> Session | None:
        return self.sessions.get(refresh_hash)

    async def touch_session(self, session_id: uuid.UUID) -> None:
        return None

    def _revoke(self, hashes: list[bytes]) -> None:
        for refresh_hash in hashes:
            self.sessions[refresh_hash] = msgspec.structs.replace(
                self.sessions[refresh_hash], revoked_at=datetime.now().astimezone()
            )

    async def revoke_session(self, refresh_hash: bytes) -> None:
        live = refresh_hash in self.sessions and self.sessions[refresh_hash].revoked_at is None
        self._revoke([refresh_hash] if live else [])

    async def revoke_sessions_of(
        self, account_id: uuid.UUID, keep: uuid.UUID | None = None
    ) -> None:
        self._revoke(
            [
                refresh_hash
                for refresh_hash, session in self.sessions.items()
                if session.account_id == account_id
                and session.revoked_at is None
                and session.id != keep
            ]
        )

    async def insert_reset(
        self, account_id: uuid.UUID, token_hash: bytes, expires_at: datetime
    ) -> None:
        for reset in self.resets.values():
            if reset["account_id"] == account_id:
                reset["used"] = True
        self.resets[token_hash] = {
            "account_id": account_id,
            "expires_at": expires_at,
            "used": False,
        }

    async def usable_reset(
        self, token_hash: bytes, now: datetime, lock: bool = False
    ) -> uuid.UUID | None:
        reset = self.resets.get(token_hash)
        if reset is None or reset["used"] or reset["expires_at"] <= now:
            return None
        account_id: uuid.UUID = reset["account_id"]
        return account_id

    async def use_reset(self, token_hash: bytes) -> None:
        self.resets[token_hash]["used"] = True

    async def insert_machine_token(self, token: MachineToken, secret_hash: bytes) -> None:
        self.machine_tokens_by_hash[secret_hash] = token

    async def revoke_machine_token(self, token_id: uuid.UUID) -> bool:
        for secret_hash, token in self.machine_tokens_by_hash.items():
            if token.id == token_id:
                revoked = token.revoked_at or datetime.now().astimezone()
                self.machine_tokens_by_hash[secret_hash] = msgspec.structs.replace(
                    token, revoked_at=revoked
                )
                return True
        return False

    async def use_machine_token(self, secret_hash: bytes) -> MachineToken | None:
        token = self.machine_tokens_by_hash.get(secret_hash)
        return token if token is not None and token.revoked_at is None else None

    async def set_roles(self, account_id: uuid.UUID, roles: tuple[str, ...]) -> None:
        self.accounts[account_id] = msgspec.structs.replace(self.accounts[account_id], roles=roles)

    async def insert_training(self, training: Training) -> bool:
        if any(t.reference == training.reference for t in self.trainings.values()):
            return False
        self.trainings[training.id] = training
        return True

    async def trainings_of(self, account_id: uuid.UUID) -> list[Training]:
        mine = [t for t in self.trainings.values() if t.account_id == account_id]
        return sorted(mine, key=lambda t: t.reference)

    async def trainings_ending_between(self, first: date, last: date) -> list[ExpiringTraining]:
        return [
            ExpiringTraining(
                training=training,
                login=self.accounts[training.account_id].login,
                display_name=self.accounts[training.account_id].display_name,
            )
            for training in sorted(self.trainings.values(), key=lambda t: t.valid_until)
            if first <= training.valid_until <= last and self.accounts[training.account_id].enabled
        ]
