"""The group_purchase service: requests, allocations, campaigns (skeleton for now)."""
