"""A group purchase's price follows the supplier's tiers, each household pays its solidarity
share, the subsidy pays the rest, and every total is exactly the sum of its parts."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.group_purchase.campaigns.pricing import (
    Band,
    ContributionScale,
    PriceTier,
    PricingRefused,
    band_of,
    check_scale,
    check_tiers,
    contribution,
    format_euros,
    load_scale,
    next_tier,
    quote,
    read_scale,
    tier_at,
)
from services.group_purchase.requests.priority import Situation

SCALE = load_scale()
TIERS = (
    PriceTier(min_quantity=1, max_quantity=9, unit_price_cents=24_000),
    PriceTier(min_quantity=10, max_quantity=24, unit_price_cents=21_000),
    PriceTier(min_quantity=25, unit_price_cents=18_500),
)


def tier(low: int, high: int | None, price: int) -> PriceTier:
    return PriceTier(min_quantity=low, max_quantity=high, unit_price_cents=price)


def band(key: str, percent: int, floor: int = 0, cap: int = 100_000, *when: str) -> Band:
    return Band(key=key, when_any=when, percent=percent, floor_cents=floor, cap_cents=cap)


# --- tiers


def test_contiguous_tiers_are_accepted_and_sorted() -> None:
    shuffled = [TIERS[2], TIERS[0], TIERS[1]]
    assert check_tiers(shuffled, minimum_quantity=10, maximum_quantity=40) == TIERS


def test_tiers_may_start_at_the_minimum_quantity() -> None:
    tiers = [tier(10, 19, 20_000), tier(20, None, 18_000)]
    assert check_tiers(tiers, minimum_quantity=10, maximum_quantity=30)[0].min_quantity == 10


def test_tiers_that_overlap_are_refused_with_the_quantities_named() -> None:
    with pytest.raises(PricingRefused, match="overlap: 1-10 and the one from 10"):
        check_tiers([tier(1, 10, 20_000), tier(10, None, 18_000)], 1, 20)


def test_tiers_that_leave_a_gap_are_refused_with_the_gap_named() -> None:
    with pytest.raises(PricingRefused, match="gap: nothing prices 10 to 11 devices"):
        check_tiers([tier(1, 9, 20_000), tier(12, None, 18_000)], 1, 20)


def test_a_first_tier_starting_elsewhere_than_one_or_the_minimum_is_refused() -> None:
    with pytest.raises(PricingRefused, match="first tier starts at 3"):
        check_tiers([tier(3, None, 20_000)], minimum_quantity=5, maximum_quantity=20)


def test_only_the_last_tier_may_be_open_ended() -> None:
    with pytest.raises(PricingRefused, match="only the last tier may be open-ended"):
        check_tiers([tier(1, None, 20_000), tier(10, None, 18_000)], 1, 20)


def test_tiers_must_cover_the_maximum_quantity() -> None:
    with pytest.raises(PricingRefused, match=r"stop at 9 devices .* up to 20"):
        check_tiers([tier(1, 9, 20_000)], 1, 20)


def test_a_larger_order_cannot_cost_more_per_device() -> None:
    with pytest.raises(PricingRefused, match="unit price rises"):
        check_tiers([tier(1, 9, 20_000), tier(10, None, 21_000)], 1, 20)


def test_a_tier_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(PricingRefused, match="ends at 3, before it starts"):
        check_tiers([tier(5, 3, 20_000)], 5, 5)


def test_a_minimum_above_the_maximum_is_refused() -> None:
    with pytest.raises(PricingRefused, match="at most the maximum"):
        check_tiers(list(TIERS), minimum_quantity=12, maximum_quantity=10)


def test_no_tier_at_all_is_refused() -> None:
    with pytest.raises(PricingRefused, match="at least one"):
        check_tiers([], 1, 10)


def test_the_unit_price_is_the_one_of_the_tier_the_quantity_falls_in() -> None:
    assert tier_at(TIERS, 1).unit_price_cents == 24_000
    assert tier_at(TIERS, 9).unit_price_cents == 24_000
    assert tier_at(TIERS, 10).unit_price_cents == 21_000
    assert tier_at(TIERS, 24).unit_price_cents == 21_000
    assert tier_at(TIERS, 400).unit_price_cents == 18_500


def test_below_a_first_tier_at_the_minimum_the_first_tier_price_is_shown() -> None:
    from_minimum = (tier(10, None, 20_000),)
    assert tier_at(from_minimum, 3).unit_price_cents == 20_000


def test_the_next_cheaper_tier_is_announced_until_the_last() -> None:
    assert next_tier(TIERS, 7) == TIERS[1]
    assert next_tier(TIERS, 10) == TIERS[2]
    assert next_tier(TIERS, 30) is None


# --- contributions


def test_the_published_scale_has_a_band_for_every_household() -> None:
    assert SCALE.bands[-1].when_any == ()
    assert all(b.label_fr and b.label_en for b in SCALE.bands)


def test_a_household_on_minimum_benefits_pays_the_lowest_share() -> None:
    poorest = band_of(Situation(low_income=True, single_parent=True), SCALE)
    supported = band_of(Situation(single_parent=True), SCALE)
    ordinary = band_of(Situation(), SCALE)
    assert [poorest.key, supported.key, ordinary.key] == [
        "minimum_benefits",
        "supported",
        "standard",
    ]
    shares = [contribution(24_000, b, SCALE.step_cents) for b in (poorest, supported, ordinary)]
    assert shares == sorted(shares)
    assert shares[0] < shares[2]


def test_a_share_is_rounded_down_to_the_step_then_held_between_floor_and_cap() -> None:
    ten_percent = band("b", 10, floor=500, cap=2_500)
    assert contribution(18_999, ten_percent, 100) == 1_800  # 1 899,9 → 18 € (rounded down)
    assert contribution(18_999, ten_percent, 1) == 1_899  # to the cent: still never up
    assert contribution(3_000, ten_percent, 100) == 500  # the floor
    assert contribution(90_000, ten_percent, 100) == 2_500  # the cap


def test_a_share_is_never_more_than_the_device_costs() -> None:
    assert contribution(400, band("b", 10, floor=1_000), 100) == 400


def test_a_quote_splits_the_total_into_contributions_and_subsidy() -> None:
    bands = [SCALE.bands[0]] * 4 + [SCALE.bands[2]] * 6
    priced = quote(TIERS, SCALE, bands)
    assert priced.tier == TIERS[1]
    assert priced.total_cents == 10 * 21_000
    assert priced.contributions == (2_100,) * 4 + (6_300,) * 6
    assert priced.contributions_cents == 4 * 2_100 + 6 * 6_300
    assert priced.subsidy_cents == 210_000 - 46_200


def test_a_scale_naming_an_unknown_situation_is_refused() -> None:
    scale = ContributionScale(
        version="x", bands=(band("a", 10, 0, 100, "rich"), band("z", 20, 0, 100))
    )
    with pytest.raises(PricingRefused, match="unknown situation rich"):
        check_scale(scale)


def test_a_scale_whose_floor_is_above_its_cap_is_refused() -> None:
    scale = ContributionScale(version="x", bands=(band("z", 20, 5_000, 1_000),))
    with pytest.raises(PricingRefused, match=r"floor .* is above the cap"):
        check_scale(scale)


def test_a_scale_must_end_with_the_band_for_everyone_else() -> None:
    scale = ContributionScale(
        version="x", bands=(band("z", 20, 0, 100), band("a", 10, 0, 100, "low_income"))
    )
    with pytest.raises(PricingRefused, match="only the last band"):
        check_scale(scale)


def test_a_malformed_scale_document_is_refused_with_the_field_named() -> None:
    with pytest.raises(PricingRefused, match="percent"):
        read_scale(
            msgspec.json.encode(
                {"version": "x", "bands": [{"key": "z", "percent": 150, "cap_cents": 1}]}
            )
        )


def test_amounts_read_in_euros_the_french_way() -> None:
    assert format_euros(123_456) == "1\xa0234,56\xa0€"
    assert format_euros(5) == "0,05\xa0€"


# --- property: totals are always the sum of their parts


@st.composite
def tiers_and_maximum(draw: st.DrawFn) -> tuple[tuple[PriceTier, ...], int, int]:
    minimum = draw(st.integers(1, 30))
    start = draw(st.sampled_from([1, minimum]))
    widths = draw(st.lists(st.integers(1, 40), min_size=0, max_size=5))
    price = draw(st.integers(1, 200_000))
    tiers = []
    low = start
    for width in widths:
        tiers.append(tier(low, low + width - 1, price))
        low += width
        price = draw(st.integers(1, price))
    tiers.append(tier(low, None, price))
    maximum = draw(st.integers(minimum, minimum + 200))
    return tuple(tiers), minimum, maximum


@st.composite
def scales(draw: st.DrawFn) -> ContributionScale:
    flags = st.sampled_from(["low_income", "single_parent", "job_seeking", "disability"])
    count = draw(st.integers(0, 3))
    bands = []
    for index in range(count + 1):
        floor = draw(st.integers(0, 20_000))
        cap = draw(st.integers(floor, 50_000))
        when = () if index == count else tuple(draw(st.lists(flags, min_size=1, max_size=2)))
        bands.append(band(f"b{index}", draw(st.integers(0, 100)), floor, cap, *when))
    step = draw(st.sampled_from([1, 10, 50, 100, 500]))
    return ContributionScale(version="p", step_cents=step, bands=tuple(bands))


@settings(max_examples=300, deadline=None)
@given(tiers_and_maximum(), scales(), st.data())
def test_totals_always_equal_the_sum_of_their_parts(
    priced_range: tuple[tuple[PriceTier, ...], int, int],
    scale: ContributionScale,
    data: st.DataObject,
) -> None:
    tiers, minimum, maximum = priced_range
    check_tiers(tiers, minimum, maximum)
    check_scale(scale)
    quantity = data.draw(st.integers(minimum, maximum))
    situations = data.draw(
        st.lists(
            st.builds(
                Situation,
                low_income=st.booleans(),
                single_parent=st.booleans(),
                job_seeking=st.booleans(),
                disability=st.booleans(),
            ),
            min_size=quantity,
            max_size=quantity,
        )
    )
    priced = quote(tiers, scale, [band_of(situation, scale) for situation in situations])

    assert priced.quantity == quantity
    assert priced.total_cents == priced.unit_price_cents * quantity
    assert priced.total_cents == priced.contributions_cents + priced.subsidy_cents
    assert priced.contributions_cents == sum(priced.contributions)
    assert all(0 <= share <= priced.unit_price_cents for share in priced.contributions)
    assert priced.subsidy_cents >= 0
    assert all(isinstance(amount, int) for amount in (priced.total_cents, priced.subsidy_cents))
    assert priced.tier.min_quantity <= max(quantity, tiers[0].min_quantity)
