"""Places as open data: the "lieux de médiation numérique" CSV (v1.0.2) and GeoJSON."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from services.collection_point.places.domain import Place
from shared.spreadsheets import DictWriter

STANDARD = "https://schema.data.gouv.fr/LaMednum/standard-mediation-num/1.0.2/"
COLUMNS = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "presentation_detail", "source",
    "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
    "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
)  # fmt: skip
TYPOLOGY = {
    "library": "BIB",
    "town_hall": "MUNI",
    "social_centre": "CS",
    "neighbourhood_house": "MQ",
    "third_place": "TIERS_LIEUX",
    "mobile": "",
}
UNKNOWN_PIVOT = "00000000000000"  # the standard's value when the SIRET is not known
SUMMARY = (
    "Point de collecte Boucle : on y dépose ordinateurs, tablettes et téléphones dont on ne "
    "se sert plus. Ils sont effacés de façon certifiée, reconditionnés et remis à des foyers "
    "qui en ont besoin."
)


def csv_row(place: Place, source: str) -> dict[str, str]:
    return {
        "id": str(place.id),
        "pivot": place.pivot or UNKNOWN_PIVOT,
        "nom": place.name,
        "commune": place.commune,
        "code_postal": place.postcode,
        "code_insee": place.insee_code,
        "adresse": place.address,
        "latitude": "" if place.latitude is None else f"{place.latitude:.6f}",
        "longitude": "" if place.longitude is None else f"{place.longitude:.6f}",
        "typologie": TYPOLOGY[place.kind],
        "telephone": place.phone,
        "courriels": place.email,
        "site_web": place.website,
        "horaires": place.opening_hours,
        "presentation_resume": SUMMARY[:280],
        "presentation_detail": place.accessibility,
        "source": source,
        "itinerance": "Itinérant" if place.kind == "mobile" else "Fixe",
        "date_maj": place.updated_at.date().isoformat(),
        "services": "Accès internet et matériel informatique",
        "frais_a_charge": "Gratuit",
        "modalites_acces": "Se présenter",
    }


def places_csv(places: Sequence[Place], source: str) -> str:
    """UTF-8 CSV, one row per place, the standard's columns in its order."""
    buffer = io.StringIO()
    writer = DictWriter(buffer, fieldnames=COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for place in places:
        writer.writerow(csv_row(place, source))
    return buffer.getvalue()


def places_geojson(places: Sequence[Place]) -> dict[str, Any]:
    """A FeatureCollection of the places that have coordinates (WGS84, longitude first)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": str(place.id),
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": {
                    "name": place.name,
                    "kind": place.kind,
                    "address": place.address,
                    "postcode": place.postcode,
                    "commune": place.commune,
                    "opening_hours": place.opening_hours,
                    "accepted_types": place.accepted_types,
                    "accessibility": place.accessibility,
                },
            }
            for place in places
            if place.latitude is not None and place.longitude is not None
        ],
    }
