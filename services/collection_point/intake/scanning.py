"""A photo of a label, taken with any phone, decoded on the server (no script needed)."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from shared.errors import DomainError
from shared.labels import LabelError, parse_code

QR_ONLY = zxingcpp.barcode_formats_from_str("QRCode")
MAX_PIXELS = 40_000_000  # a 12 MP phone photo is far below; a decompression bomb is not


class UnreadablePhoto(DomainError):
    pass


def label_in_photo(photo: bytes) -> str:
    """The label code of the (one) Boucle QR code in ``photo``."""
    try:
        with Image.open(io.BytesIO(photo)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise UnreadablePhoto(
                    "This photo is too large; take it again at normal size.",
                    code="counter.photo_too_large",
                )
            image = ImageOps.exif_transpose(opened).convert("L")
    except (UnidentifiedImageError, OSError) as error:
        raise UnreadablePhoto(
            "This file is not a photo (JPEG, PNG or WebP).", code="counter.photo_not_image"
        ) from error
    codes = set()
    for result in zxingcpp.read_barcodes(image, formats=QR_ONLY):
        try:
            codes.add(parse_code(result.text))
        except LabelError:
            continue
    if not codes:
        raise UnreadablePhoto(
            "No Boucle label found in this photo. Take it again closer, with the whole QR code "
            "in the frame, or type the 9 characters printed beside it.",
            code="counter.photo_no_label",
        )
    if len(codes) > 1:
        raise UnreadablePhoto(
            "This photo shows several labels; photograph one label at a time.",
            code="counter.photo_several",
        )
    return codes.pop()
