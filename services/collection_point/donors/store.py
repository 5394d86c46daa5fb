"""The news a donor agreed to at the counter: written in the transaction that records what
inventory announced (one statement for a batch), and stopped in one click from a mail.

A notification names the device's type, its label and its public passport (``/d/<code>``,
served by inventory): never the household it went to. Each device's donor is told of each
kind once, whatever inventory announces again (a reservation that lapsed makes a device ready
again; an event may be delivered twice): ``donor_news`` keeps what was told."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from shared.contracts.collection import DeviceType
from shared.events import uuid7
from shared.labels import format_code
from shared.web.i18n import LANGUAGES, translator

# inventory's lifecycle states (services/inventory/lifecycle/domain.py) a donor is told of
KIND_OF_STATE = {"ready": "donation_ready", "delivered": "donation_placed"}
RECIPIENT = "donor:"  # a donor has no account: the recipient is the contact of one intake
DEVICE_TYPES: tuple[str, ...] = DeviceType.__args__  # type: ignore[attr-defined]

# The notifications are written here rather than through ``outbox.write`` (one statement per
# notification, for rows known beforehand): the donors to tell are found, and their news
# guarded, by the same statement, whatever the size of the batch.
_TELL = """
WITH given AS (
    SELECT DISTINCT ON (device_id, kind) device_id, kind, code, code_display, id
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[])
        AS given(device_id, kind, code, code_display, id)
), told AS (
    INSERT INTO donor_news (device_id, kind, told_at)
    SELECT given.device_id, given.kind, $6 FROM given
    JOIN intakes i ON i.device_id = given.device_id
    JOIN donor_contacts c ON c.intake_id = i.id
    WHERE c.news AND c.email <> ''
    ON CONFLICT DO NOTHING
    RETURNING device_id, kind
)
INSERT INTO notifications (id, recipient, kind, details, language, email, mail_status,
    next_attempt_at, created_at)
SELECT given.id, $10 || i.id::text, told.kind,
    jsonb_build_object('path', '/d/' || given.code, 'site', 'inventory',
        'label', given.code_display, 'device', coalesce(word.name, i.device_type)),
    c.language, c.email, 'pending', $6, $6
FROM told
JOIN given ON given.device_id = told.device_id AND given.kind = told.kind
JOIN intakes i ON i.device_id = told.device_id
JOIN donor_contacts c ON c.intake_id = i.id
LEFT JOIN unnest($7::text[], $8::text[], $9::text[]) AS word(device_type, language, name)
    ON word.device_type = i.device_type AND word.language = c.language
"""

# One click from any of a donor's mails: no more news to that address (of any device they
# gave), and what was waiting to be sent stays unsent.
_STOP = """
WITH mail AS (
    SELECT kind, email FROM notifications
    WHERE unsubscribe_token = $1 AND starts_with(recipient, $3)
), stopped AS (
    UPDATE donor_contacts c SET news = false, news_stopped_at = $2
    FROM mail WHERE c.news AND lower(c.email) = lower(mail.email)
), held AS (
    UPDATE notifications n SET mail_status = 'unsubscribed'
    FROM mail WHERE starts_with(n.recipient, $3) AND lower(n.email) = lower(mail.email)
        AND n.mail_status = 'pending'
)
SELECT kind FROM mail
"""


# The contacts given more than a set time ago, a batch at a time (another replica takes the
# next ones), or one intake's on request: deleted, and the address blanked on the mails they
# were sent (what a mail said stays: a type, a label, a passport; nothing about the donor).
_FORGET = """
WITH lapsed AS (
    SELECT intake_id FROM donor_contacts
    WHERE created_at < $1 AND ($4::uuid IS NULL OR intake_id = $4)
    ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED
), forgotten AS (
    DELETE FROM donor_contacts c USING lapsed WHERE c.intake_id = lapsed.intake_id
    RETURNING c.intake_id
), mails AS (
    UPDATE notifications n SET email = '',
        mail_status = CASE WHEN n.mail_status = 'pending' THEN 'no_address' ELSE n.mail_status END
    FROM forgotten f WHERE n.recipient = $3 || f.intake_id::text
)
SELECT intake_id FROM forgotten
"""


def _device_words() -> tuple[list[str], list[str], list[str]]:
    """Each type of device in words, in each language (its kind, language, name)."""
    words = [
        (kind, language, translator(language)(f"type.{kind}").lower())
        for kind in DEVICE_TYPES
        for language in LANGUAGES
    ]
    return [w[0] for w in words], [w[1] for w in words], [w[2] for w in words]


DEVICE_WORDS = _device_words()


class DonorNewsStore:
    def __init__(self, connection: asyncpg.Connection | asyncpg.Pool) -> None:
        self.connection = connection

    async def tell(self, states: Sequence[tuple[uuid.UUID, str, str]], now: datetime) -> None:
        """The donors who agreed hear that their device is ready for a household or found
        one, given (device, state, label) as inventory announced them: once per device and
        kind, in one statement."""
        news = [
            (device, KIND_OF_STATE[state], code)
            for device, state, code in states
            if state in KIND_OF_STATE
        ]
        if not news:
            return
        await self.connection.execute(
            _TELL,
            [device for device, _, _ in news],
            [kind for _, kind, _ in news],
            [code for _, _, code in news],
            [format_code(code) for _, _, code in news],
            [uuid7() for _ in news],
            now,
            *DEVICE_WORDS,
            RECIPIENT,
        )

    async def forget_contacts(
        self, given_before: datetime, limit: int, intake_id: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        """At most ``limit`` donors' contacts given before ``given_before`` (of ``intake_id``
        only, when given) erased; their intakes."""
        rows = await self.connection.fetch(_FORGET, given_before, limit, RECIPIENT, intake_id)
        return [row["intake_id"] for row in rows]

    async def has_contact(self, intake_id: uuid.UUID) -> bool:
        kept: bool = await self.connection.fetchval(
            "SELECT EXISTS (SELECT 1 FROM donor_contacts WHERE intake_id = $1)", intake_id
        )
        return kept

    async def point_of(self, intake_id: uuid.UUID) -> uuid.UUID | None:
        """The collection point of an intake (None: no such intake)."""
        point: uuid.UUID | None = await self.connection.fetchval(
            "SELECT collection_point_id FROM intakes WHERE id = $1", intake_id
        )
        return point

    async def stop(self, token: uuid.UUID, now: datetime) -> str:
        """The donor whose mail carries ``token`` hears no more (twice is once); the kind of
        that mail, or "" for an unknown token."""
        kind: str | None = await self.connection.fetchval(_STOP, token, now, RECIPIENT)
        return kind or ""
