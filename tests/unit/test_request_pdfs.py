"""The hand-over receipt and the paper request form: what a family or a social worker reads on
them, and the same input always printing the same document."""

from __future__ import annotations

import re

import pypdfium2

from services.group_purchase.requests.paper_form_pdf import render_request_form
from services.group_purchase.requests.receipt_pdf import render_receipt
from tests.support.receipts import receipt

CRITERIA = [
    ("school_age_children", "Enfants scolarisés dans le foyer"),
    ("no_computer", "Aucun ordinateur dans le foyer"),
    ("job_search", "Recherche d’emploi ou formation en cours"),
    ("single_parent", "Famille monoparentale"),
    ("minimum_income", "Bénéficiaire de minima sociaux (RSA, AAH…)"),
    ("disability", "Personne en situation de handicap"),
]


def _pages(document: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(document)]


def _text(document: bytes) -> str:
    """The document's text with line breaks and repeated spaces folded into single spaces."""
    return re.sub(r"\s+", " ", " ".join(_pages(document)))


def test_the_receipt_shows_the_formatted_label_the_grade_in_words_and_the_place() -> None:
    text = _text(render_receipt(receipt()))
    for expected in (
        "Reçu de remise d'un équipement",
        "M-7K2Q9",
        "Ordinateur portable",
        "Lenovo ThinkPad T480",
        "K7Q2-M9XB-A",
        "traces d'usage visibles",
        "12 mars 2026 à 14:30",  # Paris time, one hour ahead of UTC in March
        "Maison de quartier Jean Macé",
        "Les données de l'ancien propriétaire ont été effacées et certifiées.",
        "entre 20 et 80 %",
    ):
        assert expected in text


def test_no_grade_is_ever_called_as_new() -> None:
    for grade in ("A", "B", "C"):
        for language in ("fr", "en"):
            text = _text(render_receipt(receipt(grade=grade, language=language))).lower()
            assert "comme neuf" not in text
            assert "as new" not in text
            assert "like new" not in text


def test_a_device_handed_over_by_the_social_worker_says_so() -> None:
    text = _text(render_receipt(receipt(handed_over_at_place="")))
    assert "Remis par l'intervenant social de CCAS de Roubaix" in text


def test_the_receipt_says_whom_to_call_and_how_to_bring_the_device_back() -> None:
    text = _text(render_receipt(receipt()))
    assert "CCAS de Roubaix : 03 20 00 00 00" in text
    assert "un lieu de médiation numérique près de chez vous" in text
    assert (
        "Rapportez-le à l'organisation qui vous l'a remis ou à un point de collecte Boucle : "
        "il sera reconditionné pour une autre famille."
    ) in text
    assert "HTTPS://BOUCLE.EXAMPLE/D/K7Q2M9XBA" in text


def test_the_english_receipt_is_in_english() -> None:
    text = _text(render_receipt(receipt(language="en", grade="A")))
    for expected in (
        "Receipt for a device handed over",
        "Laptop",
        "very good, light signs of use at most",
        "12 March 2026 at 14:30",
        "The previous owner's data was erased",
        "Call CCAS de Roubaix: 03 20 00 00 00",
        "Boucle collection point",
    ):
        assert expected in text
    for french in ("Reçu", "Rapportez", "Ordinateur portable"):
        assert french not in text


def test_the_receipt_holds_on_one_page_and_keeps_typographic_marks() -> None:
    document = render_receipt(receipt(organisation_name="Centre social l’Arbrisseau — Fives"))
    assert len(_pages(document)) == 1
    assert "Centre social l’Arbrisseau — Fives" in _text(document)


def test_the_same_receipt_renders_to_the_same_bytes_and_another_label_to_others() -> None:
    assert render_receipt(receipt()) == render_receipt(receipt())
    assert render_receipt(receipt()) != render_receipt(receipt(label="K7Q2M9XBB"))


def test_the_paper_form_lists_every_published_criterion_and_the_consent() -> None:
    document = render_request_form(CRITERIA)
    text = _text(document)
    assert "Demande d'équipement numérique - formulaire papier" in text
    for _, label in CRITERIA:
        assert label in text
    assert "nombre d'enfants scolarisés" in text
    assert "uniquement pour trouver un équipement pour mon foyer et me le remettre" in text
    assert "effacées 12 mois après" in text
    assert "Réservé à la coordination : saisi le" in text
    assert len(_pages(document)) <= 2


def test_the_paper_form_asks_for_each_need_and_says_the_contact_is_optional() -> None:
    text = _text(render_request_form(CRITERIA))
    assert text.count("ordinateur portable") == 3
    assert "démarches administratives" in text
    assert "Facultatif - nom et contact pour la remise" in text
    assert "grand écran" in text
    assert "Lieu de retrait souhaité" in text


def test_the_english_paper_form_is_in_english() -> None:
    text = _text(render_request_form([("school_age_children", "School-age children")], "en"))
    assert "Request for digital equipment - paper form" in text
    assert "number of school-age children" in text
    assert "erased 12 months later" in text
    assert "formulaire" not in text


def test_the_paper_form_is_the_same_document_at_every_print() -> None:
    assert render_request_form(CRITERIA) == render_request_form(CRITERIA)
    assert render_request_form(CRITERIA) != render_request_form(CRITERIA[:-1])
