"""Messages of the point's own view of what it collected; French first."""

from __future__ import annotations

from shared.web.i18n import register

register(
    {
        "fr": {
            "collected.title": "Ce que le point a collecté",
            "collected.at_point": "Point de collecte : {place}",
            "collected.back": "Retour au guichet",
            "collected.counts": "Où en sont les appareils",
            "collected.counts_day": "Où en sont les appareils reçus le {day}",
            "collected.filter": "Filtrer",
            "collected.state": "Où en est l'appareil",
            "collected.any_state": "Tous",
            "collected.day": "Jour de réception",
            "collected.day_hint": "Au format AAAA-MM-JJ, par exemple 2026-03-14 ; vide pour tous "
            "les jours.",
            "collected.day_invalid": "« {typed} » n'est pas une date : écrivez-la comme "
            "2026-03-14. La liste montre tous les jours.",
            "collected.show": "Afficher",
            "collected.reset": "Tout afficher",
            "collected.list": "Appareils collectés, les plus récents d'abord",
            "collected.none": "Aucun appareil ne correspond à ces filtres.",
            "collected.received_on": "Reçu le",
            "collected.label": "Étiquette",
            "collected.type": "Type",
            "collected.make_model": "Marque, modèle",
            "collected.where": "Où il en est",
            "collected.next": "Appareils plus anciens",
            "collected.first": "Revenir aux plus récents",
            "state.pending": "Transmis à l'inventaire",
        },
        "en": {
            "collected.title": "What this point collected",
            "collected.at_point": "Collection point: {place}",
            "collected.back": "Back to the counter",
            "collected.counts": "Where the devices are",
            "collected.counts_day": "Where the devices received on {day} are",
            "collected.filter": "Filter",
            "collected.state": "Where the device is",
            "collected.any_state": "All",
            "collected.day": "Day received",
            "collected.day_hint": "As YYYY-MM-DD, for example 2026-03-14; empty for every day.",
            "collected.day_invalid": "“{typed}” is not a date: write it as 2026-03-14. The list "
            "shows every day.",
            "collected.show": "Show",
            "collected.reset": "Show all",
            "collected.list": "Devices collected, newest first",
            "collected.none": "No device matches these filters.",
            "collected.received_on": "Received on",
            "collected.label": "Label",
            "collected.type": "Type",
            "collected.make_model": "Make, model",
            "collected.where": "Where it is",
            "collected.next": "Older devices",
            "collected.first": "Back to the newest",
            "state.pending": "Sent to inventory",
        },
    }
)
