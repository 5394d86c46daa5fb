"""Households' requests: needs, priority, proposals, reservations and hand-over."""
