"""The blank paper request form: the alternative to the online request, filled in by a social
worker or at a counter and typed in later by a coordinator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import msgspec
from fpdf import FPDF

from services.group_purchase.requests.receipt_pdf import (
    LINE,
    heading,
    new_document,
    paragraph,
    title,
)
from shared.pdf import SANS

CREATED_AT = datetime(2026, 1, 1, tzinfo=UTC)  # fixed, so every print of a version is the same
CHILDREN_CRITERION = "school_age_children"
NEED_ROWS = 3
BOX = 3.2  # mm, side of a tick box
ROW = 6.5  # mm, height of a line to write on
NEED_LABEL = 15.0  # mm, left column of a need block
NEED_TEXT = 9.0  # pt, so that each list of a need block holds on one line
CONSENT_HEIGHT = 45.0  # mm, heading, paragraph and signature kept together
TEXT = 9.5  # pt


class _Wording(msgspec.Struct, frozen=True):
    colon: str
    title: str
    intro: str
    organisation_heading: str
    organisation: str
    social_worker: str
    phone: str
    household_heading: str
    reference: str
    commune: str
    optional_contact: str
    name: str
    situation: str
    children_count: str
    equipment_heading: str
    existing_equipment: str
    internet: str
    internet_options: tuple[str, ...]
    other: str
    needs_heading: str
    need: str
    device_type: str
    device_types: tuple[str, ...]
    purpose: str
    purposes: tuple[str, ...]
    specs: str
    accessibility: str
    large_screen: str
    keyboard_layout: str
    pick_up_place: str
    consent_heading: str
    consent: str
    date: str
    signature: str
    coordination: str
    entered_by: str


_WORDINGS: dict[str, _Wording] = {
    "fr": _Wording(
        colon=" :",
        title="Demande d'équipement numérique - formulaire papier",
        intro=(
            "À remplir par l'intervenant social, ou au guichet avec le foyer, puis à remettre à "
            "la coordination Boucle qui saisira la demande. Écrivez lisiblement."
        ),
        organisation_heading="Organisation et intervenant social",
        organisation="Organisation",
        social_worker="Intervenant social (nom)",
        phone="Téléphone",
        household_heading="Le foyer",
        reference="Référence du foyer (remplie par Boucle)",
        commune="Commune",
        optional_contact=(
            "Facultatif - nom et contact pour la remise, conservés uniquement pour la remise :"
        ),
        name="Nom",
        situation="Situation (cochez ce qui s'applique) :",
        children_count="nombre d'enfants scolarisés :",
        equipment_heading="Équipement actuel et accès à internet",
        existing_equipment="Équipement déjà présent dans le foyer",
        internet="Accès à internet :",
        internet_options=("box ou fibre", "forfait mobile seulement", "aucun"),
        other="autre :",
        needs_heading="Besoins (un appareil par bloc)",
        need="Besoin",
        device_type="Type :",
        device_types=(
            "ordinateur portable",
            "ordinateur fixe",
            "tablette",
            "smartphone",
            "écran",
            "imprimante",
        ),
        purpose="Usage :",
        purposes=(
            "école",
            "recherche d'emploi",
            "démarches administratives",
            "santé",
            "garder le contact",
        ),
        specs="Caractéristiques minimales, remarques",
        accessibility="Besoins d'accessibilité :",
        large_screen="grand écran",
        keyboard_layout="disposition du clavier :",
        pick_up_place="Lieu de retrait souhaité",
        consent_heading="Consentement du foyer",
        consent=(
            "J'accepte que ces informations soient utilisées uniquement pour trouver un "
            "équipement pour mon foyer et me le remettre. Elles sont conservées jusqu'à la "
            "remise, puis effacées 12 mois après. Je peux à tout moment demander à les consulter "
            "ou à les faire effacer, auprès de l'intervenant social qui m'accompagne."
        ),
        date="Date",
        signature="Signature d'un membre du foyer",
        coordination="Réservé à la coordination : saisi le",
        entered_by="par",
    ),
    "en": _Wording(
        colon=":",
        title="Request for digital equipment - paper form",
        intro=(
            "To be filled in by the social worker, or at a counter with the household, then "
            "handed to the Boucle coordination, who will type the request in. Please write "
            "clearly."
        ),
        organisation_heading="Organisation and social worker",
        organisation="Organisation",
        social_worker="Social worker (name)",
        phone="Phone",
        household_heading="The household",
        reference="Household reference (filled in by Boucle)",
        commune="Town",
        optional_contact=(
            "Optional - name and contact for the hand-over, kept only for the hand-over:"
        ),
        name="Name",
        situation="Situation (tick what applies):",
        children_count="number of school-age children:",
        equipment_heading="Current equipment and internet access",
        existing_equipment="Equipment the household already has",
        internet="Internet access:",
        internet_options=("home broadband", "mobile plan only", "none"),
        other="other:",
        needs_heading="Needs (one device per block)",
        need="Need",
        device_type="Type:",
        device_types=("laptop", "desktop computer", "tablet", "smartphone", "monitor", "printer"),
        purpose="Purpose:",
        purposes=("school", "job search", "official paperwork", "health", "keeping in touch"),
        specs="Minimum specifications, notes",
        accessibility="Accessibility needs:",
        large_screen="large screen",
        keyboard_layout="keyboard layout:",
        pick_up_place="Preferred pick-up place",
        consent_heading="Household's consent",
        consent=(
            "I agree that this information is used only to find a device for my household and "
            "hand it over to us. It is kept until the hand-over, then erased 12 months later. I "
            "can ask at any time to see it or to have it erased, through the social worker who "
            "supports me."
        ),
        date="Date",
        signature="Signature of a household member",
        coordination="For the coordination only: typed in on",
        entered_by="by",
    ),
}


def render_request_form(criteria: Sequence[tuple[str, str]], language: str = "fr") -> bytes:
    """The blank form, with the published priority ``criteria`` (key, label) as tick boxes."""
    words = _WORDINGS["en" if language == "en" else "fr"]
    pdf = new_document(CREATED_AT, words.title)
    pdf.set_lang("en" if language == "en" else "fr")
    title(pdf, words.title)
    paragraph(pdf, words.intro)
    _organisation(pdf, words)
    _household(pdf, criteria, words)
    _equipment(pdf, words)
    _needs(pdf, words)
    _consent(pdf, words)
    _coordination(pdf, words)
    return bytes(pdf.output())


def _organisation(pdf: FPDF, words: _Wording) -> None:
    heading(pdf, words.organisation_heading)
    _write_on(pdf, [(words.organisation, 1.0)], words.colon)
    _write_on(pdf, [(words.social_worker, 0.6), (words.phone, 0.4)], words.colon)


def _household(pdf: FPDF, criteria: Sequence[tuple[str, str]], words: _Wording) -> None:
    heading(pdf, words.household_heading)
    _write_on(pdf, [(words.reference, 0.6), (words.commune, 0.4)], words.colon)
    paragraph(pdf, words.optional_contact, style="I", size=TEXT)
    _write_on(pdf, [(words.name, 0.5), (words.phone, 0.5)], words.colon)
    paragraph(pdf, words.situation, size=TEXT)
    _criteria(pdf, criteria, words.children_count)


def _criteria(pdf: FPDF, criteria: Sequence[tuple[str, str]], children_count: str) -> None:
    """Two columns of tick boxes, in the published order; a long label takes a whole row."""
    pdf.set_font(SANS, size=TEXT)
    half = pdf.epw / 2
    column = 0
    for key, label in criteria:
        text = label
        width = BOX + 3 + pdf.get_string_width(text)
        whole_row = key == CHILDREN_CRITERION or width > half
        if column == 1 and whole_row:
            pdf.ln(LINE + 0.5)
            column = 0
        pdf.set_x(pdf.l_margin + column * half)
        _tick_box(pdf, text, width)
        if key == CHILDREN_CRITERION:
            _blank_after(pdf, children_count, pdf.l_margin + pdf.epw)
        if whole_row or column == 1:
            pdf.ln(LINE + 0.5)
            column = 0
        else:
            column = 1
    if column == 1:
        pdf.ln(LINE + 0.5)


def _equipment(pdf: FPDF, words: _Wording) -> None:
    heading(pdf, words.equipment_heading)
    _write_on(pdf, [(words.existing_equipment, 1.0)], words.colon)
    _tick_boxes(pdf, [*words.internet_options, words.other], lead=words.internet, blank_after="")


def _needs(pdf: FPDF, words: _Wording) -> None:
    heading(pdf, words.needs_heading)
    margin = pdf.l_margin
    for number in range(1, NEED_ROWS + 1):
        top = pdf.get_y()
        pdf.set_font(SANS, style="B", size=NEED_TEXT)
        pdf.cell(NEED_LABEL, LINE + 0.5, f"{words.need} {number}")
        pdf.set_left_margin(margin + NEED_LABEL)
        _tick_boxes(pdf, words.device_types, lead=words.device_type, size=NEED_TEXT)
        _tick_boxes(pdf, words.purposes, lead=words.purpose, size=NEED_TEXT)
        _write_on(pdf, [(words.specs, 1.0)], words.colon)
        pdf.set_left_margin(margin)
        pdf.set_draw_color(150, 150, 150)
        pdf.rect(margin - 2, top - 0.5, pdf.epw + 4, pdf.get_y() - top + 0.5)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(pdf.get_y() + 1)
    _tick_boxes(
        pdf,
        [words.large_screen, words.keyboard_layout, words.other],
        lead=words.accessibility,
        blank_after="",
    )
    _write_on(pdf, [(words.pick_up_place, 1.0)], words.colon)


def _consent(pdf: FPDF, words: _Wording) -> None:
    if pdf.get_y() + CONSENT_HEIGHT > pdf.page_break_trigger:
        pdf.add_page()
    heading(pdf, words.consent_heading)
    top = pdf.get_y()
    pdf.set_xy(pdf.l_margin + 2, top + 1)
    pdf.set_font(SANS, size=TEXT)
    pdf.multi_cell(pdf.epw - 4, LINE, words.consent, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_left_margin(pdf.l_margin + 2)
    _write_on(pdf, [(words.date, 0.3), (words.signature, 0.7)], words.colon)
    pdf.set_left_margin(pdf.l_margin - 2)
    pdf.ln(8)
    pdf.rect(pdf.l_margin, top, pdf.epw, pdf.get_y() - top)


def _coordination(pdf: FPDF, words: _Wording) -> None:
    pdf.ln(3)
    pdf.set_fill_color(235, 235, 235)
    pdf.rect(pdf.l_margin, pdf.get_y(), pdf.epw, ROW + 2, style="F")
    pdf.set_left_margin(pdf.l_margin + 2)
    _write_on(pdf, [(words.coordination, 0.55), (words.entered_by, 0.45)])
    pdf.set_left_margin(pdf.l_margin - 2)


def _write_on(pdf: FPDF, fields: Sequence[tuple[str, float]], colon: str = "") -> None:
    """One row of labelled lines to write on; each field takes its share of the width."""
    pdf.set_font(SANS, size=TEXT)
    left = pdf.l_margin
    bottom = pdf.get_y() + ROW
    for label, share in fields:
        width = pdf.epw * share
        _labelled_line(pdf, label + colon, left, width, bottom)
        left += width
    pdf.set_xy(pdf.l_margin, bottom + 1)


def _labelled_line(pdf: FPDF, label: str, left: float, width: float, bottom: float) -> None:
    text = label
    text_width = pdf.get_string_width(text) + 1.5
    pdf.set_xy(left, bottom - LINE)
    pdf.cell(text_width, LINE, text)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(left + text_width, bottom - 0.8, left + width - 3, bottom - 0.8)
    pdf.set_draw_color(0, 0, 0)


def _tick_boxes(
    pdf: FPDF,
    options: Sequence[str],
    lead: str = "",
    blank_after: str | None = None,
    size: float = TEXT,
) -> None:
    """Options in a flowing row, each behind an empty box; the last one is followed by a line
    to write on when ``blank_after`` is given (its text first, if any)."""
    pdf.set_font(SANS, size=size)
    right = pdf.l_margin + pdf.epw
    pdf.set_x(pdf.l_margin)
    if lead:
        pdf.cell(pdf.get_string_width(lead) + 3, LINE + 0.5, lead)
    for option in options:
        text = option
        width = BOX + 1.5 + pdf.get_string_width(text) + 3.5
        if pdf.get_x() + width > right:
            pdf.ln(LINE + 0.5)
            pdf.set_x(pdf.l_margin + 6)
        _tick_box(pdf, text, width)
    if blank_after is not None:
        _blank_after(pdf, blank_after, right)
    pdf.ln(LINE + 0.5)


def _tick_box(pdf: FPDF, text: str, width: float) -> None:
    x, y = pdf.get_x(), pdf.get_y()
    pdf.rect(x, y + (LINE + 0.5 - BOX) / 2, BOX, BOX)
    pdf.set_x(x + BOX + 1.5)
    pdf.cell(width - BOX - 1.5, LINE + 0.5, text)


def _blank_after(pdf: FPDF, text: str, right: float) -> None:
    if text:
        pdf.set_x(pdf.get_x() + 3)
        pdf.cell(pdf.get_string_width(text) + 1.5, LINE + 0.5, text)
    end = min(right - 3, pdf.get_x() + 60)
    baseline = pdf.get_y() + LINE
    pdf.set_draw_color(120, 120, 120)
    pdf.line(pdf.get_x(), baseline, end, baseline)
    pdf.set_draw_color(0, 0, 0)
