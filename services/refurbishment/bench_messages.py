"""Messages of the bench pages, French first."""

from __future__ import annotations

from services.refurbishment import (  # noqa: F401  (they register their messages)
    diagnosis_messages,
    parts_messages,
)
from shared.web.i18n import register

register(
    {
        "fr": {
            "bench.workshops.title": "Ateliers",
            "bench.workshops.intro": "Choisissez l'atelier où vous travaillez pour ouvrir son "
            "établi.",
            "bench.workshops.none": "Aucun atelier ne vous est attribué. Demandez à un "
            "administrateur de vous ajouter à votre atelier.",
            "bench.board.title": "Établi — {workshop}",
            "bench.board.intro": "Les appareils présents à l'atelier, rangés par prochaine étape. "
            "Ouvrez une fiche pour continuer.",
            "bench.board.count": "{count} appareil(s)",
            "bench.board.arrived_on": "arrivé le {date}",
            "bench.board.empty": "Aucun appareil à cette étape.",
            "bench.board.release": "Sortir",
            "bench.board.released": "{label} est sorti pour une seconde vie.",
            "bench.checkin.title": "Arrivée d'un appareil",
            "bench.checkin.label": "Étiquette de l'appareil",
            "bench.checkin.hint": "Scannez le QR code ou tapez les 9 caractères (par exemple "
            "K7Q2-M9XB-A), puis Entrée. Un appareil déjà à l'atelier ouvre sa fiche.",
            "bench.checkin.submit": "Enregistrer l'arrivée",
            "bench.checkin.done": "{label} est enregistré à l'atelier.",
            "bench.checkin.open": "Ouvrir la fiche de {label}",
            "bench.column.to_erase": "À effacer",
            "bench.column.to_validate": "Effacement à valider",
            "bench.column.to_grade": "À évaluer",
            "bench.column.to_release": "Prêts à sortir",
            "bench.badge.graded": "déjà évalué",
            "bench.badge.failed_tests": "tests échoués : à réparer ou recycler",
            "bench.closed.title": "Sortis récemment",
            "bench.outcome.released": "Sorti pour une seconde vie",
            "bench.outcome.recycled": "Parti au recyclage",
            "bench.outcome.dismantled": "Démonté pour pièces",
            "bench.order.title": "Fiche de l'appareil",
            "bench.order.back": "Retour à l'établi : {workshop}",
            "bench.order.steps": "Où en est l'appareil",
            "bench.order.opened": "Arrivé à l'atelier le {date}",
            "bench.step.erasure": "Effacement certifié des données",
            "bench.step.grade": "Évaluation",
            "bench.step.tests": "Tests fonctionnels",
            "bench.state.done": "fait",
            "bench.state.missing": "à faire",
            "bench.state.pending": "en attente de validation",
            "bench.state.passed": "réussis",
            "bench.state.failed": "échoués",
            "bench.done.erasure": "L'effacement est enregistré. Une seconde personne responsable "
            "de l'effacement doit maintenant le valider.",
            "bench.done.no_storage": "Vous avez déclaré que l'appareil n'a aucun stockage : "
            "l'étape d'effacement est faite.",
            "bench.done.validated": "L'effacement est validé : le certificat est délivré.",
            "bench.done.graded": "L'évaluation est enregistrée.",
            "bench.done.released": "L'appareil est sorti pour une seconde vie : l'inventaire le "
            "montre bientôt comme prêt.",
            "bench.done.recycled": "L'appareil part au recyclage.",
            "bench.done.already_here": "Cet appareil est déjà à l'atelier : voici sa fiche.",
            "bench.erasure.title": "Effacer les données",
            "bench.erasure.intro": "Un support de stockage par enregistrement (disque dur, SSD, "
            "mémoire d'un téléphone). Un appareil à plusieurs supports : enregistrez-les l'un "
            "après l'autre.",
            "bench.erasure.officers_only": "Seules les personnes responsables de l'effacement "
            "enregistrent et valident un effacement certifié. Préparez l'appareil et faites appel "
            "à l'une d'elles.",
            "bench.erasure.medium": "Support de stockage",
            "bench.erasure.media_type": "Type de support",
            "bench.media_type.magnetic": "Magnétique (disque dur)",
            "bench.media_type.flash": "Mémoire flash (SSD, NVMe, eMMC, téléphone)",
            "bench.media_type.hybrid": "Hybride (SSHD)",
            "bench.erasure.manufacturer": "Fabricant du support",
            "bench.erasure.model": "Modèle du support",
            "bench.erasure.serial": "Numéro de série du support",
            "bench.erasure.how": "Effacement",
            "bench.erasure.level": "Niveau (NIST SP 800-88)",
            "bench.level.clear": "Effacement simple (clear)",
            "bench.level.purge": "Purge (purge)",
            "bench.level.destroy": "Destruction (destroy)",
            "bench.erasure.method": "Méthode",
            "bench.erasure.method_hint": "Pour un SSD ou une mémoire flash, utilisez la commande "
            "sanitize ou l'effacement cryptographique : l'écrasement n'atteint pas toutes les "
            "cellules.",
            "bench.method.overwrite": "Écrasement",
            "bench.method.block_erase": "Effacement par blocs",
            "bench.method.crypto_erase": "Effacement cryptographique",
            "bench.method.sanitize": "Commande sanitize du disque",
            "bench.method.factory_reset": "Réinitialisation d'usine",
            "bench.method.degauss": "Démagnétisation",
            "bench.method.physical_destruction": "Destruction physique",
            "bench.erasure.tool": "Outil",
            "bench.erasure.tool_hint": "Par exemple nvme-cli, hdparm, ShredOS.",
            "bench.erasure.tool_version": "Version de l'outil",
            "bench.erasure.verification": "Vérification",
            "bench.verification.full": "Complète",
            "bench.verification.quick_sampling": "Par échantillonnage",
            "bench.verification.other": "Autre",
            "bench.erasure.started_at": "Début de l'effacement",
            "bench.erasure.ended_at": "Fin de l'effacement",
            "bench.erasure.tool_log": "Journal de l'outil (facultatif)",
            "bench.erasure.tool_log_hint": "Son empreinte SHA-256 est inscrite au certificat ; le "
            "journal lui-même n'est pas conservé.",
            "bench.erasure.tool_log_sha256": "Ou l'empreinte SHA-256 du journal (facultatif)",
            "bench.erasure.checklist": "Téléphone ou tablette : chaque étape est obligatoire",
            "bench.checklist.factory_reset": "Réinitialisation d'usine faite",
            "bench.checklist.accounts_and_activation_lock_removed": "Comptes et verrou "
            "d'activation (FRP, Activation Lock) retirés",
            "bench.checklist.sim_removed": "Carte SIM retirée",
            "bench.checklist.memory_card_removed": "Carte mémoire retirée",
            "bench.checklist.mdm_checked": "Gestion à distance (MDM) vérifiée",
            "bench.erasure.submit": "Enregistrer l'effacement",
            "bench.no_storage.title": "Aucun stockage",
            "bench.no_storage.text": "Un écran ou un clavier ne garde aucune donnée : rien à "
            "effacer. Seule une personne responsable de l'effacement peut le déclarer.",
            "bench.no_storage.submit": "Déclarer : aucun stockage",
            "bench.validation.title": "Valider l'effacement (second contrôle)",
            "bench.validation.summary": "Support {media}, {method} avec {tool}, enregistré le "
            "{date}.",
            "bench.validation.mine": "Vous avez enregistré cet effacement : une autre personne "
            "responsable de l'effacement doit le valider.",
            "bench.validation.waiting": "En attente de validation par une seconde personne "
            "responsable de l'effacement.",
            "bench.validation.submit": "Valider et délivrer le certificat",
            "bench.certificate.title": "Certificat d'effacement",
            "bench.certificate.issued": "Délivré le {date}.",
            "bench.certificate.pdf": "Télécharger le certificat (PDF)",
            "bench.certificate.hash": "Empreinte SHA-256 :",
            "bench.certificate.verify": "Vérifier ce certificat sur la page publique",
            "bench.certificate.no_storage": "Aucun stockage : déclaré par une personne responsable "
            "de l'effacement le {date}.",
            "bench.grade.title": "Évaluer l'appareil",
            "bench.grade.current": "Évaluation enregistrée",
            "bench.grade.cosmetic": "État esthétique",
            "bench.grade.A": "A — Très bon état : marques d'usage à peine visibles",
            "bench.grade.B": "B — Bon état : rayures ou marques légères",
            "bench.grade.C": "C — État correct : marques d'usage nettes, sans effet sur le "
            "fonctionnement",
            "bench.grade.law": "La loi (décret 2022-190) interdit de dire d'un appareil "
            "reconditionné qu'il est « comme neuf », « état neuf » ou « à neuf ».",
            "bench.grade.functional": "Tests de toutes les fonctions (écran, clavier, son, réseau, "
            "ports, charge…)",
            "bench.grade.functional_yes": "Tous réussis",
            "bench.grade.functional_no": "Au moins un échoué",
            "bench.grade.battery": "Santé de la batterie (%)",
            "bench.grade.battery_hint": "Laissez vide si l'appareil n'a pas de batterie.",
            "bench.grade.none": "aucune",
            "bench.grade.specs": "Caractéristiques",
            "bench.spec.brand": "Marque",
            "bench.spec.model": "Modèle",
            "bench.spec.processor": "Processeur",
            "bench.spec.memory_gb": "Mémoire vive (Go)",
            "bench.spec.storage_gb": "Stockage (Go)",
            "bench.spec.screen_inches": "Écran (pouces)",
            "bench.spec.operating_system": "Système d'exploitation",
            "bench.grade.submit": "Enregistrer l'évaluation",
            "bench.lshw.title": "Remplir les caractéristiques depuis lshw",
            "bench.lshw.hint": "Sur l'appareil, lancez « sudo lshw -json > specs.json », puis "
            "envoyez ce fichier : les caractéristiques sont reprises dans le formulaire "
            "de diagnostic ci-dessous.",
            "bench.lshw.file": "Fichier specs.json",
            "bench.lshw.submit": "Lire le fichier",
            "bench.lshw.read": "Caractéristiques lues dans le fichier : vérifiez-les, complétez "
            "le diagnostic, puis enregistrez-le.",
            "bench.release.title": "Sortir l'appareil pour une seconde vie",
            "bench.release.needs": "Il faut un certificat d'effacement validé, une évaluation et "
            "des tests réussis. L'appareil devient alors disponible dans l'inventaire.",
            "bench.release.submit": "Sortir l'appareil",
            "bench.recycle.title": "Envoyer au recyclage",
            "bench.recycle.barrier": "Pourquoi il ne peut pas être réparé",
            "bench.barrier.1": "Pièces détachées introuvables",
            "bench.barrier.2": "Pièces détachées trop chères",
            "bench.barrier.3": "Impossible d'ouvrir l'appareil",
            "bench.barrier.4": "Informations de réparation introuvables",
            "bench.barrier.5": "Manque d'équipement",
            "bench.barrier.6": "Appareil trop usé",
            "bench.recycle.reason": "Ce qui ne va pas",
            "bench.recycle.reason_hint": "Quelques mots, sans donnée personnelle (par exemple : "
            "carte mère morte).",
            "bench.recycle.submit": "Envoyer au recyclage",
            "bench.closed.released": "Cette fiche est close : l'appareil est sorti pour une "
            "seconde vie le {date}.",
            "bench.closed.recycled": "Cette fiche est close : l'appareil est parti au recyclage le "
            "{date}.",
            "bench.closed.dismantled": "Cette fiche est close : l'appareil a été démonté pour "
            "pièces le {date}.",
            "bench.field.moment": "Une date et une heure sont attendues, par exemple 28/11/2026 "
            "09:00.",
            "bench.field.decimal": "Un nombre, par exemple 14 ou 15,6.",
            "bench.field.reason_short": "Décrivez le problème en quelques mots (3 caractères au "
            "moins).",
            "bench.field.file_required": "Choisissez le fichier specs.json.",
            "bench.field.file_too_large": "Ce fichier dépasse 2 Mo : ce n'est pas une sortie de "
            "lshw.",
            "bench.refusal.check_symbol": "Le dernier caractère de l'étiquette {label} (le "
            "caractère de contrôle) ne correspond pas : elle a sans doute été mal tapée ou mal "
            "lue. Comparez avec l'étiquette imprimée.",
            "bench.refusal.label_malformed": "Une étiquette Boucle a 9 caractères, chiffres et "
            "lettres, par exemple K7Q2-M9XB-A. Comparez avec l'étiquette imprimée.",
            "bench.refusal.label_unknown": "Aucun point de collecte n'a encore enregistré "
            "l'étiquette {label}. Vérifiez-la ; si l'appareil vient d'être enregistré, réessayez "
            "dans un instant.",
            "bench.refusal.checked_in_elsewhere": "L'appareil {label} est déjà enregistré dans un "
            "autre atelier.",
            "bench.refusal.closed": "Cette fiche est close ; pour reprendre l'appareil, "
            "enregistrez de nouveau son arrivée.",
            "bench.refusal.already_validated": "Cet effacement est déjà validé : son certificat "
            "existe.",
            "bench.refusal.no_pending": "Aucun effacement de cet appareil n'attend de validation.",
            "bench.refusal.own_erasure": "Un effacement doit être validé par une seconde personne "
            "responsable de l'effacement, pas par celle qui l'a fait.",
            "bench.refusal.officers_only": "Seules les personnes responsables de l'effacement "
            "enregistrent ou valident un effacement certifié.",
            "bench.refusal.flash_overwrite": "L'écrasement n'atteint pas toutes les cellules d'une "
            "mémoire flash : utilisez la commande sanitize ou l'effacement cryptographique du "
            "disque (NIST SP 800-88, ANSSI).",
            "bench.refusal.method_level": "Cette méthode ne correspond pas au niveau choisi. "
            "Effacement simple : écrasement ou réinitialisation d'usine. Purge : effacement par "
            "blocs, cryptographique, sanitize ou démagnétisation. Destruction : destruction "
            "physique.",
            "bench.refusal.end_before_start": "La fin de l'effacement doit venir après son début.",
            "bench.refusal.log_hash": "Une empreinte SHA-256 compte 64 caractères 0-9 et a-f.",
            "bench.refusal.phone_checklist": "Pour un téléphone ou une tablette, chaque étape de "
            "la liste doit être faite et cochée.",
            "bench.refusal.not_lshw": "Ce fichier n'est pas le JSON qu'affiche « lshw -json ». Sur "
            "l'appareil, lancez « sudo lshw -json > specs.json » et envoyez specs.json.",
            "bench.refusal.release_needs": "Cet appareil ne peut pas encore sortir : il lui faut "
            "{what}.",
            "bench.refusal.failed_tests": "Cet appareil a échoué à ses tests : réparez-le puis "
            "évaluez-le de nouveau, ou envoyez-le au recyclage.",
            "bench.missing.certificate": "un certificat d'effacement validé par une seconde "
            "personne responsable de l'effacement",
            "bench.missing.grade": "une évaluation",
            "bench.and": " et ",
        },
        "en": {
            "bench.workshops.title": "Workshops",
            "bench.workshops.intro": "Choose the workshop you work at to open its bench.",
            "bench.workshops.none": "No workshop is assigned to you. Ask an administrator to add "
            "you to your workshop.",
            "bench.board.title": "Bench — {workshop}",
            "bench.board.intro": "The devices at the workshop, by next step. Open a work order to "
            "carry on.",
            "bench.board.count": "{count} device(s)",
            "bench.board.arrived_on": "arrived on {date}",
            "bench.board.empty": "No device at this step.",
            "bench.board.release": "Release",
            "bench.board.released": "{label} is released for a second life.",
            "bench.checkin.title": "A device arrives",
            "bench.checkin.label": "Device label",
            "bench.checkin.hint": "Scan the QR code or type the 9 characters (for example "
            "K7Q2-M9XB-A), then Enter. A device already at the workshop opens its work order.",
            "bench.checkin.submit": "Check the device in",
            "bench.checkin.done": "{label} is checked in at the workshop.",
            "bench.checkin.open": "Open the work order of {label}",
            "bench.column.to_erase": "To erase",
            "bench.column.to_validate": "Erasure to validate",
            "bench.column.to_grade": "To grade",
            "bench.column.to_release": "Ready to release",
            "bench.badge.graded": "already graded",
            "bench.badge.failed_tests": "tests failed: repair or recycle",
            "bench.closed.title": "Recently done",
            "bench.outcome.released": "Released for a second life",
            "bench.outcome.recycled": "Sent to recycling",
            "bench.outcome.dismantled": "Dismantled for parts",
            "bench.order.title": "Work order of the device",
            "bench.order.back": "Back to the bench: {workshop}",
            "bench.order.steps": "Where the device stands",
            "bench.order.opened": "Arrived at the workshop on {date}",
            "bench.step.erasure": "Certified data erasure",
            "bench.step.grade": "Grading",
            "bench.step.tests": "Functional tests",
            "bench.state.done": "done",
            "bench.state.missing": "to do",
            "bench.state.pending": "waiting for validation",
            "bench.state.passed": "passed",
            "bench.state.failed": "failed",
            "bench.done.erasure": "The erasure is recorded. A second erasure officer must now "
            "validate it.",
            "bench.done.no_storage": "You stated that the device holds no storage: the erasure "
            "step is done.",
            "bench.done.validated": "The erasure is validated: the certificate is issued.",
            "bench.done.graded": "The grading is saved.",
            "bench.done.released": "The device is released for a second life: inventory shows it "
            "as ready shortly.",
            "bench.done.recycled": "The device goes to recycling.",
            "bench.done.already_here": "This device is already at the workshop: here is its work "
            "order.",
            "bench.erasure.title": "Erase the data",
            "bench.erasure.intro": "One storage medium per record (hard disk, SSD, a phone's "
            "memory). A device with several media: record them one after the other.",
            "bench.erasure.officers_only": "Only erasure officers record and validate a certified "
            "erasure. Prepare the device and call one of them.",
            "bench.erasure.medium": "Storage medium",
            "bench.erasure.media_type": "Medium type",
            "bench.media_type.magnetic": "Magnetic (hard disk)",
            "bench.media_type.flash": "Flash memory (SSD, NVMe, eMMC, phone)",
            "bench.media_type.hybrid": "Hybrid (SSHD)",
            "bench.erasure.manufacturer": "Medium manufacturer",
            "bench.erasure.model": "Medium model",
            "bench.erasure.serial": "Medium serial number",
            "bench.erasure.how": "Erasure",
            "bench.erasure.level": "Level (NIST SP 800-88)",
            "bench.level.clear": "Clear",
            "bench.level.purge": "Purge",
            "bench.level.destroy": "Destroy",
            "bench.erasure.method": "Method",
            "bench.erasure.method_hint": "For an SSD or flash memory, use the sanitize command or "
            "cryptographic erase: overwriting does not reach every cell.",
            "bench.method.overwrite": "Overwrite",
            "bench.method.block_erase": "Block erase",
            "bench.method.crypto_erase": "Cryptographic erase",
            "bench.method.sanitize": "Drive sanitize command",
            "bench.method.factory_reset": "Factory reset",
            "bench.method.degauss": "Degauss",
            "bench.method.physical_destruction": "Physical destruction",
            "bench.erasure.tool": "Tool",
            "bench.erasure.tool_hint": "For example nvme-cli, hdparm, ShredOS.",
            "bench.erasure.tool_version": "Tool version",
            "bench.erasure.verification": "Verification",
            "bench.verification.full": "Full",
            "bench.verification.quick_sampling": "Quick sampling",
            "bench.verification.other": "Other",
            "bench.erasure.started_at": "Erasure start",
            "bench.erasure.ended_at": "Erasure end",
            "bench.erasure.tool_log": "Tool log (optional)",
            "bench.erasure.tool_log_hint": "Its SHA-256 fingerprint goes on the certificate; the "
            "log itself is not kept.",
            "bench.erasure.tool_log_sha256": "Or the log's SHA-256 fingerprint (optional)",
            "bench.erasure.checklist": "Phone or tablet: every step is required",
            "bench.checklist.factory_reset": "Factory reset done",
            "bench.checklist.accounts_and_activation_lock_removed": "Accounts and activation lock "
            "(FRP, Activation Lock) removed",
            "bench.checklist.sim_removed": "SIM card removed",
            "bench.checklist.memory_card_removed": "Memory card removed",
            "bench.checklist.mdm_checked": "Remote management (MDM) checked",
            "bench.erasure.submit": "Record the erasure",
            "bench.no_storage.title": "No storage",
            "bench.no_storage.text": "A monitor or a keyboard keeps no data: nothing to erase. "
            "Only an erasure officer may state it.",
            "bench.no_storage.submit": "State: no storage",
            "bench.validation.title": "Validate the erasure (second check)",
            "bench.validation.summary": "Medium {media}, {method} with {tool}, recorded on {date}.",
            "bench.validation.mine": "You recorded this erasure: another erasure officer must "
            "validate it.",
            "bench.validation.waiting": "Waiting for validation by a second erasure officer.",
            "bench.validation.submit": "Validate and issue the certificate",
            "bench.certificate.title": "Erasure certificate",
            "bench.certificate.issued": "Issued on {date}.",
            "bench.certificate.pdf": "Download the certificate (PDF)",
            "bench.certificate.hash": "SHA-256 fingerprint:",
            "bench.certificate.verify": "Check this certificate on the public page",
            "bench.certificate.no_storage": "No storage: stated by an erasure officer on {date}.",
            "bench.grade.title": "Grade the device",
            "bench.grade.current": "Saved grading",
            "bench.grade.cosmetic": "Cosmetic condition",
            "bench.grade.A": "A — Very good: signs of use barely visible",
            "bench.grade.B": "B — Good: light scratches or marks",
            "bench.grade.C": "C — Fair: clear signs of use, no effect on how it works",
            "bench.grade.law": "The law (décret 2022-190) forbids calling a refurbished device "
            "“like new”, “new condition” or “as new”.",
            "bench.grade.functional": "Tests of every function (screen, keyboard, sound, network, "
            "ports, charging…)",
            "bench.grade.functional_yes": "All passed",
            "bench.grade.functional_no": "At least one failed",
            "bench.grade.battery": "Battery health (%)",
            "bench.grade.battery_hint": "Leave empty if the device has no battery.",
            "bench.grade.none": "none",
            "bench.grade.specs": "Specifications",
            "bench.spec.brand": "Brand",
            "bench.spec.model": "Model",
            "bench.spec.processor": "Processor",
            "bench.spec.memory_gb": "Memory (GB)",
            "bench.spec.storage_gb": "Storage (GB)",
            "bench.spec.screen_inches": "Screen (inches)",
            "bench.spec.operating_system": "Operating system",
            "bench.grade.submit": "Save the grading",
            "bench.lshw.title": "Fill the specifications from lshw",
            "bench.lshw.hint": "On the device, run “sudo lshw -json > specs.json”, then send that "
            "file: the specifications are copied into the diagnosis form below.",
            "bench.lshw.file": "File specs.json",
            "bench.lshw.submit": "Read the file",
            "bench.lshw.read": "Specifications read from the file: check them, complete the "
            "diagnosis, then save it.",
            "bench.release.title": "Release the device for a second life",
            "bench.release.needs": "It needs a validated erasure certificate, a grade and passed "
            "tests. The device then becomes available in inventory.",
            "bench.release.submit": "Release the device",
            "bench.recycle.title": "Send to recycling",
            "bench.recycle.barrier": "Why it cannot be repaired",
            "bench.barrier.1": "Spare parts not available",
            "bench.barrier.2": "Spare parts too expensive",
            "bench.barrier.3": "No way to open the product",
            "bench.barrier.4": "Repair information not available",
            "bench.barrier.5": "Lack of equipment",
            "bench.barrier.6": "Item too worn out",
            "bench.recycle.reason": "What is wrong",
            "bench.recycle.reason_hint": "A few words, no personal data (for example: dead "
            "motherboard).",
            "bench.recycle.submit": "Send to recycling",
            "bench.closed.released": "This work order is closed: the device was released for a "
            "second life on {date}.",
            "bench.closed.recycled": "This work order is closed: the device went to recycling on "
            "{date}.",
            "bench.closed.dismantled": "This work order is closed: the device was dismantled for "
            "parts on {date}.",
            "bench.field.moment": "A date and time are expected, for example 28/11/2026 09:00.",
            "bench.field.decimal": "A number, for example 14 or 15.6.",
            "bench.field.reason_short": "Describe the problem in a few words (at least 3 "
            "characters).",
            "bench.field.file_required": "Choose the file specs.json.",
            "bench.field.file_too_large": "This file is over 2 MB: it is not lshw's output.",
            "bench.refusal.check_symbol": "The last character of the label {label} (its check "
            "symbol) does not match: it was probably mistyped or misread. Compare with the printed "
            "label.",
            "bench.refusal.label_malformed": "A Boucle label has 9 characters, digits and letters, "
            "for example K7Q2-M9XB-A. Compare with the printed label.",
            "bench.refusal.label_unknown": "No collection point has registered the label {label} "
            "yet. Check it; if the device was just registered, try again in a moment.",
            "bench.refusal.checked_in_elsewhere": "The device {label} is already checked in at "
            "another workshop.",
            "bench.refusal.closed": "This work order is closed; to take the device again, check it "
            "in again.",
            "bench.refusal.already_validated": "This erasure is already validated: its certificate "
            "exists.",
            "bench.refusal.no_pending": "No erasure of this device is waiting for validation.",
            "bench.refusal.own_erasure": "An erasure must be validated by a second erasure "
            "officer, not by the person who did it.",
            "bench.refusal.officers_only": "Only erasure officers record or validate a certified "
            "erasure.",
            "bench.refusal.flash_overwrite": "Overwriting does not reach every cell of a flash "
            "memory: use the drive's sanitize command or cryptographic erase (NIST SP 800-88, "
            "ANSSI).",
            "bench.refusal.method_level": "This method does not match the chosen level. Clear: "
            "overwrite or factory reset. Purge: block erase, cryptographic erase, sanitize or "
            "degauss. Destroy: physical destruction.",
            "bench.refusal.end_before_start": "The erasure must end after it started.",
            "bench.refusal.log_hash": "A SHA-256 fingerprint has 64 characters 0-9 and a-f.",
            "bench.refusal.phone_checklist": "For a phone or tablet, every step of the list must "
            "be done and ticked.",
            "bench.refusal.not_lshw": "This file is not the JSON that “lshw -json” prints. On the "
            "device, run “sudo lshw -json > specs.json” and send specs.json.",
            "bench.refusal.release_needs": "This device cannot be released yet: it needs {what}.",
            "bench.refusal.failed_tests": "This device failed its tests: repair it and grade it "
            "again, or send it to recycling.",
            "bench.missing.certificate": "an erasure certificate validated by a second erasure "
            "officer",
            "bench.missing.grade": "a grade",
            "bench.and": " and ",
        },
    }
)
