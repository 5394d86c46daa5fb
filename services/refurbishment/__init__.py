"""The refurbishment service: workshops receive shipments of donated devices, and at the bench
each device is diagnosed, erased, repaired, graded and released — or dismantled for parts.

One folder per feature: ``bench/`` (work orders from check-in to release, diagnosis and
repairs, the JSON API), ``erasure/`` (certified erasure, its PDF and the public verifier),
``parts/`` (the parts bin), ``shipments/`` (arrivals from collection points). ``store.py``
holds the SQL of the service's schema, ``consumers.py`` what it listens to, ``roles.py`` who
may do what, ``app.py`` puts it together."""
