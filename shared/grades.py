"""What a refurbished device's grade means, in words (never "as new": French law forbids
calling a refurbished device that)."""

from __future__ import annotations

GRADE_CONDITIONS: dict[str, dict[str, str]] = {
    "fr": {
        "A": "très bon état, traces d'usage légères au plus",
        "B": "bon état, traces d'usage visibles",
        "C": "état correct, fonctionne, usure marquée",
    },
    "en": {
        "A": "very good, light signs of use at most",
        "B": "good, visible signs of use",
        "C": "fair, works, clearly worn",
    },
}


def grade_in_words(grade: str, language: str) -> str:
    """``"B — bon état, traces d'usage visibles"``; an unknown grade as given."""
    condition = GRADE_CONDITIONS.get(language, GRADE_CONDITIONS["fr"]).get(grade)
    return f"{grade} — {condition}" if condition else grade
