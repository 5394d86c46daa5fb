"""The hand-over receipt a household keeps with its device: what it received, how to care for
it, whom to call and how to bring it back.

The PDF is rendered deterministically from the receipt (creation date = hand-over time), so a
reprint is byte for byte the same document."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec
import qrcode
import qrcode.constants
from fpdf import FPDF

from services.group_purchase.requests.reasons import DEVICE_TYPE_NAMES
from shared.grades import grade_in_words
from shared.labels import format_code
from shared.pdf import MONO, SANS, UnicodePDF
from shared.web.i18n import Translator, translator

Language = Literal["fr", "en"]
TIMEZONE = ZoneInfo("Europe/Paris")
PROGRAMME = "Boucle"
LINE = 5.0  # mm, height of a line of 9 pt text (scaled for larger text)
BODY = 10.5  # pt: the receipt is read by people of every age and eyesight
QR_SIDE = 32.0  # mm, quiet zone included
QR_QUIET_MODULES = 4
BATTERY_DEVICES = frozenset({"laptop", "tablet", "smartphone"})
SYSTEM_DEVICES = frozenset({"laptop", "desktop", "tablet", "smartphone"})


class HandOverReceipt(msgspec.Struct, frozen=True, kw_only=True):
    """What the household received, from whom, and where to learn more about it."""

    household_reference: str
    label: str
    device_type: str
    make_model: str = ""
    grade: str
    handed_over_at: datetime
    handed_over_at_place: str = ""
    organisation_name: str
    organisation_contact: str = ""
    passport_url: str
    language: str = "fr"


def render_receipt(receipt: HandOverReceipt) -> bytes:
    """The receipt as a one-page A4 PDF in the receipt's language (French by default)."""
    t = translator(_language(receipt.language))
    pdf = new_document(
        receipt.handed_over_at, f"{t('receipt_pdf.title')} {format_code(receipt.label)}"
    )
    pdf.set_lang(_language(receipt.language))
    title(pdf, t("receipt_pdf.title"))
    facts(pdf, _device_facts(receipt, t))
    pdf.ln(2)
    paragraph(pdf, t("receipt_pdf.erased"), style="B", size=BODY)
    heading(pdf, t("receipt_pdf.care_heading"))
    bullets(pdf, _care_tips(receipt.device_type, t), size=BODY)
    heading(pdf, t("receipt_pdf.help_heading"))
    paragraph(pdf, _help_line(receipt, t), style="B", size=BODY)
    paragraph(pdf, t("receipt_pdf.help_mediation"), size=BODY)
    heading(pdf, t("receipt_pdf.return_heading"))
    paragraph(pdf, t("receipt_pdf.return_text"), size=BODY)
    _passport(pdf, receipt.passport_url, t)
    _signatures(pdf, receipt.organisation_name, t)
    return bytes(pdf.output())


def _device_facts(receipt: HandOverReceipt, t: Translator) -> list[tuple[str, str]]:
    language = _language(receipt.language)
    rows = [
        (t("receipt_pdf.reference"), receipt.household_reference),
        (t("receipt_pdf.device"), _device_name(receipt.device_type, language)),
    ]
    if receipt.make_model.strip():
        rows.append((t("receipt_pdf.make_model"), receipt.make_model.strip()))
    rows += [
        (t("receipt_pdf.label"), format_code(receipt.label)),
        (t("receipt_pdf.grade"), grade_in_words(receipt.grade, language)),
        (t("receipt_pdf.date"), _paris_time(receipt.handed_over_at, language, t("receipt_pdf.at"))),
    ]
    if receipt.handed_over_at_place.strip():
        rows.append((t("receipt_pdf.place"), receipt.handed_over_at_place.strip()))
    else:
        rows.append(
            (
                t("receipt_pdf.place"),
                t("receipt_pdf.by_social_worker", organisation=receipt.organisation_name),
            )
        )
    return rows


def _device_name(device_type: str, language: Language) -> str:
    name = DEVICE_TYPE_NAMES[language].get(device_type, DEVICE_TYPE_NAMES[language]["other"])
    return name[:1].upper() + name[1:]


def _language(language: str) -> Language:
    return "en" if language == "en" else "fr"


def _paris_time(moment: datetime, language: Language, at: str) -> str:
    local = moment.astimezone(TIMEZONE)
    month = translator(language)(f"month.{local.month}")
    return f"{local.day} {month} {local.year} {at} {local:%H:%M}"


