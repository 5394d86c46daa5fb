"""The published event contracts of every bounded context; importing this registers them all."""

from shared.contracts import collection, inventory, purchase, refurbishment
from shared.contracts.streams import CONSUMERS, STREAMS, Stream

__all__ = [
    "CONSUMERS",
    "STREAMS",
    "Stream",
    "collection",
    "inventory",
    "purchase",
    "refurbishment",
]
