"""The refurbishment service: workshops, diagnosis, erasure, grading (skeleton for now)."""
