"""Messages of dismantling, the parts bin, who took a work order and the grading thresholds,
French first."""

from __future__ import annotations

from shared.web.i18n import register

register(
    {
        "fr": {
            "bench.dismantle.title": "Démonter pour pièces",
            "bench.dismantle.intro": "Pour un appareil qui ne peut pas resservir : les pièces "
            "gardées vont au bac à pièces de l'atelier, le reste part au recyclage. Il faut "
            "d'abord un certificat d'effacement validé (ou la déclaration qu'il n'a aucun "
            "stockage) : un disque peut quitter l'atelier comme pièce.",
            "bench.dismantle.parts": "Pièces gardées, ligne {number}",
            "bench.dismantle.parts_hint": "Laissez le nom vide pour ne rien garder sur cette "
            "ligne.",
            "bench.dismantle.submit": "Démonter l'appareil",
            "bench.done.dismantled": "L'appareil est démonté : ses pièces sont au bac à pièces, "
            "le reste part au recyclage.",
            "bench.refusal.dismantle_needs": "Cet appareil ne peut pas encore être démonté : il "
            "lui faut un certificat d'effacement validé par une seconde personne responsable de "
            "l'effacement, ou la déclaration qu'il n'a aucun stockage.",
            "bench.refusal.parts_bin_empty": "Le bac à pièces ne contient aucune pièce « {name} ». "
            "Ajoutez-la au bac d'abord, ou indiquez qu'elle a été achetée.",
            "parts.title": "Bac à pièces — {workshop}",
            "parts.link": "Bac à pièces de l'atelier",
            "parts.back": "Retour à l'établi : {workshop}",
            "parts.intro": "Les pièces détachées en stock : récupérées sur les appareils "
            "démontés ou ajoutées à la main. Une réparation qui prend une pièce « du bac à "
            "pièces » en retire une.",
            "parts.stock": "En stock",
            "parts.empty": "Le bac à pièces est vide.",
            "parts.column.name": "Pièce",
            "parts.column.kind": "Type",
            "parts.column.condition": "État",
            "parts.column.quantity": "Quantité",
            "parts.column.origin": "Provenance",
            "parts.origin.dismantled": "appareil démonté",
            "parts.origin.by_hand": "ajoutée par {person}",
            "parts.add.title": "Ajouter des pièces à la main",
            "parts.add.submit": "Ajouter au bac",
            "parts.added": "Les pièces sont ajoutées au bac.",
            "parts.name": "Nom de la pièce",
            "parts.name_hint": "Tel que vous le taperez dans une réparation, par exemple "
            "« Barrette DDR4 8 Go ».",
            "parts.kind": "Type de pièce",
            "parts.condition": "État",
            "parts.quantity": "Quantité",
            "parts.kind.battery": "Batterie",
            "parts.kind.memory": "Mémoire vive",
            "parts.kind.storage": "Stockage (disque, SSD)",
            "parts.kind.screen": "Écran",
            "parts.kind.keyboard": "Clavier",
            "parts.kind.charger": "Chargeur",
            "parts.kind.motherboard": "Carte mère",
            "parts.kind.other": "Autre",
            "parts.condition.working": "testée, fonctionne",
            "parts.condition.untested": "non testée",
            "bench.repair.bin_hint": "Pièce du bac : tapez son nom tel qu'il est au bac à "
            "pièces ; une pièce en est retirée.",
            "bench.assign.by": "Prise par {person}",
            "bench.assign.nobody": "Personne ne l'a encore prise",
            "bench.assign.take": "Je la prends",
            "bench.done.taken": "Vous avez pris cette fiche : l'établi montre que vous vous en "
            "occupez.",
            "bench.time.spent": "{minutes} min passées",
            "bench.time.step_minutes": "Temps passé sur cette étape (minutes)",
            "bench.time.step_hint": "Facultatif : s'ajoute au temps passé sur la fiche, avec "
            "celui des réparations.",
            "bench.grade.battery_thresholds": "En pourcentage. En dessous de {grade_a} %, pas de "
            "grade A ; en dessous de {release} %, l'appareil ne peut pas réussir ses tests : "
            "changez d'abord la batterie. Laissez vide s'il n'a pas de batterie.",
            "bench.refusal.battery_fails": "Une batterie à {battery} % est sous les {threshold} % "
            "qu'il faut pour réussir les tests : changez la batterie, ou indiquez que les tests "
            "ont échoué.",
            "bench.refusal.battery_not_a": "Une batterie à {battery} % est sous les {threshold} % "
            "qu'il faut pour le grade A : choisissez B ou C, ou changez la batterie.",
        },
        "en": {
            "bench.dismantle.title": "Dismantle for parts",
            "bench.dismantle.intro": "For a device that cannot be reused: the parts kept go to "
            "the workshop's parts bin, the rest goes to recycling. It first needs a validated "
            "erasure certificate (or the statement that it has no storage): a drive may leave "
            "the workshop as a part.",
            "bench.dismantle.parts": "Parts kept, line {number}",
            "bench.dismantle.parts_hint": "Leave the name empty to keep nothing on this line.",
            "bench.dismantle.submit": "Dismantle the device",
            "bench.done.dismantled": "The device is dismantled: its parts are in the parts bin, "
            "the rest goes to recycling.",
            "bench.refusal.dismantle_needs": "This device cannot be dismantled yet: it needs an "
            "erasure certificate validated by a second erasure officer, or the statement that it "
            "has no storage.",
            "bench.refusal.parts_bin_empty": "The parts bin holds no “{name}”. Add it to the bin "
            "first, or record it as bought.",
            "parts.title": "Parts bin — {workshop}",
            "parts.link": "The workshop's parts bin",
            "parts.back": "Back to the bench: {workshop}",
            "parts.intro": "The spare parts in stock: harvested from dismantled devices or added "
            "by hand. A repair that takes a part “from the parts bin” takes one out.",
            "parts.stock": "In stock",
            "parts.empty": "The parts bin is empty.",
            "parts.column.name": "Part",
            "parts.column.kind": "Kind",
            "parts.column.condition": "Condition",
            "parts.column.quantity": "Quantity",
            "parts.column.origin": "Origin",
            "parts.origin.dismantled": "dismantled device",
            "parts.origin.by_hand": "added by {person}",
            "parts.add.title": "Add parts by hand",
            "parts.add.submit": "Add to the bin",
            "parts.added": "The parts are added to the bin.",
            "parts.name": "Part name",
            "parts.name_hint": "As you will type it in a repair, for example “DDR4 8 GB stick”.",
            "parts.kind": "Kind of part",
            "parts.condition": "Condition",
            "parts.quantity": "Quantity",
            "parts.kind.battery": "Battery",
            "parts.kind.memory": "Memory",
            "parts.kind.storage": "Storage (disk, SSD)",
            "parts.kind.screen": "Screen",
            "parts.kind.keyboard": "Keyboard",
            "parts.kind.charger": "Charger",
            "parts.kind.motherboard": "Motherboard",
            "parts.kind.other": "Other",
            "parts.condition.working": "tested, working",
            "parts.condition.untested": "untested",
            "bench.repair.bin_hint": "A part from the bin: type its name as it is in the parts "
            "bin; one is taken out.",
            "bench.assign.by": "Taken by {person}",
            "bench.assign.nobody": "Nobody has taken it yet",
            "bench.assign.take": "I'll take it",
            "bench.done.taken": "You took this work order: the bench shows you are on it.",
            "bench.time.spent": "{minutes} min spent",
            "bench.time.step_minutes": "Time spent on this step (minutes)",
            "bench.time.step_hint": "Optional: added to the time spent on the work order, with "
            "the repairs' time.",
            "bench.grade.battery_thresholds": "In percent. Under {grade_a}%, no grade A; under "
            "{release}%, the device cannot pass its tests: change the battery first. Leave empty "
            "if it has no battery.",
            "bench.refusal.battery_fails": "A battery at {battery}% is under the {threshold}% "
            "needed to pass the tests: change the battery, or record the tests as failed.",
            "bench.refusal.battery_not_a": "A battery at {battery}% is under the {threshold}% "
            "grade A needs: choose B or C, or change the battery.",
        },
    }
)
