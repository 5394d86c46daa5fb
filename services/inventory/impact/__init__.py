"""Impact factors (versioned, sourced) and the arithmetic of avoided CO2e: every figure says
which factors and which method it used, so an update never silently rewrites history."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import msgspec

DEFAULT_VERSION = "ademe-arcep-2025"
_FOLDER = Path(__file__).parent


class Factor(msgspec.Struct, frozen=True, kw_only=True):
    device_type: str
    manufacturing_kg: float
    distribution_kg: float
    lifetime_years: float
    reuse_gain_kg_per_year: float | None
    default_weight_kg: float | None
    sources: list[str]


class Method(msgspec.Struct, frozen=True, kw_only=True):
    reuse_factor_without_ademe_gain: float
    reuse_factor_source: str
    second_life_share_of_lifetime: float


class FactorSet(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    sources: dict[str, str]
    method: Method
    factors: list[Factor]

    def factor(self, device_type: str) -> Factor | None:
        return next((f for f in self.factors if f.device_type == device_type), None)


class Avoided(msgspec.Struct, frozen=True, kw_only=True):
    """What one reused device avoided, with how it was computed."""

    factors_version: str
    device_type: str
    second_life_years: float
    avoided_kg_co2e: float
    gross_embodied_kg_co2e: float
    method: str
    # The method as a message key for pages (``impact.method.<code>``), with its share.
    method_code: str = "ademe_reuse_gain"
    reuse_share: float = 1.0


@cache
def methods_by_text(version: str = DEFAULT_VERSION) -> dict[str, tuple[str, float]]:
    """Each method a figure may name, as its message code and reuse share."""
    return {
        avoided.method: (avoided.method_code, avoided.reuse_share)
        for factor in factor_set(version).factors
        if (avoided := avoided_by_reuse(factor.device_type, version)) is not None
    }


@cache
def factor_set(version: str = DEFAULT_VERSION) -> FactorSet:
    return msgspec.json.decode((_FOLDER / f"{version}.json").read_bytes(), type=FactorSet)


def avoided_by_reuse(device_type: str, version: str = DEFAULT_VERSION) -> Avoided | None:
    """CO2e avoided by giving the device a second life; None when no factor covers its type."""
    factors = factor_set(version)
    factor = factors.factor(device_type)
    if factor is None:
        return None
    years = factor.lifetime_years * factors.method.second_life_share_of_lifetime
    embodied = factor.manufacturing_kg + factor.distribution_kg
    if factor.reuse_gain_kg_per_year is not None:
        avoided = factor.reuse_gain_kg_per_year * years
        method = "ADEME reuse gain per year × years of second life"
        method_code, share = "ademe_reuse_gain", 1.0
    else:
        share = factors.method.reuse_factor_without_ademe_gain
        avoided = embodied / factor.lifetime_years * years * share
        method = f"(manufacturing + distribution) ÷ lifetime × years of second life × {share}"
        method_code = "embodied_share"
    return Avoided(
        factors_version=factors.version,
        device_type=device_type,
        second_life_years=round(years, 2),
        avoided_kg_co2e=round(avoided, 1),
        gross_embodied_kg_co2e=round(embodied, 1),
        method=method,
        method_code=method_code,
        reuse_share=share,
    )
