"""A photo of a printed label gives back its code; anything else says what to do."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFilter

from services.collection_point.intake.scanning import UnreadablePhoto, label_in_photo
from shared.label_sheets import render_png
from shared.labels import generate_code

PUBLIC = "https://boucle.lillemetropole.fr"


def _photo(image: Image.Image, kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format=kind, quality=70)
    return buffer.getvalue()


def test_a_tilted_blurry_jpeg_of_a_label_on_a_desk_gives_its_code() -> None:
    code = generate_code()
    label = Image.open(io.BytesIO(render_png(code, PUBLIC, module_pixels=6)))
    desk = Image.new("L", (1200, 900), 170)
    desk.paste(label.rotate(12, expand=True, fillcolor=255), (380, 200))
    assert label_in_photo(_photo(desk.filter(ImageFilter.GaussianBlur(1.2)))) == code


def test_a_photo_without_a_label_asks_to_retake_it_or_type_the_code() -> None:
    with pytest.raises(UnreadablePhoto, match="type the 9 characters"):
        label_in_photo(_photo(Image.new("L", (640, 480), 200)))


def test_two_labels_in_one_photo_are_refused() -> None:
    first, second = (
        Image.open(io.BytesIO(render_png(generate_code(), PUBLIC, module_pixels=5)))
        for _ in range(2)
    )
    both = Image.new("L", (first.width * 2 + 60, first.height + 40), 255)
    both.paste(first, (20, 20))
    both.paste(second, (first.width + 40, 20))
    with pytest.raises(UnreadablePhoto, match="several labels"):
        label_in_photo(_photo(both, "PNG"))


def test_a_file_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(UnreadablePhoto, match="not a photo"):
        label_in_photo(b"%PDF-1.7 not an image")
