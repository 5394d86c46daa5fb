"""The blank paper request form: the alternative to the online request, filled in by a social
worker or at a counter and typed in later by a coordinator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from fpdf import FPDF

from services.group_purchase.requests.receipt_pdf import (
    LINE,
    heading,
    new_document,
    paragraph,
    title,
)
from shared.pdf import SANS
from shared.web.i18n import Translator, translator

CREATED_AT = datetime(2026, 1, 1, tzinfo=UTC)  # fixed, so every print of a version is the same
CHILDREN_CRITERION = "school_age_children"
NEED_ROWS = 3
BOX = 3.2  # mm, side of a tick box
ROW = 6.5  # mm, height of a line to write on
NEED_LABEL = 15.0  # mm, left column of a need block
NEED_TEXT = 9.0  # pt, so that each list of a need block holds on one line
CONSENT_HEIGHT = 45.0  # mm, heading, paragraph and signature kept together
TEXT = 9.5  # pt
# the choices printed as tick boxes, by their catalog keys
DEVICE_TYPES = tuple(
    f"paper_form.type.{kind}"
    for kind in ("laptop", "desktop", "tablet", "smartphone", "monitor", "printer")
)
PURPOSES = tuple(
    f"paper_form.purpose.{purpose}"
    for purpose in ("school", "job_search", "paperwork", "health", "keeping_in_touch")
)


def render_request_form(criteria: Sequence[tuple[str, str]], language: str = "fr") -> bytes:
    """The blank form, with the published priority ``criteria`` (key, label) as tick boxes."""
    t = translator("en" if language == "en" else "fr")
    pdf = new_document(CREATED_AT, t("paper_form.title"))
    pdf.set_lang("en" if language == "en" else "fr")
    title(pdf, t("paper_form.title"))
    paragraph(pdf, t("paper_form.intro"))
    _organisation(pdf, t)
    _household(pdf, criteria, t)
    _equipment(pdf, t)
    _needs(pdf, t)
    _consent(pdf, t)
    _coordination(pdf, t)
    return bytes(pdf.output())


def _organisation(pdf: FPDF, t: Translator) -> None:
    heading(pdf, t("paper_form.organisation_heading"))
    _write_on(pdf, [(t("paper_form.organisation"), 1.0)], t("paper_form.colon"))
    _write_on(
        pdf,
        [(t("paper_form.social_worker"), 0.6), (t("paper_form.phone"), 0.4)],
        t("paper_form.colon"),
    )


def _household(pdf: FPDF, criteria: Sequence[tuple[str, str]], t: Translator) -> None:
    heading(pdf, t("paper_form.household_heading"))
    _write_on(
        pdf,
        [(t("paper_form.reference"), 0.6), (t("paper_form.commune"), 0.4)],
        t("paper_form.colon"),
    )
    paragraph(pdf, t("paper_form.optional_contact"), style="I", size=TEXT)
    _write_on(
        pdf, [(t("paper_form.name"), 0.5), (t("paper_form.phone"), 0.5)], t("paper_form.colon")
    )
    paragraph(pdf, t("paper_form.situation"), size=TEXT)
    _criteria(pdf, criteria, t("paper_form.children_count"))


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


def _equipment(pdf: FPDF, t: Translator) -> None:
    heading(pdf, t("paper_form.equipment_heading"))
    _write_on(pdf, [(t("paper_form.existing_equipment"), 1.0)], t("paper_form.colon"))
    _tick_boxes(
        pdf,
        [
            t("paper_form.internet.home"),
            t("paper_form.internet.phone_only"),
            t("paper_form.internet.none"),
            t("paper_form.other"),
        ],
        lead=t("paper_form.internet"),
        blank_after="",
    )


def _needs(pdf: FPDF, t: Translator) -> None:
    heading(pdf, t("paper_form.needs_heading"))
    margin = pdf.l_margin
    for number in range(1, NEED_ROWS + 1):
        top = pdf.get_y()
        pdf.set_font(SANS, style="B", size=NEED_TEXT)
        pdf.cell(NEED_LABEL, LINE + 0.5, f"{t('paper_form.need')} {number}")
        pdf.set_left_margin(margin + NEED_LABEL)
        _tick_boxes(
            pdf, [t(key) for key in DEVICE_TYPES], lead=t("paper_form.device_type"), size=NEED_TEXT
        )
        _tick_boxes(pdf, [t(key) for key in PURPOSES], lead=t("paper_form.purpose"), size=NEED_TEXT)
        _tick_boxes(
            pdf,
            (
                t("paper_form.purpose.school"),
                t("paper_form.purpose.job_search"),
                t("paper_form.purpose.paperwork"),
                t("paper_form.purpose.health"),
                t("paper_form.purpose.keeping_in_touch"),
            ),
            lead=t("paper_form.purpose"),
            size=NEED_TEXT,
        )
        _write_on(pdf, [(t("paper_form.specs"), 1.0)], t("paper_form.colon"))
        pdf.set_left_margin(margin)
        pdf.set_draw_color(150, 150, 150)
        pdf.rect(margin - 2, top - 0.5, pdf.epw + 4, pdf.get_y() - top + 0.5)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(pdf.get_y() + 1)
    _tick_boxes(
        pdf,
        [t("paper_form.large_screen"), t("paper_form.keyboard_layout"), t("paper_form.other")],
        lead=t("paper_form.accessibility"),
        blank_after="",
    )
    _write_on(pdf, [(t("paper_form.pick_up_place"), 1.0)], t("paper_form.colon"))


def _consent(pdf: FPDF, t: Translator) -> None:
    if pdf.get_y() + CONSENT_HEIGHT > pdf.page_break_trigger:
        pdf.add_page()
    heading(pdf, t("paper_form.consent_heading"))
    top = pdf.get_y()
    pdf.set_xy(pdf.l_margin + 2, top + 1)
    pdf.set_font(SANS, size=TEXT)
    pdf.multi_cell(
        pdf.epw - 4, LINE, t("paper_form.consent"), align="L", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_left_margin(pdf.l_margin + 2)
    _write_on(
        pdf, [(t("paper_form.date"), 0.3), (t("paper_form.signature"), 0.7)], t("paper_form.colon")
    )
    pdf.set_left_margin(pdf.l_margin - 2)
    pdf.ln(8)
    pdf.rect(pdf.l_margin, top, pdf.epw, pdf.get_y() - top)


def _coordination(pdf: FPDF, t: Translator) -> None:
    pdf.ln(3)
    pdf.set_fill_color(235, 235, 235)
    pdf.rect(pdf.l_margin, pdf.get_y(), pdf.epw, ROW + 2, style="F")
    pdf.set_left_margin(pdf.l_margin + 2)
    _write_on(pdf, [(t("paper_form.coordination"), 0.55), (t("paper_form.entered_by"), 0.45)])
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
