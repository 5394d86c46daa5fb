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
# What the digit keys type on a French AZERTY keyboard without Shift (1234567890), which is
# what a scanner set to QWERTY types there; upper-cased too, as some systems do with Caps Lock.
_AZERTY_ROW = "&é\"'(-è_çà"
_AZERTY_DIGITS = str.maketrans(_AZERTY_ROW + "ÉÈÇÀ", "1234567890" + "2790")
_AZERTY_ONLY = set(_AZERTY_ROW + "ÉÈÇÀ") - {"-", "_"}
# A scanner set to QWERTY types an upper-case URL on AZERTY with A/Q and Z/W swapped, M as
# "?", ":" as "M", "/" as "!", "." as ":" and "-" as ")": ``HTTPSM!!BOUCLE:EXQ?PLE!D!…``.
_TYPED_ON_AZERTY = re.compile(r"HTTPS?M!!", re.IGNORECASE)
_QWERTY_ON_AZERTY = str.maketrans(
    "AQZW?M!:)" + _AZERTY_ROW + "ÉÈÇÀ", "QAWZM:/.-" + "1234567890" + "2790"
)
# The code at the end of a URL whose slashes came out as other punctuation: ``…D.K7Q2M9XBA``.
_URL_TAIL = re.compile(r"[^0-9A-Z]D[^0-9A-Z]+([0-9A-Z]{9})[^0-9A-Z]*$")


class LabelError(DomainError):
    """A scanned or typed label that cannot be a Boucle label; the message says why."""


class LabelCheckSymbolMismatch(LabelError):
    def __init__(self, code: str) -> None:
        super().__init__(
            f"The label {format_code(code)} has a wrong check symbol (last character): "
            "it was probably mistyped or misread. Check it against the printed label.",
            code="labels.check_symbol",
            label=format_code(code),
        )
        self.label = code


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
    """Accept a full URL, a bare code, any case, dashes or not; return the compact code.

    A scan garbled by a scanner set to QWERTY on a French AZERTY computer is read back: digits
    typed as the unshifted AZERTY row (``&é"'(-è_çà``) and a URL's punctuation mangled."""
    text = raw.strip()
    if _TYPED_ON_AZERTY.match(text):
        return _parse(raw, text.translate(_QWERTY_ON_AZERTY))
    if _AZERTY_ONLY & set(text):
        return _parse(raw, text.translate(_AZERTY_DIGITS))
    try:
        return _parse(raw, text)
    except LabelError as error:
        if not {"-", "_"} & set(text):
            raise
        try:  # "-" and "_" are also the AZERTY 6 and 8: read so only when nothing else fits
            return _parse(raw, text.translate(_AZERTY_DIGITS))
        except LabelError:
            raise error from None


def _parse(raw: str, text: str) -> str:
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    elif text.upper().startswith("HTTP"):
        tail = _URL_TAIL.search(text.upper())
        text = tail.group(1) if tail else text
    text = _SEPARATORS.sub("", text).upper().translate(_LOOKALIKES)
    if not text:
        raise LabelError("Scan or type the label.", code="labels.missing")
    if len(text) != BODY_LENGTH + 1:
        raise LabelError(
            f"A label has 9 characters (like K7Q2-M9XB-A); “{raw.strip()[:40]}” has {len(text)}.",
            code="labels.length",
            typed=raw.strip()[:40],
            count=len(text),
        )
    bad = sorted({symbol for symbol in text if symbol not in ALPHABET})
    if bad:
        raise LabelError(
            f"A label never contains {', '.join(bad)}; check the printed label.",
            code="labels.characters",
            characters=" ".join(bad),
        )
    if check_symbol(text[:BODY_LENGTH]) != text[BODY_LENGTH]:
        raise LabelCheckSymbolMismatch(text)
    return text


def passport_url(public: str, code: str) -> str:
    """The upper-case URL printed in the QR code (alphanumeric mode keeps it small).

    ``public`` is the public host (HTTPS assumed) or the public base URL with its scheme."""
    base = public.rstrip("/") if "://" in public else f"https://{public}"
    return f"{base.upper()}/D/{code}"
