"""The impact page's chart is accessible SVG drawn on the server, and its figures add up."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ElementTree
from datetime import date

import pytest

from services.inventory.impact.figures import (
    PERIOD_BASIS,
    CommuneFlow,
    ImpactFigures,
    MonthFlow,
    PlaceFlow,
    Weighed,
    figures_csv,
    reuse_tally,
)
from services.inventory.impact.pages import month_name, number
from services.inventory.impact.svg import PLOT_HEIGHT, Series, bar_chart, bar_heights

SVG = "{http://www.w3.org/2000/svg}"


def drawn(categories: list[str], *series: Series) -> ElementTree.Element:
    return ElementTree.fromstring(
        bar_chart("chart", "Titre", "Description", categories, list(series))
    )


def bars(svg: ElementTree.Element) -> list[ElementTree.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if "bar" in rect.get("class", "").split()]


def test_the_chart_is_an_image_named_by_its_title_and_described() -> None:
    svg = drawn(["01/2026"], Series(name="Collectés", values=[3]))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-title chart-desc"
    assert svg.find(f"{SVG}title").text == "Titre"  # type: ignore[union-attr]
    assert svg.find(f"{SVG}desc").text == "Description"  # type: ignore[union-attr]


def test_there_is_one_bar_per_value_and_each_value_is_written_as_text() -> None:
    svg = drawn(
        ["01/2026", "02/2026", "03/2026"],
        Series(name="Collectés", values=[4, 0, 7]),
        Series(name="Remis", values=[1, 2, 0]),
    )
    assert len(bars(svg)) == 6
    values = [text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "value"]
    assert values == ["4", "1", "0", "2", "7", "0"]
    categories = [text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "category"]
    assert categories == ["01/2026", "02/2026", "03/2026"]


def test_the_largest_value_fills_the_plot_and_the_others_are_in_proportion() -> None:
    assert bar_heights([10, 5, 0]) == [PLOT_HEIGHT, PLOT_HEIGHT / 2, 0]
    svg = drawn(["a", "b"], Series(name="n", values=[10, 5]))
    heights = [float(bar.get("height", "")) for bar in bars(svg)]
    assert heights == [PLOT_HEIGHT, PLOT_HEIGHT / 2]


def test_only_zeros_draw_flat_bars_instead_of_failing() -> None:
    assert bar_heights([0, 0]) == [0.0, 0.0]
    assert bar_heights([]) == []
    svg = drawn(["a", "b"], Series(name="n", values=[0, 0]))
    assert [bar.get("height") for bar in bars(svg)] == ["0.0", "0.0"]


def test_text_in_the_chart_is_escaped_and_no_style_or_script_is_used() -> None:
    markup = bar_chart("c", "<b>&", "d", ["<x>"], [Series(name="a&b", values=[1])])
    assert "<b>" not in markup and "&lt;b&gt;&amp;" in markup
    assert not re.search(r"style=|<script", markup)
    ElementTree.fromstring(markup)  # still well-formed


def test_a_series_must_have_one_value_per_category() -> None:
    with pytest.raises(ValueError, match="one value per category"):
        bar_chart("c", "t", "d", ["a", "b"], [Series(name="n", values=[1])])


def test_delivered_devices_add_their_default_weight_and_avoided_carbon_by_type() -> None:
    tally = reuse_tally({"laptop": 2, "smartphone": 1, "kettle": 3})
    assert tally.ewaste_diverted_kg == pytest.approx(2 * 1.65 + 0.17, abs=0.05)
    assert tally.avoided_kg_co2e == pytest.approx(2 * 27 * 2.5 + 24.6 * 1.25, abs=0.2)
    assert tally.gross_embodied_kg_co2e > tally.avoided_kg_co2e
    assert tally.devices_without_weight == 3
    assert tally.devices_without_factor == 3
    assert tally.factors_version == "ademe-arcep-2025"


def test_a_weighed_device_counts_its_own_weight_and_the_others_their_default() -> None:
    weighed = {"laptop": Weighed(devices=1, kg=2.4), "kettle": Weighed(devices=2, kg=3.0)}
    tally = reuse_tally({"laptop": 3, "kettle": 3}, weighed=weighed)
    assert tally.ewaste_diverted_kg == pytest.approx(2.4 + 2 * 1.65 + 3.0, abs=0.01)
    assert tally.devices_without_weight == 1  # the one kettle nobody weighed


def test_the_csv_export_states_the_period_and_factors_version_on_every_row() -> None:
    tally = reuse_tally({"laptop": 1})
    figures = ImpactFigures(
        factors_version=tally.factors_version,
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        period_basis=PERIOD_BASIS,
        devices_collected=5,
        devices_reused=2,
        devices_delivered=1,
        devices_recycled_or_dismantled=1,
        households_equipped=1,
        ewaste_diverted_kg=tally.ewaste_diverted_kg,
        weight_basis="default",
        devices_without_weight=0,
        avoided_kg_co2e=tally.avoided_kg_co2e,
        gross_embodied_kg_co2e=tally.gross_embodied_kg_co2e,
        devices_without_factor=0,
        methods=tally.methods,
        sources=tally.sources,
        by_month=[MonthFlow(month="2026-01", collected=5, delivered=1)],
        by_place=[
            PlaceFlow(
                place_name="Médiathèque de Wazemmes", collected=5, delivered=1, commune="Lille"
            )
        ],
        by_commune=[CommuneFlow(commune="Lille", collected=5, delivered=1)],
    )
    rows = list(csv.DictReader(io.StringIO(figures_csv(figures))))
    assert {row["factors_version"] for row in rows} == {"ademe-arcep-2025"}
    assert {(row["period_from"], row["period_to"]) for row in rows} == {
        ("2026-01-01", "2026-03-31")
    }
    totals = {
        row["indicator"]: row["value"]
        for row in rows
        if not row["month"] + row["place_name"] + row["commune"]
    }
    assert totals["avoided_kg_co2e"] == "67.5"
    assert totals["ewaste_diverted_kg"] == "1.65"
    monthly = [(row["indicator"], row["value"]) for row in rows if row["month"] == "2026-01"]
    assert monthly == [("devices_collected", "5"), ("devices_delivered", "1")]


def test_numbers_read_the_french_or_english_way() -> None:
    assert number(1234, "fr") == "1\u202f234"
    assert number(1234.5, "fr") == "1\u202f234,5"
    assert number(1.65, "en") == "1.65"
    assert number(0.0, "fr") == "0"
    assert month_name("2026-03", "fr") == "mars 2026"
    assert month_name("2026-03", "en", short=True) == "03/2026"
