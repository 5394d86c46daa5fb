"""Labels: batches issued for a point and printed on sheets, single labels, voided labels."""
