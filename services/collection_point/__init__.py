"""The collection_point service: where donated devices come in.

One folder per feature: ``intake/`` (the counter, the API and files of donations),
``labels/``, ``places/`` (the collection points as places, their pages and open data),
``shipments/`` (boxes sent to workshops). ``domain.py`` holds what every feature shares (a
point, an intake, scopes), ``store.py`` the SQL of the points and keys every feature's store
reads and of the intakes, ``access.py`` and ``roles.py`` who may act, ``consumers.py`` what
the service listens to, ``app.py`` puts it together. A use case (``handlers.py``) is given a
unit of work with its feature's store, from the provider in the feature's ``api.py``."""
