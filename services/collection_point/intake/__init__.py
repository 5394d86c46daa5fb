"""Intake of donated devices: the counter page where a collector registers a device in seconds,
the same through the JSON API and from a corporate donor's file, a photo of a label read on the
server, the point's view of what it collected, and organisations' donation receipts."""
