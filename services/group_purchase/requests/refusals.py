"""Which field of the request forms each refusal concerns; any other is said above the form."""

from __future__ import annotations

FIELDS = {"requests.consent": "consent", "requests.organisation_exists": "name"}
