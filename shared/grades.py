"""What a refurbished device's grade means, in words (never "as new": French law forbids
calling a refurbished device that); the words are the catalogs' ``grade.condition.<grade>``."""

from __future__ import annotations

from typing import get_args

from shared.contracts.refurbishment import Grade
from shared.web.i18n import translator

GRADES: tuple[str, ...] = get_args(Grade)  # best first


def grade_condition(grade: str, language: str) -> str:
    """``"bon état, traces d'usage visibles"``; empty for an unknown grade."""
    t = translator(language)
    key = f"grade.condition.{grade}"
    return t(key) if grade in GRADES else ""


def grade_in_words(grade: str, language: str) -> str:
    """``"B — bon état, traces d'usage visibles"``; an unknown grade as given."""
    condition = grade_condition(grade, language)
    return f"{grade} — {condition}" if condition else grade
