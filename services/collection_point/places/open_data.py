"""Places as open data: the "lieux de médiation numérique" CSV (v1.0.2) and GeoJSON, an
itinerant place with its next stops."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from services.collection_point.places.domain import Place
from services.collection_point.places.itinerary import Stop
from shared.spreadsheets import DictWriter
from shared.web.formats import day

NextStops = Mapping[uuid.UUID, Sequence[Stop]]  # by place: its next stops, in time order

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


def _itinerance(place: Place) -> str:
    return "Itinérant" if place.itinerant else "Fixe"


def _hours(place: Place, stops: Sequence[Stop]) -> str:
    """A bus's hours are its next stops', as dated OSM rules; a fixed place's are its own."""
    return "; ".join(stop.opening_hours for stop in stops) or place.opening_hours


def _detail(place: Place, stops: Sequence[Stop]) -> str:
    """The access notes, then where the bus stops next (the standard has no column for it)."""
    where = " ; ".join(
        f"{day(stop.day, language='fr')} {stop.opens}-{stop.closes}, {stop.place_name} "
        f"({stop.commune})"
        for stop in stops
    )
    return " ".join(filter(None, (place.accessibility, where and f"Prochains arrêts : {where}.")))


def csv_row(place: Place, source: str, stops: Sequence[Stop] = ()) -> dict[str, str]:
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
        "horaires": _hours(place, stops),
        "presentation_resume": SUMMARY[:280],
        "presentation_detail": _detail(place, stops),
        "source": source,
        "itinerance": _itinerance(place),
        "date_maj": place.updated_at.date().isoformat(),
        "services": "Accès internet et matériel informatique",
        "frais_a_charge": "Gratuit",
        "modalites_acces": "Se présenter",
    }


def places_csv(places: Sequence[Place], source: str, next_stops: NextStops | None = None) -> str:
    """UTF-8 CSV, one row per place, the standard's columns in its order."""
    buffer = io.StringIO()
    writer = DictWriter(buffer, fieldnames=COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for place in places:
        writer.writerow(csv_row(place, source, (next_stops or {}).get(place.id, ())))
    return buffer.getvalue()


def places_geojson(places: Sequence[Place], next_stops: NextStops | None = None) -> dict[str, Any]:
    """A FeatureCollection (WGS84, longitude first) of the places that have coordinates, and
    of the next stops of the itinerant ones, each naming its place (``place_id``)."""
    stops = next_stops or {}
    return {
        "type": "FeatureCollection",
        "features": [
            *(
                _feature(place.id, place.longitude, place.latitude, _properties(place))
                for place in places
                if place.latitude is not None and place.longitude is not None
            ),
            *(
                _feature(stop.id, stop.longitude, stop.latitude, _stop_properties(place, stop))
                for place in places
                if place.itinerant
                for stop in stops.get(place.id, ())
            ),
        ],
    }


def _feature(
    feature_id: uuid.UUID,
    longitude: float | None,
    latitude: float | None,
    properties: dict[str, Any],
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": str(feature_id),
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def _properties(place: Place) -> dict[str, Any]:
    return {
        "name": place.name,
        "kind": place.kind,
        "itinerance": _itinerance(place),
        "address": place.address,
        "postcode": place.postcode,
        "commune": place.commune,
        "opening_hours": place.opening_hours,
        "accepted_types": place.accepted_types,
        "accessibility": place.accessibility,
    }


def _stop_properties(place: Place, stop: Stop) -> dict[str, Any]:
    """A stop of a bus: where (a place in a commune) and when, in OSM syntax too."""
    return {
        "place_id": str(place.id),
        "name": place.name,
        "kind": place.kind,
        "itinerance": _itinerance(place),
        "stop": stop.place_name,
        "commune": stop.commune,
        "insee_code": stop.insee_code,
        "day": stop.day.isoformat(),
        "opens": stop.opens,
        "closes": stop.closes,
        "opening_hours": stop.opening_hours,
        "accepted_types": place.accepted_types,
        "accessibility": place.accessibility,
    }
