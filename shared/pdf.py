"""What every PDF of Boucle needs: embedded fonts that print every name, in any script.

Source Sans 3 and Source Code Pro print Latin (French and every European language), Greek,
Cyrillic and Vietnamese; Kurinto Sans prints Arabic, Hebrew, Indic and South-East Asian
scripts and kana, Kurinto Sans SC the Han characters and Kurinto Sans KR Hangul. All come
from the ``weblate-fonts`` package (SIL Open Font License 1.1) and are subset into each PDF.
HarfBuzz shapes the text, so Arabic letters join and right-to-left names read right to left."""

from __future__ import annotations

import copy
import functools
from importlib import resources
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TextEmphasis
from fpdf.fonts import SubsetMap, TTFFont

SANS = "sans"
MONO = "mono"

_FONT_FOLDER = resources.files("weblate_fonts") / "static" / "weblate_fonts"

_TEXT_FONTS = {
    (SANS, ""): "source-sans/ttf/SourceSans3-Regular.ttf",
    (SANS, "B"): "source-sans/ttf/SourceSans3-Bold.ttf",
    (SANS, "I"): "source-sans/ttf/SourceSans3-It.ttf",
    (SANS, "BI"): "source-sans/ttf/SourceSans3-BoldIt.ttf",
    (MONO, ""): "source-code/ttf/SourceCodePro-Regular.ttf",
    (MONO, "B"): "source-code/ttf/SourceCodePro-Bold.ttf",
}

# Tried in this order for a character the text fonts lack. They are large (5 to 10 MB each):
# a document gets one only once it prints one of its characters.
_FALLBACK_FONTS = {
    ("kurinto", ""): "kurinto/ttf/KurintoSans-Rg.ttf",
    ("kurinto", "B"): "kurinto/ttf/KurintoSans-Bd.ttf",
    ("kurinto-sc", ""): "kurinto/ttf/KurintoSansSC-Rg.ttf",
    ("kurinto-sc", "B"): "kurinto/ttf/KurintoSansSC-Bd.ttf",
    ("kurinto-kr", ""): "kurinto/ttf/KurintoSansKR-Rg.ttf",
    ("kurinto-kr", "B"): "kurinto/ttf/KurintoSansKR-Bd.ttf",
}

_LAYOUT_TABLES = ("GDEF", "GSUB", "GPOS")


class UnicodePDF(FPDF):
    """An FPDF document whose fonts ``SANS`` and ``MONO`` (regular and bold, italic for sans)
    print any script, with text shaping on."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._fallback_families: list[str] = []
        self.set_text_shaping(True)

    def set_font(
        self, family: str | None = None, style: str | TextEmphasis = "", size: float = 0
    ) -> None:
        # A font is added when first asked for: each one embedded costs time and bytes.
        letters = style.style if isinstance(style, TextEmphasis) else style
        wanted = ((family or self.font_family).lower(), "".join(sorted(letters.upper())))
        if wanted in _TEXT_FONTS and "".join(wanted) not in self.fonts:
            self._add_known_font(*wanted, _TEXT_FONTS[wanted])
        super().set_font(family, style, size)

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """The first fallback font that has ``char``, bold for bold text, added to the
        document when it is first needed."""
        weight = "B" if "B" in style.upper() else ""
        for (family, font_style), file in _FALLBACK_FONTS.items():
            if font_style == weight and ord(char) in _font_metrics(file, font_style).cmap:
                if family + font_style not in self.fonts:
                    self._add_known_font(family, font_style, file)
                    if family not in self._fallback_families:
                        self._fallback_families.append(family)
                    self.set_fallback_fonts(self._fallback_families, exact_match=False)
                return family + font_style
        return None

    def _add_known_font(self, family: str, style: str, file: str) -> None:
        """``add_font`` without reading the font again: a copy of the metrics read once per
        process, with its own glyph subset and its own file handle, since writing the PDF
        subsets the font in place."""
        font = copy.copy(_font_metrics(file, style))
        font.i = len(self.fonts) + 1
        font.fontkey = family + style
        font.ttfont = TTFont(font.ttffile, recalcTimestamp=False, lazy=True)
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None  # opened again (it is cheap): shaping sets its size
        for table in _LAYOUT_TABLES:  # never embedded, and slow to subset; HarfBuzz reads the file
            if table in font.ttfont:
                del font.ttfont[table]
        self.fonts[font.fontkey] = font


@functools.cache
def _font_metrics(file: str, style: str) -> TTFFont:
    """A font's widths and character map, read once per process (a third of a second for a
    large font) and shared by every document, which only reads them."""
    return TTFFont(FPDF(), Path(str(_FONT_FOLDER / file)), "", style)
