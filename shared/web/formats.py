"""Numbers, amounts and dates written the way the page's language writes them (Babel's CLDR
data): ``2,5 ans`` and ``12 345`` on a French page, ``2.5 years`` and ``12,345`` on an
English one, dates read in Paris time."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates, numbers
from jinja2 import Environment, pass_context

TIMEZONE = ZoneInfo("Europe/Paris")
Number = int | float | Decimal


def number(value: Number, *, language: str) -> str:
    """A whole number with the language's grouping: ``12 345`` / ``12,345``."""
    return numbers.format_decimal(value, format="#,##0", locale=language)


def decimal(value: Number, places: int = 1, *, language: str) -> str:
    """At most ``places`` decimals, none shown when they are zero: ``2,5`` / ``2.5``."""
    pattern = "#,##0." + "#" * places if places else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=language)


def percent(ratio: Number, *, language: str) -> str:
    """A ratio (0.42) as a percentage: ``42 %`` / ``42%``."""
    return numbers.format_percent(ratio, locale=language)


def money(cents: int, currency: str = "EUR", *, language: str) -> str:
    """An amount kept in cents: ``12,50 €`` / ``€12.50``."""
    return numbers.format_currency(Decimal(cents) / 100, currency, locale=language)


def _local(moment: date) -> date:
    return moment.astimezone(TIMEZONE) if isinstance(moment, datetime) else moment


def day(moment: date, *, language: str) -> str:
    """``7 déc. 2026`` / ``Dec 7, 2026``: the month in words, never 07/12 read as July."""
    return dates.format_date(_local(moment), format="medium", locale=language)


def long_day(moment: date, *, language: str) -> str:
    """``7 décembre 2026`` / ``December 7, 2026``."""
    return dates.format_date(_local(moment), format="long", locale=language)


def weekday(moment: date, *, language: str) -> str:
    """``mardi 8 décembre 2026`` / ``Tuesday, December 8, 2026``: a day with its weekday,
    for a schedule."""
    return dates.format_date(_local(moment), format="full", locale=language)


def day_and_time(moment: datetime, *, language: str) -> str:
    """``7 déc. 2026, 14:05`` / ``Dec 7, 2026, 2:05 PM``, in Paris time."""
    local = moment.astimezone(TIMEZONE)
    return f"{day(local, language=language)} {dates.format_time(local, 'short', locale=language)}"


def time(moment: datetime, seconds: bool = False, *, language: str) -> str:
    """``14:05`` / ``2:05 PM`` (``14:05:09`` / ``2:05:09 PM`` with seconds), in Paris time."""
    length = "medium" if seconds else "short"
    return dates.format_time(moment.astimezone(TIMEZONE), length, locale=language)


def month(moment: date, *, language: str) -> str:
    """``décembre 2026`` / ``December 2026``."""
    return dates.format_skeleton("yMMMM", _local(moment), locale=language)


def date_range(start: date, end: date, *, language: str) -> str:
    """``7–9 déc. 2026`` / ``Dec 7 – 9, 2026``."""
    return dates.format_interval(_local(start), _local(end), "yMMMd", locale=language)


# How a date is typed in a text field: 31/01/2026 on a French page, 2026-01-31 on an English
# one (where 01/02 would read as January 2nd); YYYY-MM-DD, which links carry, is read in both.
DAY_PATTERN = {"fr": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}", "en": r"\d{4}-\d{2}-\d{2}"}


def read_day(text: str, *, language: str) -> date:
    """The date typed in a field (see ``DAY_PATTERN``); ValueError when it is not one."""
    text = text.strip()
    if language == "fr" and "/" in text:
        return datetime.strptime(text, "%d/%m/%Y").date()
    return date.fromisoformat(text)


def typed_day(value: date, *, language: str) -> str:
    """A date as its field shows it back: ``31/01/2026`` / ``2026-01-31``."""
    return value.strftime("%d/%m/%Y") if language == "fr" else value.isoformat()


FILTERS = {
    "number": number,
    "decimal": decimal,
    "percent": percent,
    "money": money,
    "day": day,
    "long_day": long_day,
    "weekday": weekday,
    "day_and_time": day_and_time,
    "time": time,
    "month": month,
    "date_range": date_range,
    "typed_day": typed_day,
}


def install_formats(environment: Environment) -> None:
    """Each format as a Jinja filter in the page's language: ``{{ years | decimal }}``,
    ``{{ start | date_range(end) }}``."""

    def in_page_language(format_value: Any) -> Any:
        @pass_context
        def formatted(context: Any, value: Any, *arguments: Any) -> str:
            return format_value(value, *arguments, language=context.get("lang", "fr"))

        return formatted

    for name, format_value in FILTERS.items():
        environment.filters[name] = in_page_language(format_value)
