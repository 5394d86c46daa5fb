"""Avoided CO2e, computed from sourced, versioned factors with the method stated."""

from __future__ import annotations

import pytest

from services.inventory.impact import avoided_by_reuse, factor_set


def test_a_reused_laptop_avoids_the_ademe_gain_for_half_its_lifetime() -> None:
    avoided = avoided_by_reuse("laptop")
    assert avoided is not None
    assert avoided.second_life_years == 2.5
    assert avoided.avoided_kg_co2e == pytest.approx(27 * 2.5)
    assert avoided.gross_embodied_kg_co2e == pytest.approx(182.3)
    assert avoided.factors_version == "ademe-arcep-2025"
    assert "ADEME reuse gain" in avoided.method


def test_without_an_ademe_gain_the_embodied_share_is_used_and_said() -> None:
    avoided = avoided_by_reuse("desktop")
    assert avoided is not None
    assert avoided.avoided_kg_co2e == pytest.approx((259 + 2.94) / 6 * 3 * 0.75, abs=0.05)
    assert "× 0.75" in avoided.method


def test_the_net_figure_never_exceeds_the_gross_embodied_carbon() -> None:
    for factor in factor_set().factors:
        avoided = avoided_by_reuse(factor.device_type)
        assert avoided is not None
        assert avoided.avoided_kg_co2e <= avoided.gross_embodied_kg_co2e


def test_every_factor_cites_sources_that_exist() -> None:
    factors = factor_set()
    for factor in factors.factors:
        assert factor.sources
        assert set(factor.sources) <= set(factors.sources)


def test_a_type_without_factor_has_no_figure_rather_than_a_guess() -> None:
    assert avoided_by_reuse("peripheral") is None
