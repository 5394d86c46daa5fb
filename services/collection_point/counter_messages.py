"""Messages of the counter page, where a collector registers donated devices; French first."""

from __future__ import annotations

from shared.web.i18n import register

register(
    {
        "fr": {
            "counter.title": "Guichet : enregistrer un don",
            "counter.title_error": "Erreur",
            "counter.at_point": "Point de collecte : {place}",
            "counter.change_point": "Changer de point",
            "counter.choose_title": "Choisir le point de collecte",
            "counter.choose_intro": "Choisissez le lieu où vous recevez les dons. Ce choix est "
            "retenu sur cet appareil.",
            "counter.no_point": "Aucun point de collecte ne vous est attribué. Demandez à un "
            "administrateur de vous rattacher à votre lieu.",
            "counter.label": "Étiquette",
            "counter.label_hint": "Scannez le QR code, ou tapez les 9 caractères imprimés "
            "dessous (par exemple K7Q2-M9XB-A), puis Entrée.",
            "counter.photo": "Ou photographiez l'étiquette",
            "counter.photo_hint": "La photo est lue par le serveur quand le champ Étiquette "
            "est vide.",
            "counter.camera": "Scanner avec la caméra",
            "counter.camera_stop": "Arrêter la caméra",
            "counter.camera_help": "Placez le QR code de l'étiquette dans le cadre.",
            "counter.device_type": "Type d'appareil",
            "counter.acknowledgements": "Le donateur est informé que",
            "counter.ack.erased": "ses données seront effacées de façon certifiée ;",
            "counter.ack.recycled": "un appareil qui ne peut pas être réemployé sera recyclé ;",
            "counter.ack.stickers": "ses autocollants et marquages ont été retirés.",
            "counter.acknowledged": "Le donateur a été informé de ces trois points et les accepte",
            "counter.details": "Détails de l'appareil et du donateur (facultatif)",
            "counter.device": "Appareil",
            "counter.brand": "Marque",
            "counter.model": "Modèle",
            "counter.serial_number": "Numéro de série",
            "counter.condition": "État visible",
            "counter.not_noted": "Non noté",
            "condition.good": "Bon état",
            "condition.worn": "Usé",
            "condition.damaged": "Abîmé",
            "condition.does_not_start": "Ne démarre pas",
            "counter.accessories": "Accessoires donnés avec",
            "accessory.charger": "Chargeur",
            "accessory.power_cable": "Câble d'alimentation",
            "accessory.case": "Housse ou étui",
            "accessory.keyboard": "Clavier",
            "accessory.mouse": "Souris",
            "accessory.stylus": "Stylet",
            "accessory.cables": "Câbles",
            "accessory.manual": "Notice",
            "accessory.other": "Autre",
            "counter.weight": "Poids en kg",
            "counter.weight_hint": "Par exemple 2,3 (100 kg au plus).",
            "counter.donor": "Donateur",
            "counter.donor_kind": "Le don vient",
            "donor.individual": "d'un particulier",
            "donor.company": "d'une entreprise",
            "donor.association": "d'une association",
            "donor.public_body": "d'un organisme public",
            "counter.contact_name": "Nom ou organisation, pour un reçu",
            "counter.contact_hint": "Données personnelles : elles restent au point de collecte et "
            "ne servent qu'au reçu.",
            "counter.contact_email": "E-mail",
            "counter.contact_phone": "Téléphone",
            "counter.donor_reference": "Référence du don, pour le reçu d'une organisation",
            "counter.donor_reference_hint": "Le nom de l'entreprise, de l'association ou de "
            "l'organisme tel qu'il figurera sur le reçu de don (par défaut, le nom ci-dessus).",
            "counter.receipt": "Reçu de don pour {donor} (PDF)",
            "counter.collected": "Ce que le point a collecté",
            "counter.error.never_issued": "L'étiquette {code} n'a jamais été imprimée par "
            "Boucle : vérifiez les caractères sous le QR code, ou prenez une étiquette de votre "
            "rouleau.",
            "counter.error.voided": "L'étiquette {code} a été annulée le {date} : prenez une "
            "étiquette neuve et posez-la sur cet appareil.",
            "counter.error.weight": "Le poids s'écrit en kilos, par exemple 2,3 : plus de 0 et "
            "100 au plus.",
            "counter.error.email": "Cette adresse e-mail est incomplète : elle s'écrit comme "
            "nom@exemple.fr.",
            "counter.error.phone": "Ce numéro de téléphone n'est pas lisible : des chiffres, par "
            "exemple 03 20 12 34 56.",
            "counter.error.donor_reference": "La référence du don sert au reçu d'une entreprise, "
            "d'une association ou d'un organisme public : choisissez d'où vient le don, ou videz "
            "ce champ.",
            "counter.submit": "Enregistrer le don",
            "counter.not_saved": "Rien n'a été enregistré :",
            "counter.today": "Dons reçus aujourd'hui ({count})",
            "counter.today_none": "Aucun don enregistré aujourd'hui à ce point.",
            "counter.time": "Heure",
            "counter.state": "Suivi",
            "counter.state_pending": "Transmis à l'inventaire",
            "counter.registered.laptop": "Ordinateur portable {code} enregistré",
            "counter.registered.desktop": "Ordinateur fixe {code} enregistré",
            "counter.registered.tablet": "Tablette {code} enregistrée",
            "counter.registered.smartphone": "Smartphone {code} enregistré",
            "counter.registered.monitor": "Écran {code} enregistré",
            "counter.registered.printer": "Imprimante {code} enregistrée",
            "counter.registered.peripheral": "Périphérique {code} enregistré",
            "counter.registered.other": "Appareil {code} enregistré",
            "counter.error.no_label": "Scannez, tapez ou photographiez l'étiquette de l'appareil.",
            "counter.error.not_a_label": "« {typed} » n'est pas une étiquette Boucle : une "
            "étiquette a 9 caractères, par exemple K7Q2-M9XB-A. Vérifiez l'étiquette imprimée.",
            "counter.error.check_symbol": "L'étiquette {code} a un caractère de contrôle (le "
            "dernier) qui ne correspond pas : elle a sans doute été mal tapée ou mal lue. "
            "Comparez-la à l'étiquette imprimée.",
            "counter.error.attached": "L'étiquette {code} est déjà posée sur un autre appareil "
            "({type}, reçu à {place} le {date}). Posez une étiquette neuve sur cet appareil.",
            "counter.error.attached_elsewhere": "L'étiquette {code} est déjà posée sur un autre "
            "appareil. Posez une étiquette neuve sur cet appareil.",
            "counter.error.form_used": "Ce formulaire a déjà servi pour un autre appareil. "
            "Vérifiez la liste des dons du jour, puis envoyez à nouveau.",
            "counter.error.type_not_accepted": "{place} n'accepte pas ce type d'appareil "
            "({type}). Choisissez un type accepté ici, ou orientez le donateur vers un autre lieu.",
            "counter.error.acknowledged": "Cochez cette case une fois le donateur informé de ces "
            "trois points.",
            "counter.error.photo_differs": "La photo montre l'étiquette {photo}, différente de "
            "celle saisie ({typed}). Videz le champ Étiquette ou reprenez la photo.",
            "counter.error.photo_no_label": "Aucune étiquette Boucle n'est lisible sur cette "
            "photo. Reprenez-la de plus près, le QR code entier dans le cadre, ou tapez les 9 "
            "caractères imprimés à côté.",
            "counter.error.photo_not_image": "Ce fichier n'est pas une photo (JPEG, PNG ou WebP).",
            "counter.error.photo_too_big": "La photo dépasse {size} Mo : reprenez-la en plus "
            "petite taille.",
            "counter.back": "Revenir au guichet",
            "counter.error.photo_too_large": "Cette photo est trop grande ; reprenez-la en "
            "taille normale.",
            "counter.error.photo_several": "Cette photo montre plusieurs étiquettes ; "
            "photographiez une seule étiquette à la fois.",
        },
        "en": {
            "counter.title": "Counter: register a donation",
            "counter.title_error": "Error",
            "counter.at_point": "Collection point: {place}",
            "counter.change_point": "Change point",
            "counter.choose_title": "Choose the collection point",
            "counter.choose_intro": "Choose the place where you receive donations. This choice is "
            "remembered on this device.",
            "counter.no_point": "No collection point is assigned to you. Ask an administrator to "
            "attach you to your place.",
            "counter.label": "Label",
            "counter.label_hint": "Scan the QR code, or type the 9 characters printed under it "
            "(for example K7Q2-M9XB-A), then Enter.",
            "counter.photo": "Or take a photo of the label",
            "counter.photo_hint": "The server reads the photo when the Label field is empty.",
            "counter.camera": "Scan with the camera",
            "counter.camera_stop": "Stop the camera",
            "counter.camera_help": "Hold the label's QR code inside the frame.",
            "counter.device_type": "Device type",
            "counter.acknowledgements": "The donor is told that",
            "counter.ack.erased": "their data will be erased, with a certificate;",
            "counter.ack.recycled": "a device that cannot be reused will be recycled;",
            "counter.ack.stickers": "their stickers and markings have been removed.",
            "counter.acknowledged": "The donor was told these three points and accepts them",
            "counter.details": "Device and donor details (optional)",
            "counter.device": "Device",
            "counter.brand": "Brand",
            "counter.model": "Model",
            "counter.serial_number": "Serial number",
            "counter.condition": "Visible condition",
            "counter.not_noted": "Not noted",
            "condition.good": "Good",
            "condition.worn": "Worn",
            "condition.damaged": "Damaged",
            "condition.does_not_start": "Does not start",
            "counter.accessories": "Accessories given with it",
            "accessory.charger": "Charger",
            "accessory.power_cable": "Power cable",
            "accessory.case": "Case or sleeve",
            "accessory.keyboard": "Keyboard",
            "accessory.mouse": "Mouse",
            "accessory.stylus": "Stylus",
            "accessory.cables": "Cables",
            "accessory.manual": "Manual",
            "accessory.other": "Other",
            "counter.weight": "Weight in kg",
            "counter.weight_hint": "For example 2.3 (100 kg at most).",
            "counter.donor": "Donor",
            "counter.donor_kind": "The donation comes from",
            "donor.individual": "an individual",
            "donor.company": "a company",
            "donor.association": "an association",
            "donor.public_body": "a public body",
            "counter.contact_name": "Name or organisation, for a receipt",
            "counter.contact_hint": "Personal data: it stays at the collection point and only "
            "serves the receipt.",
            "counter.contact_email": "E-mail",
            "counter.contact_phone": "Phone",
            "counter.donor_reference": "Donation reference, for an organisation's receipt",
            "counter.donor_reference_hint": "The company's, association's or body's name as it "
            "will appear on the donation receipt (by default, the name above).",
            "counter.receipt": "Donation receipt for {donor} (PDF)",
            "counter.collected": "What this point collected",
            "counter.error.never_issued": "The label {code} was never printed by Boucle: check "
            "the characters under the QR code, or take a label from your roll.",
            "counter.error.voided": "The label {code} was voided on {date}: take a fresh label "
            "and put it on this device.",
            "counter.error.weight": "Write the weight in kilograms, for example 2.3: more than 0 "
            "and 100 at most.",
            "counter.error.email": "This e-mail address is incomplete: it looks like "
            "name@example.org.",
            "counter.error.phone": "This phone number cannot be read: digits, for example "
            "+33 3 20 12 34 56.",
            "counter.error.donor_reference": "A donation reference is for the receipt of a "
            "company, an association or a public body: choose where the donation comes from, or "
            "empty this field.",
            "counter.submit": "Register the donation",
            "counter.not_saved": "Nothing was saved:",
            "counter.today": "Donations received today ({count})",
            "counter.today_none": "No donation registered today at this point.",
            "counter.time": "Time",
            "counter.state": "Follow-up",
            "counter.state_pending": "Sent to inventory",
            "counter.registered.laptop": "Laptop {code} registered",
            "counter.registered.desktop": "Desktop computer {code} registered",
            "counter.registered.tablet": "Tablet {code} registered",
            "counter.registered.smartphone": "Smartphone {code} registered",
            "counter.registered.monitor": "Monitor {code} registered",
            "counter.registered.printer": "Printer {code} registered",
            "counter.registered.peripheral": "Peripheral {code} registered",
            "counter.registered.other": "Device {code} registered",
            "counter.error.no_label": "Scan, type or photograph the device's label.",
            "counter.error.not_a_label": "“{typed}” is not a Boucle label: a label has 9 "
            "characters, for example K7Q2-M9XB-A. Check the printed label.",
            "counter.error.check_symbol": "The label {code} has a wrong check symbol (the last "
            "character): it was probably mistyped or misread. Check it against the printed label.",
            "counter.error.attached": "The label {code} is already attached to another device "
            "({type}, received at {place} on {date}). Put a new label on this device.",
            "counter.error.attached_elsewhere": "The label {code} is already attached to another "
            "device. Put a new label on this device.",
            "counter.error.form_used": "This form was already used for another device. Check "
            "today's donations, then send again.",
            "counter.error.type_not_accepted": "{place} does not accept this kind of device "
            "({type}). Choose a type accepted here, or send the donor to another place.",
            "counter.error.acknowledged": "Tick this box once the donor has been told these three "
            "points.",
            "counter.error.photo_differs": "The photo shows the label {photo}, not the one typed "
            "({typed}). Empty the Label field or take the photo again.",
            "counter.error.photo_no_label": "No Boucle label can be read in this photo. Take it "
            "again closer, with the whole QR code in the frame, or type the 9 characters printed "
            "beside it.",
            "counter.error.photo_not_image": "This file is not a photo (JPEG, PNG or WebP).",
            "counter.error.photo_too_big": "The photo is over {size} MB: take it again at a "
            "smaller size.",
            "counter.back": "Back to the counter",
            "counter.error.photo_too_large": "This photo is too large; take it again at normal "
            "size.",
            "counter.error.photo_several": "This photo shows several labels; photograph one label "
            "at a time.",
        },
    }
)
