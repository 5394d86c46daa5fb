"""`make translations`: finds the messages the code and the templates use, adds the new ones
to each language's catalog (empty, for a translator to fill in Poedit or Weblate) and checks
that every catalog compiles.

Keys the code builds at run time (``t("state." ~ state)``) cannot be found by reading the
code: an entry no longer found is kept, not dropped; `tests/unit/test_translations.py` says
which are really used."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from shared.web.i18n import DOMAIN, LANGUAGES, catalog_path, translations

ROOT = Path(__file__).parent.parent
KEYWORDS = ("t", "tn:1,2", "N_", "gettext", "ngettext:1,2", "_")
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}


def extract(template: Path) -> None:
    """``pybabel extract`` with babel.cfg into ``template`` (a .pot file)."""
    keywords = [argument for keyword in KEYWORDS for argument in ("-k", keyword)]
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            pybabel,
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "--no-default-keywords",
            *keywords,
            "--sort-by-file",
            "-w",
            "100",
            "--project",
            "Boucle",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )


NAMES = {"fr": "Français", "en": "English"}


def texts(language: str) -> dict[str, str]:
    with catalog_path(language).open("rb") as po:
        return {m.id: str(m.string) for m in read_po(po) if m.id and isinstance(m.id, str)}


def update(template: Path, language: str, other: str, other_texts: dict[str, str]) -> int:
    """Bring one catalog up to the template, each key shown with its text in the other
    language for the translator; returns how many keys are new."""
    with template.open("rb") as pot:
        found = read_po(pot)
    path = catalog_path(language)
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    known = {message.id for message in catalog if message.id}
    catalog.update(found, no_fuzzy_matching=True, update_header_comment=False)
    for key, message in list(catalog.obsolete.items()):  # built at run time: kept
        message.locations = []
        catalog[key] = message
    catalog.obsolete.clear()
    for message in catalog:
        if message.id and isinstance(message.id, str) and other_texts.get(message.id):
            message.auto_comments = [f"{NAMES[other]}: {other_texts[message.id]}"]
    catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
    with path.open("wb") as po:
        write_po(po, catalog, width=100, sort_output=True, include_previous=False)
    return len({message.id for message in catalog if message.id} - known)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / f"{DOMAIN}.pot"
        extract(template)
        before = {language: texts(language) for language in LANGUAGES}
        for language in LANGUAGES:
            other = next(other for other in LANGUAGES if other != language)
            added = update(template, language, other, before[other])
            translations.cache_clear()
            translations(language)  # compiles, or says why not
            print(f"{catalog_path(language).relative_to(ROOT)}: {added} new key(s) to translate")


if __name__ == "__main__":
    main()
