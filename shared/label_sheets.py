"""Printable labels: QR codes (level Q, upper-case URL) on Avery sheets and Brother rolls."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Literal

import msgspec
import qrcode
import qrcode.constants
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from shared.labels import format_code, passport_url
from shared.pdf import MONO, SANS, UnicodePDF

SheetName = Literal["L7651", "L7160", "brother-62", "brother-29x90"]


class SheetChoice(msgspec.Struct, frozen=True, kw_only=True):
    """The ``format`` a sheet of labels is asked in (a query parameter)."""

    format: SheetName = "L7651"


QUIET_MODULES = 4  # the quiet zone the QR standard asks for, on every side
PROGRAMME = "Boucle"


class SheetFormat(msgspec.Struct, frozen=True, kw_only=True):
    """A page of labels, in millimetres; a roll is a page per label."""

    name: SheetName
    description: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    left: float = 0.0
    top: float = 0.0
    pitch_x: float = 0.0
    pitch_y: float = 0.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


FORMATS: dict[str, SheetFormat] = {
    sheet.name: sheet
    for sheet in (
        SheetFormat(
            name="L7651",
            description="Avery L7651, A4, 65 labels 38.1 × 21.2 mm",
            page_width=210,
            page_height=297,
            columns=5,
            rows=13,
            label_width=38.1,
            label_height=21.2,
            left=4.75,
            top=10.7,
            pitch_x=40.64,
            pitch_y=21.2,
        ),
        SheetFormat(
            name="L7160",
            description="Avery L7160, A4, 21 labels 63.5 × 38.1 mm",
            page_width=210,
            page_height=297,
            columns=3,
            rows=7,
            label_width=63.5,
            label_height=38.1,
            left=7.2,
            top=15.15,
            pitch_x=66.04,
            pitch_y=38.1,
        ),
        SheetFormat(
            name="brother-62",
            description="Brother QL, 62 mm continuous roll, 62 × 29 mm per label",
            page_width=62,
            page_height=29,
            columns=1,
            rows=1,
            label_width=62,
            label_height=29,
        ),
        SheetFormat(
            name="brother-29x90",
            description="Brother QL, 29 × 90 mm die-cut labels",
            page_width=90,
            page_height=29,
            columns=1,
            rows=1,
            label_width=90,
            label_height=29,
        ),
    )
}


def qr_modules(url: str) -> list[list[bool]]:
    """The QR matrix of ``url`` at level Q, without quiet zone (alphanumeric mode when the
    URL is upper case)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def render_sheets(codes: Sequence[str], sheet: SheetFormat, public: str) -> bytes:
    """A PDF with one label per code, laid out on ``sheet``; QR codes drawn as vectors."""
    pdf = UnicodePDF(unit="mm", format=(sheet.page_width, sheet.page_height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"{PROGRAMME} — {len(codes)} labels ({sheet.name})")
    pdf.set_creator(PROGRAMME)
    for index, code in enumerate(codes):
        slot = index % sheet.per_page
        if slot == 0:
            pdf.add_page()
        x = sheet.left + (slot % sheet.columns) * sheet.pitch_x
        y = sheet.top + (slot // sheet.columns) * sheet.pitch_y
        _draw_label(pdf, code, public, x, y, sheet.label_width, sheet.label_height)
    return bytes(pdf.output())


def _draw_label(
    pdf: FPDF, code: str, public: str, x: float, y: float, width: float, height: float
) -> None:
    modules = qr_modules(passport_url(public, code))
    side = height - 1.0
    module = side / (len(modules) + 2 * QUIET_MODULES)
    origin_x = x + 0.5 + QUIET_MODULES * module
    origin_y = y + 0.5 + QUIET_MODULES * module
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(modules):
        for column_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    origin_x + column_index * module,
                    origin_y + row_index * module,
                    module,
                    module,
                    style="F",
                )
    text_x = x + side + 1.0
    text_width = width - side - 1.5
    font_size = min(14.0, text_width / (len(format_code(code)) * 0.6) * 72 / 25.4)
    pdf.set_font(MONO, style="B", size=font_size)
    pdf.set_xy(text_x, y + height / 2 - font_size * 25.4 / 72)
    pdf.cell(text_width, font_size * 25.4 / 72, format_code(code))
    pdf.set_font(SANS, size=max(5.0, font_size * 0.7))
    pdf.set_xy(text_x, y + height / 2 + 0.5)
    pdf.cell(text_width, font_size * 25.4 / 72, PROGRAMME)


def render_svg(code: str, public: str) -> str:
    """One label as SVG: the QR with its quiet zone, and the grouped code under it."""
    modules = qr_modules(passport_url(public, code))
    size = len(modules) + 2 * QUIET_MODULES
    text_height = 6
    rects = "".join(
        f'<rect x="{column + QUIET_MODULES}" y="{row + QUIET_MODULES}" width="1" height="1"/>'
        for row, line in enumerate(modules)
        for column, dark in enumerate(line)
        if dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + text_height}" '
        f'role="img" aria-label="{format_code(code)}">'
        f'<rect width="{size}" height="{size + text_height}" fill="#fff"/>'
        f'<g fill="#000">{rects}</g>'
        f'<text x="{size / 2}" y="{size + text_height - 2}" font-family="monospace" '
        f'font-weight="bold" font-size="4" text-anchor="middle">{format_code(code)}</text>'
        "</svg>"
    )


def render_png(code: str, public: str, module_pixels: int = 10) -> bytes:
    """One label as PNG, for a thermal printer's own software or a quick reprint."""
    modules = qr_modules(passport_url(public, code))
    size = (len(modules) + 2 * QUIET_MODULES) * module_pixels
    text_height = 8 * module_pixels
    image = Image.new("L", (size, size + text_height), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(modules):
        for column, dark in enumerate(line):
            if dark:
                left = (column + QUIET_MODULES) * module_pixels
                top = (row + QUIET_MODULES) * module_pixels
                draw.rectangle(
                    (left, top, left + module_pixels - 1, top + module_pixels - 1), fill=0
                )
    font = ImageFont.load_default(size=5 * module_pixels)
    draw.text((size / 2, size + text_height / 2), format_code(code), fill=0, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
