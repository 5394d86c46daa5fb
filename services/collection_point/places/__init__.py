"""Collection points as places citizens look for: the facts kept and their rules, opening hours,
the public pages, the open-data exports, and what coordinators manage."""
