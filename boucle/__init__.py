"""The composition root: what puts the kit (``shared``) and the four services together — the
``boucle`` command, where each service's application and migrations live, and the local stack
``boucle up`` runs. Nothing in ``shared`` or ``services`` imports it."""
