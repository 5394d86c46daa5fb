"""The bench: one device's stay at a workshop, from check-in to release or dismantling — its rules
(domain, diagnosis, lshw), use cases (handlers), JSON API, pages, forms and the repair records
published as open data (ords)."""
