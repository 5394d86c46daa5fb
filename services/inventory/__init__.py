"""Inventory: the device register, its lifecycle, and the public passport.

Folders for the features that stand apart: ``impact/`` (factors, counters kept as devices
move, figures, the impact page and its charts), ``register/`` (the coordinators' view),
``dead_letters/``, ``rebuild/`` (the register rebuilt from the streams). The lifecycle itself
(``domain``, ``lifecycle``, ``handlers``, ``store``, ``consumers``, reservations, archive)
is still at the service's root."""
