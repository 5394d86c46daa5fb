"""Label codes: 8 Crockford base32 symbols and an ISO 7064 check symbol, shown ``K7Q2-M9XB-A``."""

from __future__ import annotations

import re
import secrets

from stdnum.iso7064 import mod_37_36

from shared.errors import DomainError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 8
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]")


class LabelError(DomainError):
    """A scanned or typed label that cannot be a Boucle label; the message says why."""


class LabelCheckSymbolMismatch(LabelError):
    def __init__(self, code: str) -> None:
        super().__init__(
            f"The label {format_code(code)} has a wrong check symbol (last character): "
            "it was probably mistyped or misread. Check it against the printed label."
        )
        self.code = code


def check_symbol(body: str) -> str:
    return str(mod_37_36.calc_check_digit(body, alphabet=ALPHABET))


def generate_code() -> str:
    """A new random label code, compact form (9 symbols)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_symbol(body)


def format_code(code: str) -> str:
    """``K7Q2M9XBA`` → ``K7Q2-M9XB-A`` for people."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def parse_code(raw: str) -> str:
    """Accept a full URL, a bare code, any case, dashes or not; return the compact code."""
    text = raw.strip()
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    text = _SEPARATORS.sub("", text).upper().translate(_LOOKALIKES)
    if len(text) != BODY_LENGTH + 1:
        raise LabelError(
            f"A label has 9 characters (like K7Q2-M9XB-A); “{raw.strip()[:40]}” has {len(text)}."
        )
    bad = sorted({symbol for symbol in text if symbol not in ALPHABET})
    if bad:
        raise LabelError(f"A label never contains {', '.join(bad)}; check the printed label.")
    if check_symbol(text[:BODY_LENGTH]) != text[BODY_LENGTH]:
        raise LabelCheckSymbolMismatch(text)
    return text


def passport_url(public: str, code: str) -> str:
    """The upper-case URL printed in the QR code (alphanumeric mode keeps it small).

    ``public`` is the public host (HTTPS assumed) or the public base URL with its scheme."""
    base = public.rstrip("/") if "://" in public else f"https://{public}"
    return f"{base.upper()}/D/{code}"
