"""Messages of the shipment pages of a collection point; French first."""

from __future__ import annotations

from shared.web.i18n import register

register(
    {
        "fr": {
            "shipments.link": "Envois vers les ateliers",
            "shipments.title": "Envois vers les ateliers",
            "shipments.at_point": "Point de collecte : {place}",
            "shipments.back_counter": "Retour au guichet",
            "shipments.open_title": "Préparer un nouvel envoi",
            "shipments.workshop": "Atelier destinataire",
            "shipments.workshop_hint": "Le carton ou la palette partira vers cet atelier.",
            "shipments.open": "Ouvrir l'envoi",
            "shipments.no_workshop": "Aucun atelier n'est encore connu du point. Un atelier "
            "apparaît ici dès que le reconditionnement l'a enregistré.",
            "shipments.list": "Envois du point, les plus récents d'abord",
            "shipments.none": "Le point n'a encore préparé aucun envoi.",
            "shipments.opened_on": "Ouvert le",
            "shipments.to": "Atelier",
            "shipments.status": "Où en est l'envoi",
            "shipments.devices": "Appareils",
            "shipments.flagged": "Écarts signalés",
            "shipments.shipment_of": "Envoi du {date} vers {workshop}",
            "shipment.status.open": "En préparation",
            "shipment.status.dispatched": "Expédié, en attente de réception",
            "shipment.status.received": "Reçu par l'atelier",
            "shipment.title": "Envoi vers {workshop}",
            "shipment.back": "Retour aux envois",
            "shipment.opened": "Envoi ouvert le {date} par {person}.",
            "shipment.dispatched_on": "Expédié le {date}.",
            "shipment.received_on": "Reçu par l'atelier le {date}.",
            "shipment.scan_title": "Scanner les appareils du colis",
            "shipment.label": "Étiquette de l'appareil",
            "shipment.label_hint": "Scannez le QR code, ou tapez les 9 caractères imprimés "
            "dessous (par exemple K7Q2-M9XB-A), puis Entrée.",
            "shipment.add": "Ajouter au colis",
            "shipment.added": "{label} est dans le colis.",
            "shipment.removed": "{label} a été retiré du colis.",
            "shipment.opened_notice": "L'envoi est ouvert : scannez les appareils du colis.",
            "shipment.dispatched_notice": "L'envoi est parti : l'atelier confirmera ce qu'il a "
            "reçu.",
            "shipment.contents": "Dans le colis : {count} appareil(s)",
            "shipment.contents_none": "Le colis est vide.",
            "shipment.remove": "Retirer {label}",
            "shipment.dispatch_title": "Expédier",
            "shipment.dispatch_hint": "Une fois expédié, le contenu du colis ne change plus.",
            "shipment.dispatch": "Expédier l'envoi",
            "shipment.waiting": "L'atelier n'a pas encore confirmé la réception.",
            "shipment.col.label": "Étiquette",
            "shipment.col.type": "Type",
            "shipment.col.status": "À l'arrivée",
            "shipment.col.action": "Action",
            "shipment.device.packed": "Dans le colis",
            "shipment.device.received": "Reçu",
            "shipment.device.missing": "Manquant : non reçu par l'atelier",
            "shipment.device.unexpected": "Inattendu : reçu sans avoir été mis dans le colis",
            "shipment.flags": "L'atelier signale {missing} appareil(s) manquant(s) et "
            "{unexpected} appareil(s) inattendu(s).",
            "shipment.no_flags": "L'atelier a reçu tout le colis, sans écart.",
            "shipment.refusal.unknown_workshop": "Cet atelier n'est pas connu du point : "
            "choisissez un atelier de la liste.",
            "shipment.refusal.no_workshop": "Choisissez l'atelier destinataire.",
            "shipment.refusal.not_collected": "Aucun appareil reçu dans un point de collecte "
            "ne porte l'étiquette {label} : vérifiez l'étiquette, ou enregistrez d'abord le "
            "don au guichet.",
            "shipment.refusal.other_point": "L'appareil {label} a été reçu dans un autre point "
            "de collecte : il part de là-bas, dans un envoi de ce point.",
            "shipment.refusal.not_here": "L'appareil {label} n'est plus au point (inventaire : "
            "« {state} ») : seul un appareil encore au point peut partir.",
            "shipment.refusal.in_other_shipment": "L'appareil {label} est déjà dans un autre "
            "envoi : retirez-le d'abord de celui-là.",
            "shipment.refusal.not_open": "Cet envoi est déjà expédié : son contenu ne peut plus "
            "changer.",
            "shipment.refusal.empty": "L'envoi est vide : scannez les appareils du colis avant "
            "de l'expédier.",
            "shipment.refusal.left_the_point": "Ces appareils ne sont plus au point : {labels}. "
            "Retirez-les du colis, puis expédiez l'envoi.",
            "shipment.refusal.no_label": "Scannez ou tapez l'étiquette de l'appareil.",
            "shipment.refusal.check_symbol": "Le dernier caractère de {label} ne correspond pas "
            "aux autres : une faute de frappe ? Vérifiez l'étiquette et recommencez.",
            "shipment.refusal.label_malformed": "« {typed} » n'est pas une étiquette Boucle : 9 "
            "caractères, par exemple K7Q2-M9XB-A.",
        },
        "en": {
            "shipments.link": "Shipments to workshops",
            "shipments.title": "Shipments to workshops",
            "shipments.at_point": "Collection point: {place}",
            "shipments.back_counter": "Back to the counter",
            "shipments.open_title": "Prepare a new shipment",
            "shipments.workshop": "Destination workshop",
            "shipments.workshop_hint": "The box or pallet will go to this workshop.",
            "shipments.open": "Open the shipment",
            "shipments.no_workshop": "No workshop is known to this point yet. A workshop shows "
            "here once refurbishment has registered it.",
            "shipments.list": "Shipments of this point, newest first",
            "shipments.none": "This point has not prepared any shipment yet.",
            "shipments.opened_on": "Opened on",
            "shipments.to": "Workshop",
            "shipments.status": "Where the shipment is",
            "shipments.devices": "Devices",
            "shipments.flagged": "Discrepancies reported",
            "shipments.shipment_of": "Shipment of {date} to {workshop}",
            "shipment.status.open": "Being prepared",
            "shipment.status.dispatched": "Dispatched, awaiting receipt",
            "shipment.status.received": "Received by the workshop",
            "shipment.title": "Shipment to {workshop}",
            "shipment.back": "Back to the shipments",
            "shipment.opened": "Shipment opened on {date} by {person}.",
            "shipment.dispatched_on": "Dispatched on {date}.",
            "shipment.received_on": "Received by the workshop on {date}.",
            "shipment.scan_title": "Scan the devices of the box",
            "shipment.label": "Device label",
            "shipment.label_hint": "Scan the QR code, or type the 9 characters printed below "
            "it (for example K7Q2-M9XB-A), then Enter.",
            "shipment.add": "Add to the box",
            "shipment.added": "{label} is in the box.",
            "shipment.removed": "{label} was taken out of the box.",
            "shipment.opened_notice": "The shipment is open: scan the devices of the box.",
            "shipment.dispatched_notice": "The shipment has left: the workshop will confirm "
            "what it received.",
            "shipment.contents": "In the box: {count} device(s)",
            "shipment.contents_none": "The box is empty.",
            "shipment.remove": "Take out {label}",
            "shipment.dispatch_title": "Dispatch",
            "shipment.dispatch_hint": "Once dispatched, the contents of the box no longer change.",
            "shipment.dispatch": "Dispatch the shipment",
            "shipment.waiting": "The workshop has not confirmed the receipt yet.",
            "shipment.col.label": "Label",
            "shipment.col.type": "Type",
            "shipment.col.status": "On arrival",
            "shipment.col.action": "Action",
            "shipment.device.packed": "In the box",
            "shipment.device.received": "Received",
            "shipment.device.missing": "Missing: not received by the workshop",
            "shipment.device.unexpected": "Unexpected: received without being packed",
            "shipment.flags": "The workshop reports {missing} missing device(s) and "
            "{unexpected} unexpected device(s).",
            "shipment.no_flags": "The workshop received the whole box, with no discrepancy.",
            "shipment.refusal.unknown_workshop": "This workshop is not known to the point: "
            "choose a workshop from the list.",
            "shipment.refusal.no_workshop": "Choose the destination workshop.",
            "shipment.refusal.not_collected": "No device received at a collection point carries "
            "the label {label}: check the label, or register the donation at the counter first.",
            "shipment.refusal.other_point": "The device {label} was received at another "
            "collection point: it leaves from there, in a shipment of that point.",
            "shipment.refusal.not_here": "The device {label} is no longer at the point "
            "(inventory: “{state}”): only a device still at the point can leave.",
            "shipment.refusal.in_other_shipment": "The device {label} is already in another "
            "shipment: take it out of that one first.",
            "shipment.refusal.not_open": "This shipment has been dispatched: its contents can "
            "no longer change.",
            "shipment.refusal.empty": "The shipment is empty: scan the devices of the box "
            "before dispatching it.",
            "shipment.refusal.left_the_point": "These devices are no longer at the point: "
            "{labels}. Take them out of the box, then dispatch the shipment.",
            "shipment.refusal.no_label": "Scan or type the device's label.",
            "shipment.refusal.check_symbol": "The last character of {label} does not match the "
            "others: a typo? Check the label and try again.",
            "shipment.refusal.label_malformed": "“{typed}” is not a Boucle label: 9 characters, "
            "for example K7Q2-M9XB-A.",
        },
    }
)
