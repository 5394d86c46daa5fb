"""French-first messages from the gettext catalogs in shared/locale; the person's language
choice is remembered in a cookie.

A message is named by a stable key (``passport_title``), its texts live in
``shared/locale/{fr,en}/LC_MESSAGES/boucle.po``, and placeholders are named
(``%(count)s``). Each service compiles the catalogs in memory as it starts (a catalog that
does not compile stops the start), so what runs is always what the ``.po`` files say (no
compiled file to forget to commit)."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, pass_context
from litestar.connection import ASGIConnection

from shared.logging import get_logger

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
LANGUAGE_COOKIE = "boucle_lang"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "boucle"

log = get_logger("boucle.i18n")


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> Translations:
    """The ``.po`` file of ``language`` compiled in memory (a few milliseconds, once)."""
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """For pages: ``?lang=`` first, then the remembered choice, then French."""
    asked = connection.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    remembered = connection.cookies.get(LANGUAGE_COOKIE)
    return remembered if remembered in LANGUAGES else "fr"


def api_language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """For the API: ``?lang=`` first, then the first of our languages Accept-Language names
    (in its order of preference), then French."""
    asked = connection.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    ranked = []
    for position, part in enumerate(connection.headers.get("accept-language", "").split(",")):
        tag, _, weight = part.strip().partition(";q=")
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            continue
        ranked.append((-quality, position, tag.split("-")[0].lower()))
    for _, _, language in sorted(ranked):
        if language in LANGUAGES:
            return language
    return "fr"


class Translator:
    """``t("key", name=value)``: the text of ``key`` in one language, its ``%(name)s``
    placeholders filled; ``t.plural("key", "key.plural", n)`` picks the form for ``n``
    (given to the text as ``%(num)s``, as Jinja's ``ngettext`` does)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._messages = translations(language)

    def __call__(self, key: str, **values: Any) -> str:
        text = self._messages.gettext(key)
        if text == key:
            log.warning("message_missing", key=key, language=self.language)
            return key
        return text % values

    def plural(self, singular: str, plural: str, number: int, **values: Any) -> str:
        text = self._messages.ngettext(singular, plural, number)
        if text in (singular, plural):
            log.warning("message_missing", key=singular, language=self.language)
        return text % {"num": number, **values}

    def has(self, key: str) -> bool:
        return self._messages.gettext(key) != key


@cache
def translator(language: str) -> Translator:
    return Translator(language if language in LANGUAGES else "fr")


def install_i18n(environment: Environment) -> None:
    """Jinja's i18n extension (``{% trans %}``, ``gettext``, ``ngettext``, newstyle) reading
    the page's language from the template's ``lang``."""
    environment.add_extension("jinja2.ext.i18n")

    def in_page_language(method: str) -> Callable[..., str]:
        @pass_context
        def call(context: Any, *arguments: Any, **values: Any) -> str:
            language_translator = translator(context.get("lang", "fr"))
            return getattr(language_translator, method)(*arguments, **values)

        return call

    environment.globals.update(
        gettext=in_page_language("__call__"),
        _=in_page_language("__call__"),
        ngettext=in_page_language("plural"),
        tn=in_page_language("plural"),
    )
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
