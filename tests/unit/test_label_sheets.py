"""Printed labels scan back to their codes with a real decoder, on every sheet and roll."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from shared.label_sheets import (
    FORMATS,
    qr_modules,
    render_png,
    render_sheets,
    render_svg,
)
from shared.labels import generate_code, parse_code

PUBLIC = "https://boucle.lillemetropole.fr"


def _decoded(image: Image.Image) -> list[str]:
    return [parse_code(result.text) for result in zxingcpp.read_barcodes(image)]


def _pages(pdf: bytes, scale: float = 6) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=scale).to_pil() for page in document]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_label_of_a_printed_sheet_scans_back_to_its_code(name: str) -> None:
    sheet = FORMATS[name]
    codes = [generate_code() for _ in range(sheet.per_page + 2)]
    pages = _pages(render_sheets(codes, sheet, PUBLIC))
    assert len(pages) == -(-len(codes) // sheet.per_page)
    found = [code for page in pages for code in _decoded(page)]
    assert sorted(found) == sorted(codes)


def test_a_full_avery_l7651_page_holds_65_labels() -> None:
    codes = [generate_code() for _ in range(65)]
    assert len(_pages(render_sheets(codes, FORMATS["L7651"], PUBLIC))) == 1


def test_the_qr_code_holds_the_upper_case_passport_url_at_level_q() -> None:
    code = generate_code()
    png = Image.open(io.BytesIO(render_png(code, PUBLIC)))
    results = zxingcpp.read_barcodes(png)
    assert [r.text for r in results] == [f"HTTPS://BOUCLE.LILLEMETROPOLE.FR/D/{code}"]
    assert results[0].ec_level == "Q"
    assert len(qr_modules(results[0].text)) <= 29  # version 3 at most: small on a label


def test_a_single_label_as_svg_shows_the_grouped_code_for_people() -> None:
    code = generate_code()
    svg = render_svg(code, PUBLIC)
    assert svg.startswith("<svg")
    assert f"{code[:4]}-{code[4:8]}-{code[8]}" in svg
