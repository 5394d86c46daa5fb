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
from shared.web.i18n import translator

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


class _Wording(msgspec.Struct, frozen=True):
    title: str
    reference: str
    device: str
    make_model: str
    label: str
    grade: str
    date: str
    at: str
    place: str
    by_social_worker: str
    erased: str
    care_heading: str
    tip_battery: str
    tip_updates: str
    tip_antivirus: str
    tip_ventilation: str
    tip_cleaning: str
    help_heading: str
    help_call: str
    help_mediation: str
    return_heading: str
    return_text: str
    passport_heading: str
    passport_text: str
    signatures_heading: str
    household_signature: str
    agent_signature: str
    name_and_signature: str


_WORDINGS: dict[str, _Wording] = {
    "fr": _Wording(
        title="Reçu de remise d'un équipement",
        reference="Référence du foyer",
        device="Équipement",
        make_model="Marque, modèle",
        label="Étiquette Boucle",
        grade="État",
        date="Remis le",
        at="à",
        place="Lieu de remise",
        by_social_worker="Remis par l'intervenant social de {organisation}",
        erased="Les données de l'ancien propriétaire ont été effacées et certifiées.",
        care_heading="Prendre soin de votre équipement",
        tip_battery=(
            "Gardez la batterie entre 20 et 80 % de charge ; évitez de la laisser se vider "
            "complètement ou de la laisser au soleil."
        ),
        tip_updates=(
            "Acceptez les mises à jour du système : elles corrigent les failles de sécurité."
        ),
        tip_antivirus=(
            "L'antivirus inclus dans le système suffit : n'installez pas de logiciel proposé par "
            "une publicité, et ne donnez jamais vos mots de passe."
        ),
        tip_ventilation=(
            "Gardez les aérations propres et dégagées : posez l'appareil sur une surface dure, "
            "pas sur un lit ou un coussin."
        ),
        tip_cleaning="Nettoyez l'écran avec un chiffon doux et sec, appareil éteint.",
        help_heading="Besoin d'aide ?",
        help_call="Appelez {organisation}",
        help_mediation=(
            "Vous pouvez aussi être accompagné dans un lieu de médiation numérique près de chez "
            "vous, pour apprendre à vous servir de l'équipement."
        ),
        return_heading="S'il ne vous sert plus",
        return_text=(
            "Rapportez-le à l'organisation qui vous l'a remis ou à un point de collecte Boucle : "
            "il sera reconditionné pour une autre famille."
        ),
        passport_heading="Fiche de l'appareil",
        passport_text=(
            "Conseils d'entretien et historique de l'appareil : scannez le code ou ouvrez"
        ),
        signatures_heading="Signatures",
        household_signature="Le foyer",
        agent_signature="Pour {organisation}",
        name_and_signature="Nom et signature",
    ),
    "en": _Wording(
        title="Receipt for a device handed over",
        reference="Household reference",
        device="Device",
        make_model="Make, model",
        label="Boucle label",
        grade="Condition",
        date="Handed over on",
        at="at",
        place="Place of hand-over",
        by_social_worker="Handed over by the social worker of {organisation}",
        erased="The previous owner's data was erased, and the erasure certified.",
        care_heading="Taking care of your device",
        tip_battery=(
            "Keep the battery between 20 and 80 % charged; avoid letting it run flat or leaving "
            "it in the sun."
        ),
        tip_updates="Accept system updates: they fix security holes.",
        tip_antivirus=(
            "The antivirus included in the system is enough: do not install software offered by "
            "an advert, and never give your passwords away."
        ),
        tip_ventilation=(
            "Keep the air vents clean and clear: put the device on a hard surface, not on a bed "
            "or a cushion."
        ),
        tip_cleaning="Clean the screen with a soft, dry cloth, with the device switched off.",
        help_heading="Need help?",
        help_call="Call {organisation}",
        help_mediation=(
            "You can also get support at a digital help place near you, to learn how to use "
            "the device."
        ),
        return_heading="When you no longer need it",
        return_text=(
            "Bring it back to the organisation that gave it to you or to a Boucle collection "
            "point: it will be refurbished for another family."
        ),
        passport_heading="Device page",
        passport_text="Care tips and the device's history: scan the code or open",
        signatures_heading="Signatures",
        household_signature="The household",
        agent_signature="For {organisation}",
        name_and_signature="Name and signature",
    ),
}


