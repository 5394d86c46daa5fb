"""Notifications: telling a person what happened, by mail, in their inbox, or on paper.

A service that holds people's contacts writes a ``Notification`` in the transaction of the
fact that causes it (``write``); the person's inbox lists it and a letter prints it
(``pages``); the mail sender (``sender``) delivers it through SMTP when the person has an
address and has not unsubscribed from its kind, retrying with backoff while SMTP is down.
The texts come from the catalogs (``notifications.<kind>.subject`` and ``.body``)."""
