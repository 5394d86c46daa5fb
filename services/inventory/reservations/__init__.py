"""Reservations: a request for a ready device answered yes or no at once, and a yes that
lapses after a while (``jobs``)."""
