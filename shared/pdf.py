"""What every PDF of Boucle needs: text its built-in fonts can print."""

from __future__ import annotations

_TYPOGRAPHY = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "€": "EUR"}
)


def printable(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1 (French included): map typographic marks to
    their plain forms and anything else outside Latin-1 to '?'."""
    return text.translate(_TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")
