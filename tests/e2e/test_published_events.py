"""Every event published while the tests ran — by every service, in every stream — is read
back and searched for personal data: the contacts typed in for households, e-mail addresses
and phone numbers. This module runs last (see ``pytest_collection_modifyitems``)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import nats
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.contracts.streams import STREAMS

pytestmark = pytest.mark.last

# what the tests type in as a household's contact (tests/households.py)
TYPED_CONTACTS = ("Famille Exemple", "06 12 34 56 78")
EMAIL = re.compile(rb"[\w.+-]+@[\w-]+\.[a-z]{2,}", re.IGNORECASE)
# Not inside a longer token: a UUID such as 09372682-28a8-… holds "09372682-28".
FRENCH_PHONE = re.compile(rb"(?<![\w-])(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}(?![\w-])")


@pytest.fixture
async def bus(stack: Stack) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats.url)
    yield client.jetstream()
    await client.close()


async def test_no_published_event_carries_a_contact_an_email_or_a_phone(
    bus: JetStreamContext,
) -> None:
    read = 0
    for stream in STREAMS:
        info = await bus.stream_info(stream.name)
        if not info.state.messages:
            continue  # nothing published on it in this run
        for sequence in range(info.state.first_seq, info.state.last_seq + 1):
            message = await bus.get_msg(stream.name, sequence)
            body = message.data or b""
            read += 1
            for contact in TYPED_CONTACTS:
                assert contact.encode() not in body, (stream.name, sequence, body[:300])
            for pattern in (EMAIL, FRENCH_PHONE):
                assert not pattern.search(body), (stream.name, sequence, body[:300])
    assert read > 100, "the tests before this one published events"
