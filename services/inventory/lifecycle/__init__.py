"""The lifecycle of a device in the register: its states and the transitions allowed (pure
rules in ``domain`` and ``intentions``), the facts of other services applied through them
(``facts``, ``handlers``; a dispatched shipment, a purchased device), each applied step saved
with its history and announcements (``steps``), and the SQL behind them (``store``)."""
