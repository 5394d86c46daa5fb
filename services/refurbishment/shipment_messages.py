"""Messages of the pages where a workshop receives shipments; French first."""

from __future__ import annotations

from shared.web.i18n import register

register(
    {
        "fr": {
            "arrivals.title": "Arrivages de {workshop}",
            "arrivals.link": "Arrivages des points de collecte",
            "arrivals.back_board": "Retour à l'établi",
            "arrivals.intro": "Les envois que les points de collecte ont expédiés à l'atelier. "
            "Ouvrez un envoi pour scanner ses appareils à l'arrivée.",
            "arrivals.list": "Envois",
            "arrivals.none": "Aucun envoi n'a été expédié à cet atelier.",
            "arrivals.from": "Point de collecte",
            "arrivals.dispatched_on": "Expédié le",
            "arrivals.status": "Réception",
            "arrivals.progress": "Scannés",
            "arrivals.progress_count": "{scanned} sur {expected}",
            "arrivals.open": "Envoi de {place} du {date}",
            "arrivals.status.expected": "À recevoir",
            "arrivals.status.received": "Reçu",
            "receipt.title": "Envoi de {place}",
            "receipt.back": "Retour aux arrivages",
            "receipt.dispatched": "Expédié le {date}.",
            "receipt.closed_on": "Réception close le {date}.",
            "receipt.scan_title": "Scanner un appareil du colis",
            "receipt.label": "Étiquette de l'appareil",
            "receipt.label_hint": "Scannez le QR code ou tapez les 9 caractères (par exemple "
            "K7Q2-M9XB-A), puis Entrée. L'appareil est enregistré à l'atelier.",
            "receipt.scan": "Enregistrer l'arrivée",
            "receipt.scanned": "{label} est reçu et enregistré à l'atelier.",
            "receipt.scanned_unexpected": "{label} n'était pas dans cet envoi : il est "
            "enregistré à l'atelier et signalé comme inattendu.",
            "receipt.devices": "Appareils de l'envoi : {scanned} reçu(s) sur {expected}",
            "receipt.col.label": "Étiquette",
            "receipt.col.outcome": "Arrivée",
            "receipt.outcome.received": "Reçu",
            "receipt.outcome.awaited": "Pas encore scanné",
            "receipt.outcome.missing": "Manquant",
            "receipt.outcome.unexpected": "Inattendu : pas dans l'envoi",
            "receipt.close_title": "Clore la réception",
            "receipt.close_hint": "Les appareils non scannés seront signalés manquants au "
            "point de collecte, et les appareils inattendus aussi.",
            "receipt.close": "Clore la réception",
            "receipt.closed": "La réception est close : le point de collecte est informé.",
            "receipt.summary": "{received} reçu(s), {missing} manquant(s), {unexpected} "
            "inattendu(s).",
            "receipt.refusal.closed": "La réception de cet envoi est close : enregistrez "
            "l'appareil depuis l'établi.",
        },
        "en": {
            "arrivals.title": "Arrivals at {workshop}",
            "arrivals.link": "Arrivals from collection points",
            "arrivals.back_board": "Back to the bench",
            "arrivals.intro": "The shipments collection points sent to this workshop. Open a "
            "shipment to scan its devices as they arrive.",
            "arrivals.list": "Shipments",
            "arrivals.none": "No shipment has been sent to this workshop.",
            "arrivals.from": "Collection point",
            "arrivals.dispatched_on": "Dispatched on",
            "arrivals.status": "Receipt",
            "arrivals.progress": "Scanned",
            "arrivals.progress_count": "{scanned} of {expected}",
            "arrivals.open": "Shipment from {place} of {date}",
            "arrivals.status.expected": "To receive",
            "arrivals.status.received": "Received",
            "receipt.title": "Shipment from {place}",
            "receipt.back": "Back to the arrivals",
            "receipt.dispatched": "Dispatched on {date}.",
            "receipt.closed_on": "Receipt closed on {date}.",
            "receipt.scan_title": "Scan a device of the box",
            "receipt.label": "Device label",
            "receipt.label_hint": "Scan the QR code or type the 9 characters (for example "
            "K7Q2-M9XB-A), then Enter. The device is checked in at the workshop.",
            "receipt.scan": "Check the device in",
            "receipt.scanned": "{label} is received and checked in at the workshop.",
            "receipt.scanned_unexpected": "{label} was not in this shipment: it is checked in "
            "at the workshop and reported as unexpected.",
            "receipt.devices": "Devices of the shipment: {scanned} received of {expected}",
            "receipt.col.label": "Label",
            "receipt.col.outcome": "Arrival",
            "receipt.outcome.received": "Received",
            "receipt.outcome.awaited": "Not scanned yet",
            "receipt.outcome.missing": "Missing",
            "receipt.outcome.unexpected": "Unexpected: not in the shipment",
            "receipt.close_title": "Close the receipt",
            "receipt.close_hint": "Devices not scanned will be reported missing to the "
            "collection point, and unexpected devices too.",
            "receipt.close": "Close the receipt",
            "receipt.closed": "The receipt is closed: the collection point is told.",
            "receipt.summary": "{received} received, {missing} missing, {unexpected} unexpected.",
            "receipt.refusal.closed": "The receipt of this shipment is closed: check the device "
            "in from the bench.",
        },
    }
)
