"""The erasure certificate as a PDF (NIST SP 800-88 Appendix G fields) and its fingerprint.

The PDF is rendered deterministically from the certificate, so the SHA-256 recorded when it
was issued identifies it: a printed or downloaded copy can be checked against the register."""

from __future__ import annotations

import hashlib

from fpdf import FPDF

from services.refurbishment.erasure.domain import Certificate, MediumErasure, Officer
from shared.errors import DomainError
from shared.labels import format_code
from shared.pdf import SANS, UnicodePDF

TITLE = "Certificat d'effacement des données / Certificate of data sanitization"
LEVELS = {"clear": "Clear", "purge": "Purge", "destroy": "Destroy"}


MAX_CHECKED_PDF = 5 * 1024 * 1024  # a certificate is a few kilobytes; 5 MB is generous


class DocumentTooLarge(DomainError):
    status_code = 413


class NotAPdf(DomainError):
    pass


def fingerprint(document: bytes) -> str:
    return hashlib.sha256(document).hexdigest()


def fingerprint_of_copy(document: bytes) -> str:
    """The fingerprint of a copy someone wants checked, once it looks like a certificate."""
    if len(document) > MAX_CHECKED_PDF:
        raise DocumentTooLarge(
            "This file is over 5 MB: a Boucle certificate is far smaller.",
            code="certificate.too_large",
        )
    if not document.startswith(b"%PDF-"):
        raise NotAPdf(
            "This file is not a PDF: send the certificate as it was downloaded.",
            code="certificate.not_pdf",
        )
    return fingerprint(document)


def render_certificate(certificate: Certificate, workshop: str, verify_url: str) -> bytes:
    pdf = UnicodePDF(unit="mm", format="A4")
    pdf.set_creation_date(certificate.issued_at)
    pdf.set_title(f"{TITLE} {format_code(certificate.device_label)}")
    pdf.set_creator("Boucle")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font(SANS, style="B", size=14)
    pdf.multi_cell(0, 7, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _facts(
        pdf,
        [
            ("Certificat / Certificate", str(certificate.id)),
            (
                "Appareil / Device",
                f"{format_code(certificate.device_label)} ({certificate.device_type})",
            ),
            ("Atelier / Workshop", workshop),
            ("Délivré le / Issued", certificate.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
        ],
    )
    for index, medium in enumerate(certificate.media, start=1):
        _medium(pdf, index, medium)
    if certificate.phone_checklist is not None:
        _heading(pdf, "Téléphone ou tablette / Phone or tablet")
        _facts(
            pdf,
            [
                (name.replace("_", " "), "oui / yes" if done else "non / no")
                for name, done in zip(
                    certificate.phone_checklist.__struct_fields__,
                    (
                        getattr(certificate.phone_checklist, f)
                        for f in certificate.phone_checklist.__struct_fields__
                    ),
                    strict=True,
                )
            ],
        )
    _heading(pdf, "Personnes / People")
    _facts(
        pdf,
        [
            ("Effectué par / Performed by", _signed(certificate.performed_by)),
            ("Validé par / Validated by", _signed(certificate.validated_by)),
        ],
    )
    pdf.ln(3)
    pdf.set_font(SANS, size=9)
    pdf.multi_cell(
        0,
        5,
        "Vérifier ce certificat / Verify this certificate: " + verify_url,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _signed(officer: Officer) -> str:
    """The officer and the reference of the erasure training valid when they signed."""
    if not officer.training:
        return officer.name
    return f"{officer.name} (formation / training {officer.training})"


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(SANS, style="B", size=11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _facts(pdf: FPDF, facts: list[tuple[str, str]]) -> None:
    for label, value in facts:
        pdf.set_font(SANS, style="B", size=9)
        pdf.cell(62, 5, label)
        pdf.set_font(SANS, size=9)
        pdf.multi_cell(0, 5, value or "-", new_x="LMARGIN", new_y="NEXT")


def _medium(pdf: FPDF, index: int, medium: MediumErasure) -> None:
    _heading(pdf, f"Support {index} / Medium {index}")
    _facts(
        pdf,
        [
            ("Type", medium.media_type),
            ("Fabricant, modèle / Make, model", f"{medium.manufacturer} {medium.model}".strip()),
            ("N° de série / Serial", medium.serial),
            ("Niveau / Level", LEVELS[medium.level]),
            ("Méthode / Method", medium.method.replace("_", " ")),
            ("Outil / Tool", f"{medium.tool} {medium.tool_version}".strip()),
            ("Vérification / Verification", medium.verification.replace("_", " ")),
            (
                "Début, fin / Start, end",
                f"{medium.started_at:%Y-%m-%d %H:%M} - {medium.ended_at:%H:%M} UTC",
            ),
            ("Journal (SHA-256) / Tool log", medium.tool_log_sha256),
        ],
    )