def render_receipt(receipt: HandOverReceipt) -> bytes:
    """The receipt as a one-page A4 PDF in the receipt's language (French by default)."""
    words = _WORDINGS[_language(receipt.language)]
    pdf = new_document(receipt.handed_over_at, f"{words.title} {format_code(receipt.label)}")
    pdf.set_lang(_language(receipt.language))
    title(pdf, words.title)
    facts(pdf, _device_facts(receipt, words))
    pdf.ln(2)
    paragraph(pdf, words.erased, style="B", size=BODY)
    heading(pdf, words.care_heading)
    bullets(pdf, _care_tips(receipt.device_type, words), size=BODY)
    heading(pdf, words.help_heading)
    paragraph(pdf, _help_line(receipt, words), style="B", size=BODY)
    paragraph(pdf, words.help_mediation, size=BODY)
    heading(pdf, words.return_heading)
    paragraph(pdf, words.return_text, size=BODY)
    _passport(pdf, receipt.passport_url, words)
    _signatures(pdf, receipt.organisation_name, words)
    return bytes(pdf.output())


def _device_facts(receipt: HandOverReceipt, words: _Wording) -> list[tuple[str, str]]:
    language = _language(receipt.language)
    rows = [
        (words.reference, receipt.household_reference),
        (words.device, _device_name(receipt.device_type, language)),
    ]
    if receipt.make_model.strip():
        rows.append((words.make_model, receipt.make_model.strip()))
    rows += [
        (words.label, format_code(receipt.label)),
        (words.grade, grade_in_words(receipt.grade, language)),
        (words.date, _paris_time(receipt.handed_over_at, language, words.at)),
    ]
    if receipt.handed_over_at_place.strip():
        rows.append((words.place, receipt.handed_over_at_place.strip()))
    else:
        rows.append(
            (words.place, words.by_social_worker.format(organisation=receipt.organisation_name))
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


def _care_tips(device_type: str, words: _Wording) -> list[str]:
    tips = []
    if device_type in BATTERY_DEVICES:
        tips.append(words.tip_battery)
    if device_type in SYSTEM_DEVICES:
        tips += [words.tip_updates, words.tip_antivirus]
    if device_type in {"laptop", "desktop", "printer", "monitor", "other"}:
        tips.append(words.tip_ventilation)
    if device_type != "printer":
        tips.append(words.tip_cleaning)
    return tips


def _help_line(receipt: HandOverReceipt, words: _Wording) -> str:
    call = words.help_call.format(organisation=receipt.organisation_name)
    contact = receipt.organisation_contact.strip()
    if not contact:
        return f"{call}."
    colon = ": " if _language(receipt.language) == "en" else " : "
    return f"{call}{colon}{contact}"


def _passport(pdf: FPDF, url: str, words: _Wording) -> None:
    heading(pdf, words.passport_heading)
    top = pdf.get_y()
    if top + QR_SIDE > pdf.page_break_trigger:
        pdf.add_page()
        top = pdf.get_y()
    draw_qr(pdf, url, pdf.l_margin, top, QR_SIDE)
    text_left = pdf.l_margin + QR_SIDE + 4
    pdf.set_xy(text_left, top + 8)
    pdf.set_font(SANS, size=BODY)
    pdf.multi_cell(0, LINE, words.passport_text, new_x="LEFT", new_y="NEXT")
    pdf.set_font(MONO, size=BODY)
    pdf.multi_cell(0, LINE, url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + QR_SIDE)


def _signatures(pdf: FPDF, organisation: str, words: _Wording) -> None:
    heading(pdf, words.signatures_heading)
    width = (pdf.epw - 6) / 2
    height = 30.0
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    captions = (words.household_signature, words.agent_signature.format(organisation=organisation))
    for index, caption in enumerate(captions):
        left = pdf.l_margin + index * (width + 6)
        pdf.rect(left, top, width, height)
        pdf.set_xy(left + 2, top + 1.5)
        pdf.set_font(SANS, style="B", size=9)
        pdf.cell(width - 4, LINE, caption)
        pdf.set_xy(left + 2, top + 1.5 + LINE)
        pdf.set_font(SANS, size=8)
        pdf.cell(width - 4, LINE, words.name_and_signature)
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
