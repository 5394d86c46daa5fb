"""Inventory: the device register, its lifecycle, and the public passport.

One folder per feature: ``lifecycle/`` (the states and the transitions allowed — ``domain``,
``intentions`` —, which intention each fact of another service stands for — ``facts`` —, the
use cases that apply them — ``handlers``, ``shipments``, ``purchases`` —, how a step is
written — ``steps`` — and its SQL — ``store``), ``reservations/`` (requests answered yes or
no, reservations that lapse), ``archive/`` (histories of finished journeys moved aside),
``passport/`` (the public page of a device), ``register/`` (the coordinators' view, its JSON
API and the places it filters by), ``impact/`` (factors, counters kept as devices move,
figures, the impact page and its charts), ``dead_letters/``, ``rebuild/`` (the register
rebuilt from the streams). ``store.py`` reads a device and its history (passport and API),
``consumers.py`` says what inventory listens to, ``commands.py`` is its command line
(``boucle inventory …``), ``app.py`` puts it together."""
