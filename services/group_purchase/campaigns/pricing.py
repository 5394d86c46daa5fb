"""What a group purchase costs: the supplier's price tiers, each household's solidarity share
and the subsidy that pays the rest, in whole cents of a euro.

Rounding is exact by construction: a household's contribution is a percentage of the unit
price rounded *down* to the scale's step (whole euros by default), then raised to the band's
floor, lowered to its cap, and never above the unit price; the subsidy is whatever the
contributions leave of the total. So ``total = contributions + subsidy`` always, to the cent.

The scale is configurable (``contribution-scale.json`` beside this module is the default a
campaign starts from): bands are tried in order, the first whose ``when_any`` names a field
of the household's situation that is set applies, and the last band, with no condition, is
everyone else's.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated

import msgspec

from services.group_purchase.requests.priority import Situation
from shared.errors import DomainError

DEFAULT_SCALE_PATH = Path(__file__).with_name("contribution-scale.json")
Cents = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=100_000)]


class PricingRefused(DomainError):
    """Tiers or a scale that cannot be applied; the message says what to correct."""


class PriceTier(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """From ``min_quantity`` devices up to ``max_quantity`` (``None``: no upper bound), each
    device costs ``unit_price_cents``."""

    min_quantity: Quantity
    max_quantity: Quantity | None = None
    unit_price_cents: Annotated[int, msgspec.Meta(gt=0, le=10_000_000)]


class Band(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One row of the solidarity scale."""

    key: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    when_any: tuple[str, ...] = ()  # Situation fields; empty: everyone (the last band)
    percent: Annotated[int, msgspec.Meta(ge=0, le=100)]
    floor_cents: Cents = 0
    cap_cents: Cents
    label_fr: str = ""
    label_en: str = ""


