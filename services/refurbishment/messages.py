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
            "verify.hash_title": "Par son empreinte",
            "verify.upload.title": "Par le document PDF",
            "verify.upload.file": "Certificat au format PDF",
            "verify.upload.hint": "Le fichier PDF tel qu'il a été téléchargé, 5 Mo au plus. Il "
            "n'est pas conservé : seule son empreinte est comparée au registre.",
            "verify.upload.submit": "Vérifier le document",
            "verify.upload.fingerprint": "Empreinte SHA-256 du document :",
            "verify.upload.unknown_text": "Ce document ne correspond à aucun certificat du "
            "registre. Un document modifié, même d'un seul octet, n'a plus la même empreinte.",
            "verify.upload.too_large": "Ce fichier dépasse 5 Mo : un certificat Boucle est bien "
            "plus petit. Choisissez le PDF du certificat.",
            "verify.upload.not_pdf": "Ce fichier n'est pas un PDF. Choisissez le certificat tel "
            "qu'il a été téléchargé (fichier .pdf).",
            "verify.upload.missing": "Choisissez le fichier PDF du certificat.",
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
            "verify.hash_title": "By its fingerprint",
            "verify.upload.title": "By the PDF document",
            "verify.upload.file": "Certificate as a PDF",
            "verify.upload.hint": "The PDF file as it was downloaded, 5 MB at most. It is not "
            "kept: only its fingerprint is compared with the register.",
            "verify.upload.submit": "Check the document",
            "verify.upload.fingerprint": "The document's SHA-256 fingerprint:",
            "verify.upload.unknown_text": "This document matches no certificate in the "
            "register. A document changed by even one byte no longer has the same fingerprint.",
            "verify.upload.too_large": "This file is over 5 MB: a Boucle certificate is far "
            "smaller. Choose the certificate's PDF.",
            "verify.upload.not_pdf": "This file is not a PDF. Choose the certificate as it was "
            "downloaded (a .pdf file).",
            "verify.upload.missing": "Choose the certificate's PDF file.",
        },
    }
)
