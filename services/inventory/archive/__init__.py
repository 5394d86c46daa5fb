"""The archive tier: histories of devices that ended their journey long ago moved aside,
by the hour (``jobs``) or on demand (``boucle inventory archive``)."""
