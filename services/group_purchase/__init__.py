"""The group_purchase service: the people who sign in (accounts), households' requests for
a device and the matching that proposes one (requests), and group purchases when stock runs
short (campaigns) — a folder each."""
