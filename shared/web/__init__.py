"""The web side of the kit: app factory, problem+json errors, health, metrics, guards, pages."""
