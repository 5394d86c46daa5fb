"""Text read back from the PDFs the request pages give."""

from __future__ import annotations

import pypdfium2


def pdf_text(document: bytes) -> str:
    pdf = pypdfium2.PdfDocument(document)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)