def _care_tips(device_type: str, t: Translator) -> list[str]:
    tips = []
    if device_type in BATTERY_DEVICES:
        tips.append(t("receipt_pdf.tip_battery"))
    if device_type in SYSTEM_DEVICES:
        tips += [t("receipt_pdf.tip_updates"), t("receipt_pdf.tip_antivirus")]
    if device_type in {"laptop", "desktop", "printer", "monitor", "other"}:
        tips.append(t("receipt_pdf.tip_ventilation"))
    if device_type != "printer":
        tips.append(t("receipt_pdf.tip_cleaning"))
    return tips


def _help_line(receipt: HandOverReceipt, t: Translator) -> str:
    call = t("receipt_pdf.help_call", organisation=receipt.organisation_name)
    contact = receipt.organisation_contact.strip()
    if not contact:
        return f"{call}."
    colon = ": " if _language(receipt.language) == "en" else " : "
    return f"{call}{colon}{contact}"


def _passport(pdf: FPDF, url: str, t: Translator) -> None:
    heading(pdf, t("receipt_pdf.passport_heading"))
    top = pdf.get_y()
    if top + QR_SIDE > pdf.page_break_trigger:
        pdf.add_page()
        top = pdf.get_y()
    draw_qr(pdf, url, pdf.l_margin, top, QR_SIDE)
    text_left = pdf.l_margin + QR_SIDE + 4
    pdf.set_xy(text_left, top + 8)
    pdf.set_font(SANS, size=BODY)
    pdf.multi_cell(0, LINE, t("receipt_pdf.passport_text"), new_x="LEFT", new_y="NEXT")
    pdf.set_font(MONO, size=BODY)
    pdf.multi_cell(0, LINE, url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + QR_SIDE)


def _signatures(pdf: FPDF, organisation: str, t: Translator) -> None:
    heading(pdf, t("receipt_pdf.signatures_heading"))
    width = (pdf.epw - 6) / 2
    height = 30.0
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    captions = (
        t("receipt_pdf.household_signature"),
        t("receipt_pdf.agent_signature", organisation=organisation),
    )
    for index, caption in enumerate(captions):
        left = pdf.l_margin + index * (width + 6)
        pdf.rect(left, top, width, height)
        pdf.set_xy(left + 2, top + 1.5)
        pdf.set_font(SANS, style="B", size=9)
        pdf.cell(width - 4, LINE, caption)
        pdf.set_xy(left + 2, top + 1.5 + LINE)
        pdf.set_font(SANS, size=8)
        pdf.cell(width - 4, LINE, t("receipt_pdf.name_and_signature"))
    pdf.set_y(top + height)


# Drawing helpers shared with the paper request form.


def new_document(created_at: datetime, document_title: str) -> FPDF:
    """An A4 document whose bytes depend only on what is drawn and ``created_at``."""
    pdf = UnicodePDF(unit="mm", format="A4")
    pdf.set_creation_date(created_at)
    pdf.set_title(document_title)
    pdf.set_creator(PROGRAMME)
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    return pdf


def title(pdf: FPDF, text: str) -> None:
    pdf.set_font(SANS, style="B", size=15)
    pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(SANS, style="B", size=11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def paragraph(pdf: FPDF, text: str, style: Literal["", "B", "I"] = "", size: float = 9) -> None:
    pdf.set_font(SANS, style=style, size=size)
    pdf.multi_cell(0, LINE * size / 9, text, align="L", new_x="LMARGIN", new_y="NEXT")


def facts(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        pdf.set_font(SANS, style="B", size=10)
        pdf.cell(45, LINE + 0.5, label)
        pdf.set_font(SANS, size=10.5)
        pdf.multi_cell(0, LINE + 0.5, value or "-", new_x="LMARGIN", new_y="NEXT")


def bullets(pdf: FPDF, items: list[str], size: float = 9) -> None:
    pdf.set_font(SANS, size=size)
    for item in items:
        pdf.cell(5, LINE * size / 9, "-")
        pdf.multi_cell(0, LINE * size / 9, item, align="L", new_x="LMARGIN", new_y="NEXT")


def draw_qr(pdf: FPDF, data: str, left: float, top: float, side: float) -> None:
    """``data`` as a QR code (level M) drawn in vectors, quiet zone included in ``side``."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    modules = code.get_matrix()
    module = side / (len(modules) + 2 * QR_QUIET_MODULES)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(modules):
        for column_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    left + (QR_QUIET_MODULES + column_index) * module,
                    top + (QR_QUIET_MODULES + row_index) * module,
                    module,
                    module,
                    style="F",
                )
