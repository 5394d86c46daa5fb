"""Inventory's own page messages, French first."""

from __future__ import annotations

from shared.grades import grade_in_words
from shared.web.i18n import register

register(
    {
        "fr": {
            "passport.model": "Marque et modèle",
            "passport.grade": "État",
            **{f"passport.grade.{g}": grade_in_words(g, "fr") for g in ("A", "B", "C")},
            "impact.title": "Son impact",
            "impact.avoided": "Une seconde vie pour cet appareil évite environ {kg} kg "
            "d'équivalent CO2, soit {years} ans d'usage en plus.",
            "impact.embodied": "Sa fabrication et sa distribution ont émis environ {kg} kg "
            "d'équivalent CO2.",
            "impact.method": "Méthode : {method}. Facteurs : {version} (ADEME, Arcep).",
            "care.title": "En prendre soin",
            "care.text": "Gardez-le au sec, rechargez la batterie entre 20 et 80 %, faites les "
            "mises à jour. En panne ou devenu inutile, rapportez-le dans un point de collecte : "
            "il sera réparé, ou ses pièces serviront, ou il sera recyclé.",
        },
        "en": {
            "passport.model": "Make and model",
            "passport.grade": "Condition",
            **{f"passport.grade.{g}": grade_in_words(g, "en") for g in ("A", "B", "C")},
            "impact.title": "Its impact",
            "impact.avoided": "A second life for this device avoids about {kg} kg of CO2 "
            "equivalent, that is {years} more years of use.",
            "impact.embodied": "Making and shipping it emitted about {kg} kg of CO2 equivalent.",
            "impact.method": "Method: {method}. Factors: {version} (ADEME, Arcep).",
            "care.title": "Taking care of it",
            "care.text": "Keep it dry, charge the battery between 20 and 80 %, install updates. "
            "Broken or no longer needed, bring it back to a collection point: it will be "
            "repaired, or its parts reused, or it will be recycled.",
        },
    }
)
