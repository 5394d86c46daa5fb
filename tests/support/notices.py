"""A notification as stored, for tests of what its texts and mail say."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from shared.notifications.outbox import Notification

TOKEN = uuid.UUID("0b4f3a58-58b3-4b4e-8f56-9a3c0f2d6c11")


def a_notification(kind: str, details: dict[str, Any], language: str = "fr") -> Notification:
    """A pending mail of ``kind`` to Amina (in ``language``), written on 7 December 2026."""
    return Notification(
        id=uuid.UUID("01930000-0000-7000-8000-000000000001"),
        recipient="account-1",
        kind=kind,
        details=details,
        language=language,
        email="amina@example.org",
        mail_status="pending",
        attempts=0,
        last_error="",
        sent_at=None,
        unsubscribe_token=TOKEN,
        created_at=datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
    )
