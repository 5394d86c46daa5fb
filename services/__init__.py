"""Boucle's four services, each a Litestar application with its own schema and stream."""
