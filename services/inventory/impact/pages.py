"""The public impact page and its open-data exports, which carry the same figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template
from litestar.types import ControllerRouterHandler
from markupsafe import Markup

from services.inventory.impact import methods_by_text
from services.inventory.impact.figures import ImpactFigures, Period, figures_csv, impact_figures
from services.inventory.impact.footprint import Footprint, footprint, footprint_csv
from services.inventory.impact.svg import Series, bar_chart
from shared.errors import DomainError
from shared.events import utc_now
from shared.web import formats
from shared.web.app import Runtime
from shared.web.i18n import language_of, translator
from shared.web.pages import page
from shared.web.security import public

From = Annotated[str | None, QueryParameter(name="from")]
To = Annotated[str | None, QueryParameter(name="to")]


class InvalidPeriod(DomainError):
    """A period a person can correct: dates as YYYY-MM-DD, the start not after the end."""


def period_of(start: str | None, end: str | None, language: str = "") -> Period:
    """The period asked for: dates as YYYY-MM-DD, or as a French page shows them (31/01/2026)
    when ``language`` is French."""
    try:
        period = Period(start=_day(start, language), end=_day(end, language))
    except ValueError as error:
        raise InvalidPeriod(
            "Dates are written YYYY-MM-DD, for example 2026-01-31.", code="impact.date"
        ) from error
    if period.start and period.end and period.start > period.end:
        raise InvalidPeriod(
            "The start of the period must not come after its end.", code="impact.backwards"
        )
    return period


def _day(text: str | None, language: str) -> date | None:
    return formats.read_day(text, language=language) if text else None


def shown_day(value: date | None, language: str) -> str:
    """A date as the period's field shows it: 31/01/2026 on a French page, 2026-01-31 else."""
    return formats.typed_day(value, language=language) if value else ""


@get("/impact", opt=public(), tags=["impact"])
async def impact_page(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    start: From = None,
    end: To = None,
) -> Template:
    """What was collected, reused, recycled and avoided, with the method and the sources."""
    language = language_of(request)
    try:
        period = period_of(start, end, language)
        invalid = False
    except InvalidPeriod:
        period, invalid = Period(), True
    figures = await impact_figures(runtime.pool, period)
    return page(
        request,
        "impact.html",
        figures=figures,
        own=await footprint(runtime.pool, runtime.js, utc_now()),
        chart=Markup(monthly_chart(figures, language)),  # every text in it is escaped
        month_name=lambda month: month_name(month, language),
        number=lambda value: number(value, language),
        precise=lambda value: formats.decimal(value, 4, language=language),
        asked_from=start if invalid else shown_day(period.start, language),
        asked_to=end if invalid else shown_day(period.end, language),
        invalid_period=invalid,
        date_pattern=formats.DAY_PATTERN[language],
        methods=method_words(figures, language),
        sources=source_words(figures, language),
    )


class ImpactOpenDataController(Controller):
    path = "/api/v1/open-data"
    tags = ["open data"]

    @get("/impact.json", opt=public())
    async def impact_json(
        self, runtime: NamedDependency[Runtime], start: From = None, end: To = None
    ) -> ImpactFigures:
        """The impact figures (``from``/``to`` as YYYY-MM-DD), with the factors' version."""
        return await impact_figures(runtime.pool, period_of(start, end))

    @get("/footprint.json", opt=public())
    async def footprint_json(self, runtime: NamedDependency[Runtime]) -> Footprint:
        """Boucle's own footprint: bytes per data tier, rows and events a day, the energy and
        CO2e of keeping them (an estimate, with its method and factors), what tiers saved."""
        return await footprint(runtime.pool, runtime.js, utc_now())

    @get("/footprint.csv", opt=public(), media_type="text/csv")
    async def footprint_as_csv(self, runtime: NamedDependency[Runtime]) -> Response[str]:
        """Boucle's own footprint as long-format CSV."""
        found = await footprint(runtime.pool, runtime.js, utc_now())
        return Response(
            footprint_csv(found),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="footprint-boucle.csv"'},
        )

    @get("/impact.csv", opt=public(), media_type="text/csv")
    async def impact_csv(
        self, runtime: NamedDependency[Runtime], start: From = None, end: To = None
    ) -> Response[str]:
        """The impact figures as long-format CSV, every row with the factors' version."""
        figures = await impact_figures(runtime.pool, period_of(start, end))
        return Response(
            figures_csv(figures),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="impact-boucle.csv"'},
        )


def monthly_chart(figures: ImpactFigures, language: str) -> str:
    t = translator(language)
    return bar_chart(
        "impact-by-month",
        t("figures.chart_title"),
        t("figures.chart_desc"),
        [month_name(flow.month, language, short=True) for flow in figures.by_month],
        [
            Series(name=t("figures.collected"), values=[f.collected for f in figures.by_month]),
            Series(name=t("figures.delivered"), values=[f.delivered for f in figures.by_month]),
        ],
    )


def month_name(month: str, language: str, short: bool = False) -> str:
    """``2026-03`` as people read it: « mars 2026 », or « 03/2026 » under a narrow bar."""
    year, number_of_month = month.split("-")
    if short:
        return f"{number_of_month}/{year}"
    return f"{translator(language)(f'month.{int(number_of_month)}')} {year}"


def method_words(figures: ImpactFigures, language: str) -> list[str]:
    """Each method the figures used, in the reader's language (as computed when unknown)."""
    t = translator(language)
    known = methods_by_text(figures.factors_version)
    shown = []
    for method in figures.methods:
        if method not in known:
            shown.append(method)
            continue
        code, share = known[method]
        share_text = formats.decimal(share, 2, language=language)
        shown.append(t(f"impact.method.{code}", share=share_text))
    return shown


def source_words(figures: ImpactFigures, language: str) -> list[tuple[str, str, str]]:
    """Each source as (key, description, its language): the catalogs' words when they have
    them, else the factor file's English."""
    t = translator(language)
    return [
        (key, t(f"impact.source.{key}"), language)
        if t.has(f"impact.source.{key}")
        else (key, text, "en")
        for key, text in figures.sources.items()
    ]


def number(value: float, language: str) -> str:
    """Thousands grouped, kilograms to two decimals at most, in the reader's convention."""
    return formats.decimal(value, 2, language=language)


ROUTES: list[ControllerRouterHandler] = [impact_page, ImpactOpenDataController]
