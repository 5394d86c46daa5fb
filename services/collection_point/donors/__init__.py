"""Donors told what became of their device, when they agreed at the counter."""
