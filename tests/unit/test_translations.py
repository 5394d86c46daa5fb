"""The French and English catalogs say the same things: no key missing, none left empty, the
same placeholders, and every key the code or a template asks for is there."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from shared.translations import extract
from shared.web.i18n import LANGUAGES, catalog_path, translator

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def entries(language: str) -> dict[str, tuple[str, ...]]:
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po)
    found = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        found[key] = tuple(texts)
    return found


CATALOGS = {language: entries(language) for language in LANGUAGES}


@pytest.fixture(scope="module")
def keys_the_code_uses(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    template = tmp_path_factory.mktemp("pot") / "boucle.pot"
    extract(template)
    with template.open("rb") as pot:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}


def test_french_and_english_have_the_same_keys() -> None:
    assert set(CATALOGS["fr"]) - set(CATALOGS["en"]) == set(), "missing in English"
    assert set(CATALOGS["en"]) - set(CATALOGS["fr"]) == set(), "missing in French"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    empty = [key for key, texts in CATALOGS[language].items() if not all(texts)]
    assert empty == [], f"untranslated in {language}"


def test_placeholders_are_the_same_in_both_languages() -> None:
    differing = [
        key
        for key, texts in CATALOGS["fr"].items()
        for text in texts
        for other in CATALOGS["en"].get(key, ())
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(other))
    ]
    assert differing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_fills_its_placeholders(language: str) -> None:
    for key, texts in CATALOGS[language].items():
        for text in texts:
            values = {name: "x" for name in PLACEHOLDER.findall(text)} | {"num": 2}
            filled = text % values  # a lone "%" would raise here: write "%%"
            assert "%(" not in filled, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_waits_for_a_placeholder_t_never_fills(language: str) -> None:
    """``t`` fills ``%(name)s``: a ``{name}`` would reach the page as typed."""
    braced = [
        key
        for key, texts in CATALOGS[language].items()
        if any(re.search(r"\{\w+\}", text) for text in texts)
    ]
    assert braced == []


def test_every_key_the_code_asks_for_is_in_the_catalogs(keys_the_code_uses: set[str]) -> None:
    assert keys_the_code_uses - set(CATALOGS["fr"]) == set()


def test_a_translator_fills_the_placeholders_in_each_language() -> None:
    assert translator("fr")("not_found_text", code="K7Q2").startswith("Aucun appareil")
    assert "K7Q2" in translator("en")("not_found_text", code="K7Q2")


def test_a_missing_key_shows_itself_rather_than_nothing() -> None:
    assert translator("fr")("no.such.key") == "no.such.key"
