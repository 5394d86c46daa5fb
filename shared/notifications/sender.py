"""The mail sender: delivers pending notifications through SMTP, once each.

Each mail is claimed in a transaction (``FOR UPDATE SKIP LOCKED``, so that replicas share the
work), handed to the SMTP server, and marked sent in that same transaction once the server
accepted it. While SMTP is down, the attempt is counted with its error and the next one waits
longer (doubled each time, up to a maximum); after the last attempt the mail is ``failed``
(the inbox and the letter still have it). The one window in which a mail may go twice: the
process dies after the server accepted it and before the mark commits; the mail then keeps its
Message-ID, so the receiving side can tell it is the same one.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

import aiosmtplib
import asyncpg

from shared.config import MailSettings
from shared.db import transaction
from shared.events import Clock, utc_now
from shared.logging import get_logger
from shared.notifications.outbox import Notification
from shared.notifications.texts import (
    ACCOUNT_MAIL,
    NO_SITES,
    MailLinks,
    Sites,
    mail_of,
    sites_of,
)
from shared.rows import rows_as
from shared.web.app import Runtime

log = get_logger("boucle.mail")
BATCH = 20
SMTP_ERRORS: tuple[type[BaseException], ...] = (aiosmtplib.SMTPException, OSError, TimeoutError)


def backoff(attempts: int, settings: MailSettings) -> timedelta:
    """How long to wait after ``attempts`` failed attempts."""
    seconds = settings.mail_retry_first_seconds * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.mail_retry_max_seconds))


class MailSender:
    """Delivers the pending mails of one service's database."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        settings: MailSettings,
        public_url: str,
        clock: Clock = utc_now,
        links: MailLinks = ACCOUNT_MAIL,
        sites: Sites = NO_SITES,
    ) -> None:
        self._pool = pool
        self._links = links
        self._settings = settings
        self._public_url = public_url
        self._sites = sites
        self._clock = clock
        self.sent = 0
        self.failed_attempts = 0

    async def deliver_due(self) -> int:
        """Send every mail due now, in batches; how many the server accepted."""
        accepted = 0
        while True:
            done, claimed = await self._deliver_batch()
            accepted += done
            if claimed < BATCH or done == 0:
                return accepted

    async def _deliver_batch(self) -> tuple[int, int]:
        accepted = 0
        async with transaction(self._pool) as connection:
            rows = await connection.fetch(
                "SELECT * FROM notifications WHERE mail_status = 'pending' "
                "AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2 "
                "FOR UPDATE SKIP LOCKED",
                self._clock(),
                BATCH,
            )
            due = rows_as(Notification, rows)
            if not due:
                return 0, 0
            try:
                client = await self._connected()
            except SMTP_ERRORS as error:
                await self._failed(connection, due, error)
                return 0, len(due)
            try:
                for notification in due:
                    try:
                        await client.send_message(
                            mail_of(
                                notification,
                                self._settings.mail_from,
                                self._public_url,
                                self._links,
                                self._sites,
                            )
                        )
                    except SMTP_ERRORS as error:
                        await self._failed(connection, [notification], error)
                        if not client.is_connected:
                            rest = due[due.index(notification) + 1 :]
                            await self._failed(connection, rest, error)
                            break
                        continue
                    await connection.execute(
                        "UPDATE notifications SET mail_status = 'sent', sent_at = $2, "
                        "attempts = attempts + 1, last_error = '' WHERE id = $1",
                        notification.id,
                        self._clock(),
                    )
                    accepted += 1
            finally:
                with contextlib.suppress(*SMTP_ERRORS):
                    await client.quit()
        self.sent += accepted
        return accepted, len(due)

    async def _connected(self) -> aiosmtplib.SMTP:
        settings = self._settings
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            timeout=settings.smtp_timeout_seconds,
        )
        await client.connect()
        if settings.smtp_username:
            await client.login(settings.smtp_username, settings.smtp_password)
        return client

    async def _failed(
        self,
        connection: asyncpg.Connection,
        notifications: list[Notification],
        error: BaseException,
    ) -> None:
        now: datetime = self._clock()
        last = self._settings.mail_max_attempts
        for notification in notifications:
            attempts = notification.attempts + 1
            await connection.execute(
                "UPDATE notifications SET attempts = $2, last_error = $3, next_attempt_at = $4, "
                "mail_status = CASE WHEN $2::integer >= $5::integer THEN 'failed' "
                "ELSE mail_status END WHERE id = $1",
                notification.id,
                attempts,
                (repr(error) or type(error).__name__)[:500],
                now + backoff(attempts, self._settings),
                last,
            )
            self.failed_attempts += 1
        log.warning("mail_not_sent", count=len(notifications), error=repr(error)[:200])

    async def run(self) -> None:
        """Send what is due every ``mail_poll_seconds`` until cancelled; nothing ends it."""
        while True:
            try:
                await self.deliver_due()
            except Exception as error:  # a busy or restarting database: the next turn retries
                log.warning("mail_sender_failed", error=repr(error)[:200])
            await asyncio.sleep(self._settings.mail_poll_seconds)


async def send_periodically(
    runtime: Runtime, base_url: str, links: MailLinks = ACCOUNT_MAIL
) -> None:
    """The sender of a service process (its links start with ``base_url``, and lead where
    ``links`` say); without an SMTP host nothing is mailed and notifications wait, pending,
    for one."""
    settings = runtime.settings
    if not settings.mail.smtp_host:
        log.info("mail_not_configured")
        return
    await MailSender(
        runtime.pool, settings.mail, base_url, links=links, sites=sites_of(settings)
    ).run()
