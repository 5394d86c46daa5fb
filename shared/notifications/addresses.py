"""What Boucle takes for an e-mail address, one rule for every service: one @ between a name
and a domain with a dot, no space, at most 254 characters — what a mail server can be given."""

from __future__ import annotations

import re
from typing import Annotated

import msgspec

EMAIL_LENGTH = 254
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s.]+"
EMAIL = re.compile(_EMAIL)
# an address, or "" for none: as a Struct's field, checked where the body is decoded
Email = Annotated[str, msgspec.Meta(max_length=EMAIL_LENGTH, pattern=f"^$|^{_EMAIL}$")]


def is_email(text: str) -> bool:
    return len(text) <= EMAIL_LENGTH and EMAIL.fullmatch(text) is not None
