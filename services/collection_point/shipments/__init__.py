"""Shipments from a collection point to a workshop: a box opened, filled by scanning, dispatched,
and what the workshop reported back."""
