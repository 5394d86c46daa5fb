"""French-first message catalogs; the person's language choice is remembered in a cookie."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "boucle_lang"

CATALOGS: dict[str, dict[str, str]] = {
    "fr": {
        "skip_to_content": "Aller au contenu",
        "site_name": "Boucle",
        "tagline": "Le réemploi du matériel informatique dans la métropole",
        "switch_language": "English",
        "switch_language_label": "Read this page in English",
        "footer": "Boucle — logiciel libre de la Métropole Européenne de Lille",
        "passport_title": "Passeport de l'appareil",
        "device_label": "Étiquette",
        "device_type": "Type d'appareil",
        "current_stage": "Étape actuelle",
        "history": "Historique",
        "date": "Date",
        "event": "Étape",
        "place": "Lieu",
        "not_found_title": "Appareil introuvable",
        "not_found_text": "Aucun appareil ne porte l'étiquette {code}. Vérifiez les caractères "
        "imprimés sous le QR code.",
        "state.received": "Reçu dans un point de collecte",
        "state.in_transit": "En route vers l'atelier",
        "state.in_refurbishment": "En reconditionnement",
        "state.ready": "Prêt pour une nouvelle vie",
        "state.reserved": "Réservé pour un foyer",
        "state.delivered": "Remis à un foyer",
        "state.returned": "Rapporté",
        "state.recycled": "Recyclé",
        "state.dismantled": "Démonté pour pièces",
        "type.laptop": "Ordinateur portable",
        "type.desktop": "Ordinateur fixe",
        "type.tablet": "Tablette",
        "type.smartphone": "Smartphone",
        "type.monitor": "Écran",
        "type.printer": "Imprimante",
        "type.peripheral": "Périphérique",
        "type.other": "Autre",
        "service_home": "Service {service}",
        "service_home_text": "Ce service de Boucle fonctionne. Son interface de programmation "
        "est décrite à l'adresse {schema}.",
        "privacy_note": "Ce passeport ne contient aucune donnée personnelle.",
        "error_title": "Une erreur est survenue",
        "error.401": "Connectez-vous pour continuer.",
        "error.403": "Votre rôle ne permet pas cette action.",
        "error.404": "Cette page n'existe pas. Vérifiez l'adresse.",
        "error.503": "Le service est momentanément indisponible. Réessayez dans un instant.",
        "error.other": "La demande n'a pas abouti. Rien n'a été enregistré.",
        "error_details": "Détail technique :",
        "back_home": "Retour à l'accueil",
        "language_nav": "Langue",
        "passport_intro": "Le parcours de cet appareil depuis son don, étape par étape.",
        "not_found_hint": "Une étiquette Boucle a 9 caractères, par exemple K7Q2-M9XB-A.",
        "month.1": "janvier",
        "month.2": "février",
        "month.3": "mars",
        "month.4": "avril",
        "month.5": "mai",
        "month.6": "juin",
        "month.7": "juillet",
        "month.8": "août",
        "month.9": "septembre",
        "month.10": "octobre",
        "month.11": "novembre",
        "month.12": "décembre",
    },
    "en": {
        "skip_to_content": "Skip to content",
        "site_name": "Boucle",
        "tagline": "Reusing IT equipment across the metropolis",
        "switch_language": "Français",
        "switch_language_label": "Lire cette page en français",
        "footer": "Boucle — free software of the Métropole Européenne de Lille",
        "passport_title": "Device passport",
        "device_label": "Label",
        "device_type": "Device type",
        "current_stage": "Current stage",
        "history": "History",
        "date": "Date",
        "event": "Stage",
        "place": "Place",
        "not_found_title": "Device not found",
        "not_found_text": "No device carries the label {code}. Check the characters printed "
        "under the QR code.",
        "state.received": "Received at a collection point",
        "state.in_transit": "On its way to the workshop",
        "state.in_refurbishment": "Being refurbished",
        "state.ready": "Ready for a new life",
        "state.reserved": "Reserved for a household",
        "state.delivered": "Handed over to a household",
        "state.returned": "Brought back",
        "state.recycled": "Recycled",
        "state.dismantled": "Dismantled for parts",
        "type.laptop": "Laptop",
        "type.desktop": "Desktop computer",
        "type.tablet": "Tablet",
        "type.smartphone": "Smartphone",
        "type.monitor": "Monitor",
        "type.printer": "Printer",
        "type.peripheral": "Peripheral",
        "type.other": "Other",
        "service_home": "{service} service",
        "service_home_text": "This Boucle service is running. Its programming interface is "
        "described at {schema}.",
        "privacy_note": "This passport holds no personal data.",
        "error_title": "Something went wrong",
        "error.401": "Sign in to continue.",
        "error.403": "Your role does not allow this.",
        "error.404": "This page does not exist. Check the address.",
        "error.503": "The service is briefly unavailable. Try again in a moment.",
        "error.other": "The request did not go through. Nothing was saved.",
        "error_details": "Technical detail:",
        "back_home": "Back to the home page",
        "language_nav": "Language",
        "passport_intro": "The journey of this device since it was donated, step by step.",
        "not_found_hint": "A Boucle label has 9 characters, for example K7Q2-M9XB-A.",
        "month.1": "January",
        "month.2": "February",
        "month.3": "March",
        "month.4": "April",
        "month.5": "May",
        "month.6": "June",
        "month.7": "July",
        "month.8": "August",
        "month.9": "September",
        "month.10": "October",
        "month.11": "November",
        "month.12": "December",
    },
}


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """``?lang=`` first, then the remembered choice, then French."""
    asked = connection.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    remembered = connection.cookies.get(LANGUAGE_COOKIE)
    return remembered if remembered in LANGUAGES else "fr"


def translator(language: str) -> Any:
    catalog = CATALOGS[language]

    def translate(key: str, **values: Any) -> str:
        text = catalog.get(key) or CATALOGS["fr"].get(key) or key
        return text.format(**values) if values else text

    return translate
