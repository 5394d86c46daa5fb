"""Shipments arriving at a workshop: learnt from a collection point's dispatch, received by
scanning, reported back."""
