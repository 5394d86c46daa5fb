"""Streams (one per bounded context) and who consumes what: the shape of the event bus."""

from __future__ import annotations

import msgspec


class Stream(msgspec.Struct, frozen=True):
    name: str
    subjects: tuple[str, ...]
    producer: str
    description: str


STREAMS: tuple[Stream, ...] = (
    Stream("COLLECTION", ("collection.>",), "collection_point", "Donations and shipments."),
    Stream("INVENTORY", ("inventory.>",), "inventory", "Device register and lifecycle."),
    Stream("REFURBISHMENT", ("refurbishment.>",), "refurbishment", "Workshop facts."),
    Stream("PURCHASE", ("purchase.>",), "group_purchase", "Requests, allocations, campaigns."),
)

DLQ_STREAM = "DLQ"
DLQ_SUBJECTS: tuple[str, ...] = (
    "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>",
    "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>",
)


class Consumption(msgspec.Struct, frozen=True):
    """A durable consumer: the service that owns it, the stream and the subjects it filters."""

    consumer: str
    stream: str
    filter_subject: str


CONSUMERS: tuple[Consumption, ...] = (
    Consumption("inventory", "COLLECTION", "collection.>"),
    Consumption("inventory", "REFURBISHMENT", "refurbishment.>"),
    Consumption("inventory", "PURCHASE", "purchase.>"),
    Consumption("collection_point", "INVENTORY", "inventory.>"),
    # workshops (to ship to) and shipment receipts; one durable per stream, one filter each
    Consumption("collection_point", "REFURBISHMENT", "refurbishment.>"),
    Consumption("refurbishment", "COLLECTION", "collection.>"),
    # who may sign an erasure: the trainings recorded with the accounts
    Consumption("refurbishment", "PURCHASE", "purchase.training.>"),
    Consumption("group_purchase", "INVENTORY", "inventory.>"),
    Consumption("group_purchase", "COLLECTION", "collection.place.>"),
    Consumption("group_purchase", "REFURBISHMENT", "refurbishment.workshop.>"),
)


def consumption_of(consumer: str, stream: str) -> Consumption:
    """The declared consumption of ``stream`` by ``consumer`` (this table is the contract)."""
    return next(c for c in CONSUMERS if c.consumer == consumer and c.stream == stream)
