"""A durable pull consumer's messages, asked for ahead of need.

A consumer that asked for each batch only when the previous one was in hand, and waited a
few milliseconds for it, fell behind under load: the batch was cut short whenever the wait
ran out before the server's answer was read, and a batch of one cost a transaction and a
flush like a full one. Here a single pull request is kept open on the server, asking for
what fits beside the messages already in hand (at most two batches in all): the server
sends each message as soon as it is stored, and they are gathered as they come, in a
callback of the subscription (the client's own fetch awaited each message with a timer of
its own). A request lives ``PULL_EXPIRES`` seconds on the server, which then says so; one
whose answer never came (the connection was lost meanwhile) is asked again after a little
longer."""

from __future__ import annotations

import asyncio
import collections

import msgspec
import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js.api import Header

PULL_REQUEST = "$JS.API.CONSUMER.MSG.NEXT"  # followed by the stream and the consumer
STATUS = Header.STATUS.value  # the request's end: expired, or the consumer's trouble
DESCRIPTION = Header.DESCRIPTION.value
PULL_EXPIRES = 1.0  # seconds a pull request waits on the server for messages
ANSWER_MARGIN = 0.5  # then how long its end may take to arrive before it is asked again
CONFLICT = "409"  # the consumer deleted, or another limit of the server's


class Pulls:
    """The messages the server sends the durable ``consumer`` of ``stream``, up to
    ``2 * batch`` in hand or on their way; ``take`` hands out at most ``batch``."""

    def __init__(self, client: Client, stream: str, consumer: str, batch: int) -> None:
        self._client = client
        self._requests = f"{PULL_REQUEST}.{stream}.{consumer}"
        self._batch = batch
        self._inbox = client.new_inbox()
        self._arrived: collections.deque[Msg] = collections.deque()
        self._came = asyncio.Event()
        self._subscription: Subscription | None = None
        self._coming = 0  # messages the open request may still bring
        self._open_until = 0.0  # when the open request is given up on (0: none open)
        self.trouble = ""
        """The server's last word on a request that could not be served (a 409's
        description: the consumer deleted…), until ``take`` is next called."""

    async def start(self) -> None:
        self._subscription = await self._client.subscribe(self._inbox, cb=self._receive)

    async def stop(self) -> None:
        """Stop receiving; the messages never handed out are given back at once (rather
        than after the ack wait)."""
        if self._subscription is not None:
            await self._subscription.unsubscribe()
            self._subscription = None
        while self._arrived:
            message = self._arrived.popleft()
            try:
                await message.nak()
            except nats.errors.Error:  # not given back: it comes back after the ack wait
                return

    @property
    def in_hand(self) -> int:
        return len(self._arrived)

    async def wait(self, seconds: float) -> bool:
        """Ask for more if there is room, then wait (at most ``seconds``) until a message is
        in hand; whether one is."""
        await self._ask()
        if not self._arrived:
            self._came.clear()
            try:
                async with asyncio.timeout(seconds):
                    await self._came.wait()
            except TimeoutError:
                pass
        return bool(self._arrived)

    async def take(self) -> list[Msg]:
        """The messages in hand, ``batch`` at most, in the order they came; more is asked
        for at once."""
        count = min(self._batch, len(self._arrived))
        messages = [self._arrived.popleft() for _ in range(count)]
        self.trouble = ""
        await self._ask()
        return messages

    async def _ask(self) -> None:
        """Open a request when none is, for what fits beside the messages in hand."""
        now = asyncio.get_running_loop().time()
        if self._open_until and now < self._open_until:
            return
        room = 2 * self._batch - len(self._arrived)
        if room < self._batch:  # enough in hand: ask once some of it is taken
            return
        request = {"batch": room, "expires": int(PULL_EXPIRES * 1e9)}
        self._coming, self._open_until = room, now + PULL_EXPIRES + ANSWER_MARGIN
        await self._client.publish(self._requests, msgspec.json.encode(request), self._inbox)

    async def _receive(self, message: Msg) -> None:
        headers = message.headers
        if headers and STATUS in headers:  # the request ended: expired, or refused
            self._coming, self._open_until = 0, 0.0
            if headers[STATUS] == CONFLICT:
                self.trouble = headers.get(DESCRIPTION, CONFLICT)
            self._came.set()  # the waiting loop asks again
            return
        self._arrived.append(message)
        self._coming -= 1
        if self._coming <= 0:  # the request is served in full: the server says no more
            self._open_until = 0.0
        self._came.set()
