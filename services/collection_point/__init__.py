"""Collection points: places, labels, intake of donations at the counter, shipments."""