class ContributionScale(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    step_cents: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 100
    bands: Annotated[tuple[Band, ...], msgspec.Meta(min_length=1, max_length=20)]


class Quote(msgspec.Struct, frozen=True, kw_only=True):
    """The price of ``quantity`` devices and how it is paid (every amount in cents)."""

    quantity: int
    tier: PriceTier
    unit_price_cents: int
    total_cents: int
    contributions_cents: int
    subsidy_cents: int
    contributions: tuple[int, ...]  # one per household, in the order given


# --- tiers


def check_tiers(
    tiers: Sequence[PriceTier], minimum_quantity: int, maximum_quantity: int
) -> tuple[PriceTier, ...]:
    """The tiers sorted, once they cover 1 (or the minimum) to the maximum without gap or
    overlap, and a larger quantity never costs more per device."""
    if minimum_quantity < 1 or maximum_quantity < minimum_quantity:
        raise PricingRefused(
            f"The minimum quantity ({minimum_quantity}) must be at least 1 and at most the "
            f"maximum ({maximum_quantity}).",
            field="minimum_quantity",
            code="campaigns.minimum",
            minimum=minimum_quantity,
            maximum=maximum_quantity,
        )
    if not tiers:
        raise PricingRefused(
            "Give the supplier's price tiers (at least one).",
            code="campaigns.no_tiers",
            field="tiers",
        )
    ordered = tuple(sorted(tiers, key=lambda tier: tier.min_quantity))
    first = ordered[0].min_quantity
    if first not in (1, minimum_quantity):
        raise PricingRefused(
            f"The first tier starts at {first}: it must start at 1 or at the minimum quantity "
            f"({minimum_quantity}).",
            field="tiers",
            code="campaigns.first",
            first=first,
            minimum=minimum_quantity,
        )
    for tier in ordered:
        if tier.max_quantity is not None and tier.max_quantity < tier.min_quantity:
            raise PricingRefused(
                f"The tier from {tier.min_quantity} ends at {tier.max_quantity}, before it starts.",
                field="tiers",
                code="campaigns.backwards",
                low=tier.min_quantity,
                high=tier.max_quantity,
            )
    for tier, following in itertools.pairwise(ordered):
        _check_adjacent(tier, following)
    last = ordered[-1]
    if last.max_quantity is not None and last.max_quantity < maximum_quantity:
        raise PricingRefused(
            f"The tiers stop at {last.max_quantity} devices but the campaign may buy up to "
            f"{maximum_quantity}: add a tier, or leave the last one open-ended.",
            field="tiers",
            code="campaigns.short",
            high=last.max_quantity,
            maximum=maximum_quantity,
        )
    return ordered


def _check_adjacent(tier: PriceTier, following: PriceTier) -> None:
    if tier.max_quantity is None:
        raise PricingRefused(
            f"The tier from {tier.min_quantity} has no upper bound, yet another starts at "
            f"{following.min_quantity}: only the last tier may be open-ended.",
            field="tiers",
            code="campaigns.open_ended",
            low=tier.min_quantity,
        )
    if following.min_quantity <= tier.max_quantity:
        raise PricingRefused(
            f"Tiers overlap: {tier.min_quantity}-{tier.max_quantity} and the one from "
            f"{following.min_quantity}; each must start right after the previous one ends.",
            field="tiers",
            code="campaigns.overlap",
            low=tier.min_quantity,
            high=tier.max_quantity,
            next=following.min_quantity,
        )
    if following.min_quantity > tier.max_quantity + 1:
        raise PricingRefused(
            f"Tiers leave a gap: nothing prices {tier.max_quantity + 1} to "
            f"{following.min_quantity - 1} devices.",
            field="tiers",
            code="campaigns.gap",
            low=tier.max_quantity + 1,
            high=following.min_quantity - 1,
        )
    if following.unit_price_cents > tier.unit_price_cents:
        raise PricingRefused(
            f"From {following.min_quantity} devices the unit price rises "
            f"({format_euros(tier.unit_price_cents)} to "
            f"{format_euros(following.unit_price_cents)}): a larger order cannot cost more "
            "per device.",
            field="tiers",
            code="campaigns.rising",
            low=following.min_quantity,
        )


def tier_at(tiers: Sequence[PriceTier], quantity: int) -> PriceTier:
    """The tier that prices ``quantity`` devices (below the first tier: the first tier, the
    price a campaign gets as soon as it reaches its minimum)."""
    chosen = tiers[0]
    for tier in tiers:
        if tier.min_quantity <= quantity:
            chosen = tier
    return chosen


def next_tier(tiers: Sequence[PriceTier], quantity: int) -> PriceTier | None:
    """The first tier with a lower price than the one at ``quantity``, if any."""
    current = tier_at(tiers, quantity)
    return next(
        (
            tier
            for tier in tiers
            if tier.min_quantity > quantity and tier.unit_price_cents < current.unit_price_cents
        ),
        None,
    )


# --- contributions


def load_scale(path: Path | None = None) -> ContributionScale:
    """The scale in ``path``, or the default one beside this module (read once)."""
    return _default_scale() if path is None else read_scale(path.read_bytes())


@functools.cache
def _default_scale() -> ContributionScale:
    return read_scale(DEFAULT_SCALE_PATH.read_bytes())


def read_scale(document: bytes) -> ContributionScale:
    try:
        scale = msgspec.json.decode(document, type=ContributionScale)
    except msgspec.ValidationError as error:
        raise PricingRefused(
            f"Contribution scale: {error}",
            code="campaigns.scale_unreadable",
            field="contribution_scale",
            reason=str(error),
        ) from error
    check_scale(scale)
    return scale


def check_scale(scale: ContributionScale) -> None:
    """Refuse a scale that could not be applied to every household."""
    known = Situation.__struct_fields__
    keys = [band.key for band in scale.bands]
    if len(set(keys)) != len(keys):
        raise PricingRefused(
            "Contribution scale: each band needs its own key.",
            code="campaigns.scale_keys",
            field="contribution_scale",
        )
    for band in scale.bands:
        unknown = sorted(set(band.when_any) - set(known))
        if unknown:
            raise PricingRefused(
                f"Contribution scale, band {band.key!r}: unknown situation "
                f"{', '.join(unknown)}; use {', '.join(known)}.",
                code="campaigns.scale_situation",
                field="contribution_scale",
                band=band.key,
                unknown=", ".join(unknown),
                known=", ".join(known),
            )
        if band.floor_cents > band.cap_cents:
            raise PricingRefused(
                f"Contribution scale, band {band.key!r}: the floor "
                f"({format_euros(band.floor_cents)}) is above the cap "
                f"({format_euros(band.cap_cents)}).",
                code="campaigns.scale_floor",
                field="contribution_scale",
                band=band.key,
                floor=band.floor_cents / 100,
                cap=band.cap_cents / 100,
            )
    if scale.bands[-1].when_any or any(not band.when_any for band in scale.bands[:-1]):
        raise PricingRefused(
            "Contribution scale: only the last band, everyone else's, has no condition.",
            code="campaigns.scale_last_band",
            field="contribution_scale",
        )


def band_of(situation: Situation, scale: ContributionScale) -> Band:
    """The first band whose conditions the household's situation meets."""
    for band in scale.bands:
        if not band.when_any or any(getattr(situation, key) for key in band.when_any):
            return band
    raise AssertionError("a checked scale ends with a band for everyone")


def band_named(scale: ContributionScale, key: str) -> Band:
    """The band of that key; the last band when the scale has none of that name."""
    return next((band for band in scale.bands if band.key == key), scale.bands[-1])


def contribution(unit_price_cents: int, band: Band, step_cents: int) -> int:
    """What one household pays for one device at that unit price (see the module's rounding)."""
    share = unit_price_cents * band.percent // 100
    share -= share % step_cents
    share = min(max(share, band.floor_cents), band.cap_cents)
    return min(share, unit_price_cents)


def quote(tiers: Sequence[PriceTier], scale: ContributionScale, bands: Iterable[Band]) -> Quote:
    """The price of one device per band given (one per household) and how it is shared."""
    chosen = list(bands)
    quantity = len(chosen)
    tier = tier_at(tiers, quantity)
    unit = tier.unit_price_cents
    shares = tuple(contribution(unit, band, scale.step_cents) for band in chosen)
    total = unit * quantity
    paid = sum(shares)
    return Quote(
        quantity=quantity,
        tier=tier,
        unit_price_cents=unit,
        total_cents=total,
        contributions_cents=paid,
        subsidy_cents=total - paid,
        contributions=shares,
    )


def format_euros(cents: int) -> str:
    """``12345`` → ``123,45 €`` (French writing, as on the documents)."""
    euros, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    grouped = f"{euros:,}".replace(",", "\xa0")
    return f"{sign}{grouped},{rest:02d}\xa0€"  # no-break: the sign never wraps alone
