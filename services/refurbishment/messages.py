"""The workshop's own page messages, French first."""

from __future__ import annotations

from shared.web.i18n import register

register(
    {
        "fr": {
            "verify.title": "Vérifier un certificat d'effacement",
            "verify.intro": "Chaque certificat d'effacement délivré par un atelier Boucle a une "
            "empreinte (SHA-256). Saisissez-la pour vérifier qu'il figure au registre.",
            "verify.hash": "Empreinte SHA-256 du certificat (64 caractères)",
            "verify.check": "Vérifier",
            "verify.valid": "Certificat authentique",
            "verify.valid_text": "Ce certificat figure au registre : appareil {label}, effacement "
            "validé le {date} à l'atelier {workshop}.",
            "verify.unknown": "Certificat inconnu",
            "verify.unknown_text": "Aucun certificat du registre n'a cette empreinte. Un "
            "document modifié, même d'un seul caractère, n'a plus la même empreinte.",
            "verify.malformed": "Une empreinte SHA-256 compte 64 caractères 0-9 et a-f.",
        },
        "en": {
            "verify.title": "Check a data erasure certificate",
            "verify.intro": "Every erasure certificate issued by a Boucle workshop has a "
            "fingerprint (SHA-256). Enter it to check that it is in the register.",
            "verify.hash": "The certificate's SHA-256 fingerprint (64 characters)",
            "verify.check": "Check",
            "verify.valid": "Genuine certificate",
            "verify.valid_text": "This certificate is in the register: device {label}, erasure "
            "validated on {date} at the workshop {workshop}.",
            "verify.unknown": "Unknown certificate",
            "verify.unknown_text": "No certificate in the register has this fingerprint. A "
            "document changed by even one character no longer has the same fingerprint.",
            "verify.malformed": "A SHA-256 fingerprint has 64 characters 0-9 and a-f.",
        },
    }
)
