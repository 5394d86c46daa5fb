"""Inventory: the device register, its lifecycle, and the public passport."""
