"""The collection point's own page messages, French first."""

from __future__ import annotations

from shared.web.i18n import register

register(
    {
        "fr": {
            "places.title": "Où donner un appareil ?",
            "places.intro": "Déposez ordinateurs, tablettes et téléphones dont vous ne vous servez "
            "plus : ils seront effacés de façon certifiée, reconditionnés et remis à des foyers "
            "qui en ont besoin.",
            "places.filter": "Affiner la liste",
            "places.commune": "Commune ou code postal",
            "places.accepts": "Type d'appareil",
            "places.any_type": "Tous",
            "places.open_now": "Ouverts maintenant",
            "places.search": "Afficher",
            "places.count": "{count} lieu(x)",
            "places.none": "Aucun lieu ne correspond. Essayez sans filtre.",
            "places.open": "Ouvert maintenant",
            "places.closed": "Fermé",
            "places.unknown_hours": "Horaires non communiqués",
            "places.until": "jusqu'à {time}",
            "places.next_opening": "ouvre {when}",
            "places.hours": "Horaires",
            "places.accepted": "Appareils acceptés",
            "places.access": "Accessibilité",
            "places.contact": "Contact",
            "places.address": "Adresse",
            "places.back": "Tous les lieux",
            "places.open_data": "Données ouvertes : CSV (standard lieux de médiation numérique), "
            "GeoJSON",
            "kind.library": "Médiathèque",
            "kind.town_hall": "Mairie",
            "kind.social_centre": "Centre social",
            "kind.neighbourhood_house": "Maison de quartier",
            "kind.third_place": "Tiers-lieu",
            "kind.mobile": "Point mobile",
        },
        "en": {
            "places.title": "Where to give a device?",
            "places.intro": "Drop off computers, tablets and phones you no longer use: their "
            "data is erased with a certificate, they are refurbished and handed to households "
            "that need them.",
            "places.filter": "Narrow the list",
            "places.commune": "Town or postcode",
            "places.accepts": "Device type",
            "places.any_type": "Any",
            "places.open_now": "Open now",
            "places.search": "Show",
            "places.count": "{count} place(s)",
            "places.none": "No place matches. Try without a filter.",
            "places.open": "Open now",
            "places.closed": "Closed",
            "places.unknown_hours": "Opening hours not given",
            "places.until": "until {time}",
            "places.next_opening": "opens {when}",
            "places.hours": "Opening hours",
            "places.accepted": "Devices accepted",
            "places.access": "Accessibility",
            "places.contact": "Contact",
            "places.address": "Address",
            "places.back": "All places",
            "places.open_data": "Open data: CSV (digital inclusion places standard), GeoJSON",
            "kind.library": "Library",
            "kind.town_hall": "Town hall",
            "kind.social_centre": "Social centre",
            "kind.neighbourhood_house": "Neighbourhood house",
            "kind.third_place": "Third place",
            "kind.mobile": "Mobile point",
        },
    }
)
