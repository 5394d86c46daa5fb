"""Matching proposes the right device to the most urgent household, and says why."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.group_purchase.requests.matching import (
    DISTANCE_BANDS_KM,
    GRADES,
    LARGER_SCREEN_INCHES,
    MatchResult,
    OpenNeed,
    ReadyDevice,
    Reason,
    distance_band,
    distance_km,
    fits,
    match,
    pickup_distance_km,
    preference,
    urgency,
)
from services.group_purchase.requests.reasons import (
    DEVICE_TYPE_NAMES,
    reason_text,
)
from shared.grades import grade_condition
from shared.web.i18n import LANGUAGES

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ROUBAIX = "Mairie de Roubaix"
FIVES = "Atelier Fives"
CROIX = "Médiathèque de Croix"
TOURCOING = "Centre social Boilly"
SECLIN = "Mairie de Seclin"
LENS = "Atelier de Lens"
UNLOCATED = "Local associatif"
POSITIONS: dict[str, tuple[float, float]] = {
    ROUBAIX: (50.6905, 3.1817),
    CROIX: (50.6783, 3.1500),  # 2.6 km from Roubaix's town hall
    TOURCOING: (50.7239, 3.1612),  # 4.0 km
    FIVES: (50.6280, 3.0900),  # 9.5 km
    SECLIN: (50.5489, 3.0297),  # 19.1 km
    LENS: (50.4322, 2.8333),  # 37.7 km
}


def at(place: str) -> dict[str, Any]:
    """Where a device is: the place's name, and its position when known."""
    latitude, longitude = POSITIONS.get(place, (None, None))
    return {"place_name": place, "latitude": latitude, "longitude": longitude}


def pickup(place: str) -> dict[str, Any]:
    """A need's pick-up place, and its position when known."""
    latitude, longitude = POSITIONS.get(place, (None, None))
    return {"pickup_place": place, "pickup_latitude": latitude, "pickup_longitude": longitude}


def device(label: str, **specs: Any) -> ReadyDevice:
    specs.setdefault("device_type", "laptop")
    specs.setdefault("grade", "B")
    return ReadyDevice(device_id=uuid.uuid4(), label=label, **specs)


def need(**asked: Any) -> OpenNeed:
    asked.setdefault("device_type", "laptop")
    asked.setdefault("waiting_since", T0)
    return OpenNeed(need_id=uuid.uuid4(), **asked)


def proposed(result: MatchResult) -> dict[uuid.UUID, str]:
    """Label proposed per need id."""
    return {proposal.need_id: proposal.label for proposal in result.proposals}


def codes(reasons: Sequence[Reason]) -> list[str]:
    return [reason.code for reason in reasons]


# --- who gets what -------------------------------------------------------------------------


def test_the_most_urgent_need_gets_the_only_fitting_device() -> None:
    calm, urgent = need(priority=10), need(priority=80)
    result = match([calm, urgent], [device("K7Q2M9XB4")])
    assert proposed(result) == {urgent.need_id: "K7Q2M9XB4"}
    assert [unmatched.need_id for unmatched in result.unmatched] == [calm.need_id]


def test_at_equal_priority_the_longest_waiting_need_chooses_first() -> None:
    recent = need(priority=30, waiting_since=T0)
    older = need(priority=30, waiting_since=T0 - timedelta(days=5))
    assert proposed(match([recent, older], [device("K7Q2M9XB4")])) == {older.need_id: "K7Q2M9XB4"}


def test_a_device_at_the_pickup_place_is_preferred_over_a_bigger_one_elsewhere() -> None:
    at_place = device("AAAAAAAA1", memory_gb=8, place_name=ROUBAIX)
    bigger = device("BBBBBBBB2", memory_gb=16, place_name=FIVES)
    result = match([need(pickup_place=ROUBAIX)], [bigger, at_place])
    assert [proposal.label for proposal in result.proposals] == ["AAAAAAAA1"]


def test_the_pickup_place_comes_before_size_and_grade() -> None:
    at_place = device("AAAAAAAA1", memory_gb=16, grade="C", place_name=ROUBAIX)
    smaller_better = device("BBBBBBBB2", memory_gb=4, grade="A", place_name=FIVES)
    result = match([need(min_memory_gb=4, pickup_place=ROUBAIX)], [smaller_better, at_place])
    assert [proposal.label for proposal in result.proposals] == ["AAAAAAAA1"]


def test_without_a_fitting_device_at_the_pickup_place_one_comes_from_elsewhere() -> None:
    too_small = device("AAAAAAAA1", memory_gb=4, place_name=ROUBAIX)
    elsewhere = device("BBBBBBBB2", memory_gb=8, place_name=FIVES)
    result = match([need(min_memory_gb=8, pickup_place=ROUBAIX)], [too_small, elsewhere])
    assert [proposal.label for proposal in result.proposals] == ["BBBBBBBB2"]
    assert result.proposals[0].reasons[2] == Reason(
        code="other_place", values={"place": FIVES, "asked": ROUBAIX}
    )


# --- distance to the pick-up place --------------------------------------------------------


def test_the_great_circle_distance_is_the_haversine_one() -> None:
    paris, london = (48.8566, 2.3522), (51.5074, -0.1278)
    assert round(distance_km(*paris, *london), 1) == 343.6
    assert distance_km(*paris, *paris) == 0.0
    assert abs(distance_km(*paris, *london) - distance_km(*london, *paris)) < 1e-9
    assert round(distance_km(*POSITIONS[ROUBAIX], *POSITIONS[CROIX]), 1) == 2.6


def test_distance_bands_include_their_limit_and_put_unknown_distances_last() -> None:
    assert DISTANCE_BANDS_KM == (3.0, 10.0, 25.0)
    assert [distance_band(km) for km in (0.0, 3.0, 3.01, 10.0, 24.9, 25.0, 25.1, 400.0)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
    ]
    assert distance_band(None) == 3


def test_the_distance_is_unknown_when_either_place_has_no_position() -> None:
    located = need(**pickup(ROUBAIX))
    assert pickup_distance_km(located, device("AAAAAAAA1", **at(UNLOCATED))) is None
    assert pickup_distance_km(need(**pickup(UNLOCATED)), device("AAAAAAAA1", **at(FIVES))) is None
    assert round(pickup_distance_km(located, device("AAAAAAAA1", **at(FIVES))) or 0, 1) == 9.5


def test_the_nearer_device_is_preferred_over_a_smaller_better_one_farther_away() -> None:
    nearer = device("CCCCCCCC3", memory_gb=16, grade="C", **at(CROIX))
    farther = device("AAAAAAAA1", memory_gb=4, grade="A", **at(FIVES))
    result = match([need(**pickup(ROUBAIX))], [farther, nearer])
    assert [proposal.label for proposal in result.proposals] == ["CCCCCCCC3"]


def test_the_pickup_place_itself_comes_before_a_nearer_band() -> None:
    at_place = device("CCCCCCCC3", memory_gb=16, **at(ROUBAIX))
    close_by = device("AAAAAAAA1", memory_gb=4, **at(CROIX))
    result = match([need(**pickup(ROUBAIX))], [close_by, at_place])
    assert [proposal.label for proposal in result.proposals] == ["CCCCCCCC3"]


def test_within_one_band_the_smallest_sufficient_device_wins_whatever_the_distance() -> None:
    four_km = device("CCCCCCCC3", memory_gb=16, **at(TOURCOING))
    ten_km = device("AAAAAAAA1", memory_gb=8, **at(FIVES))
    result = match([need(min_memory_gb=8, **pickup(ROUBAIX))], [four_km, ten_km])
    assert [proposal.label for proposal in result.proposals] == ["AAAAAAAA1"]


def test_bands_are_served_nearest_first_then_farther_or_unknown_places_alike() -> None:
    devices = [
        device("AAAAAAAA1", memory_gb=4, **at(UNLOCATED)),
        device("BBBBBBBB2", memory_gb=8, **at(LENS)),
        device("CCCCCCCC3", memory_gb=16, **at(SECLIN)),
        device("DDDDDDDD4", memory_gb=32, **at(FIVES)),
    ]
    needs = [need(priority=10 - order, **pickup(ROUBAIX)) for order in range(4)]
    result = match(needs, devices)
    assert [proposal.label for proposal in result.proposals] == [
        "DDDDDDDD4",  # within 10 km
        "CCCCCCCC3",  # within 25 km
        "AAAAAAAA1",  # farther or unknown: the smallest first
        "BBBBBBBB2",
    ]


def test_a_pickup_place_of_unknown_position_prefers_only_devices_already_there() -> None:
    at_place = device("CCCCCCCC3", memory_gb=16, **at(UNLOCATED))
    elsewhere = [
        device("AAAAAAAA1", memory_gb=8, **at(LENS)),
        device("BBBBBBBB2", memory_gb=32, **at(CROIX)),
    ]
    result = match([need(**pickup(UNLOCATED)), need(**pickup(UNLOCATED))], [*elsewhere, at_place])
    assert sorted(proposal.label for proposal in result.proposals) == ["AAAAAAAA1", "CCCCCCCC3"]
    assert result.proposals[0].label == "CCCCCCCC3"


def test_a_device_from_a_located_place_says_how_far_it_is_from_the_pickup_place() -> None:
    nearby = device("AAAAAAAA1", **at(CROIX))
    reasons = match([need(**pickup(ROUBAIX))], [nearby]).proposals[0].reasons
    assert reasons[2] == Reason(
        code="place_distance", values={"km": 2.6, "asked": ROUBAIX, "place": CROIX}
    )
    assert reason_text(reasons[2], "fr") == (
        "À 2,6 km du lieu de retrait choisi (Mairie de Roubaix) : à retirer à Médiathèque de Croix"
    )
    assert reason_text(reasons[2], "en") == (
        "2.6 km from the chosen pick-up place (Mairie de Roubaix): to be picked up at "
        "Médiathèque de Croix"
    )


def test_without_both_positions_the_reason_says_the_device_comes_from_another_place() -> None:
    unlocated = device("AAAAAAAA1", **at(UNLOCATED))
    reasons = match([need(**pickup(ROUBAIX))], [unlocated]).proposals[0].reasons
    assert reasons[2] == Reason(code="other_place", values={"place": UNLOCATED, "asked": ROUBAIX})
    same = match([need(**pickup(ROUBAIX))], [device("BBBBBBBB2", **at(ROUBAIX))])
    assert same.proposals[0].reasons[2] == Reason(code="same_place", values={"place": ROUBAIX})


# --- sizes, grades, refusals ---------------------------------------------------------------


def test_a_modest_need_gets_the_smallest_sufficient_device_so_a_demanding_one_still_fits() -> None:
    modest = need(priority=90, min_memory_gb=4)
    demanding = need(priority=20, min_memory_gb=16, min_storage_gb=512)
    powerful = device("PPPPPPPP1", memory_gb=32, storage_gb=1000, grade="A")
    plain = device("MMMMMMMM2", memory_gb=4, storage_gb=128, grade="C")
    result = match([demanding, modest], [powerful, plain])
    assert proposed(result) == {modest.need_id: "MMMMMMMM2", demanding.need_id: "PPPPPPPP1"}


def test_memory_counts_before_storage_when_choosing_the_smallest() -> None:
    more_memory = device("AAAAAAAA1", memory_gb=8, storage_gb=128)
    more_storage = device("BBBBBBBB2", memory_gb=4, storage_gb=1000)
    assert [p.label for p in match([need()], [more_memory, more_storage]).proposals] == [
        "BBBBBBBB2"
    ]


def test_between_equal_devices_the_better_grade_is_proposed_then_the_lower_label() -> None:
    worn, good, good_too = (
        device("AAAAAAAA1", grade="C"),
        device("CCCCCCCC3", grade="A"),
        device("BBBBBBBB2", grade="A"),
    )
    first, second, third = need(priority=3), need(priority=2), need(priority=1)
    assert proposed(match([third, second, first], [worn, good, good_too])) == {
        first.need_id: "BBBBBBBB2",
        second.need_id: "CCCCCCCC3",
        third.need_id: "AAAAAAAA1",
    }


def test_a_refused_device_is_never_proposed_again_for_that_need() -> None:
    refused = device("AAAAAAAA1", memory_gb=4)
    other = device("BBBBBBBB2", memory_gb=16)
    asking = need(excluded=frozenset({refused.device_id}))
    assert proposed(match([asking], [refused, other])) == {asking.need_id: "BBBBBBBB2"}


def test_a_device_refused_for_one_need_can_go_to_another() -> None:
    refused = device("AAAAAAAA1")
    first = need(priority=50, excluded=frozenset({refused.device_id}))
    second = need(priority=10)
    assert proposed(match([first, second], [refused])) == {second.need_id: "AAAAAAAA1"}


def test_minimum_specs_are_exact() -> None:
    exact = device("AAAAAAAA1", memory_gb=8, storage_gb=256, screen_inches=LARGER_SCREEN_INCHES)
    asked = {"min_memory_gb": 8, "min_storage_gb": 256, "min_screen_inches": 15.0}
    assert len(match([need(**asked)], [exact]).proposals) == 1
    for too_much in ({"min_memory_gb": 9}, {"min_storage_gb": 257}, {"min_screen_inches": 15.1}):
        assert match([need(**{**asked, **too_much})], [exact]).proposals == ()


def test_a_device_of_another_type_is_never_proposed() -> None:
    result = match([need(device_type="tablet")], [device("AAAAAAAA1", device_type="laptop")])
    assert result.proposals == ()


def test_a_device_listed_twice_is_proposed_once() -> None:
    one = device("AAAAAAAA1")
    assert len(match([need(), need()], [one, one]).proposals) == 1


# --- reasons -------------------------------------------------------------------------------


def test_a_proposal_gives_its_reasons_in_order() -> None:
    laptop = device(
        "K7Q2M9XB4", memory_gb=8, storage_gb=256, screen_inches=15.6, grade="A", place_name=ROUBAIX
    )
    asking = need(min_memory_gb=4, min_screen_inches=15.0, pickup_place=ROUBAIX, priority=42)
    reasons = match([asking], [laptop]).proposals[0].reasons
    assert reasons == (
        Reason(code="type", values={"device_type": "laptop"}),
        Reason(code="memory", values={"value": 8, "asked": 4}),
        Reason(code="screen", values={"value": 15.6, "asked": 15.0}),
        Reason(code="same_place", values={"place": ROUBAIX}),
        Reason(code="grade", values={"grade": "A"}),
        Reason(code="priority", values={"points": 42}),
    )
    assert [reason_text(reason, "fr") for reason in reasons] == [
        "Type demandé : ordinateur portable",
        "Mémoire : 8 Go (au moins 4 Go demandés)",
        "Écran : 15,6 pouces (au moins 15 pouces demandés)",
        "Déjà au lieu de retrait choisi : Mairie de Roubaix",
        "État : A (très bon état, traces d'usage légères au plus)",
        "Priorité du foyer : 42 points",
    ]
    assert [reason_text(reason, "en") for reason in reasons] == [
        "Type asked for: laptop",
        "Memory: 8 GB (at least 4 GB asked for)",
        "Screen: 15.6 inches (at least 15 inches asked for)",
        "Already at the chosen pick-up place: Mairie de Roubaix",
        "Condition: A (very good, light signs of use at most)",
        "Household priority: 42 points",
    ]


def test_a_need_without_minimums_says_so_and_where_to_pick_the_device_up() -> None:
    reasons = match([need()], [device("AAAAAAAA1", place_name=FIVES)]).proposals[0].reasons
    assert codes(reasons) == ["type", "no_specs", "place", "grade", "priority"]
    assert reason_text(reasons[2], "fr") == "À retirer à : Atelier Fives"


def test_a_device_from_another_place_says_where_it_comes_from() -> None:
    reason = Reason(code="other_place", values={"place": FIVES, "asked": ROUBAIX})
    assert (
        reason_text(reason, "fr") == "À faire venir de Atelier Fives (autre lieu que celui demandé)"
    )
    assert reason_text(reason, "en") == "To be brought from Atelier Fives (not the place asked for)"


def test_an_unknown_language_reads_in_french() -> None:
    reason = Reason(code="storage", values={"value": 256, "asked": 128})
    assert reason_text(reason, "nl") == "Stockage : 256 Go (au moins 128 Go demandés)"


def test_grades_are_never_described_as_new() -> None:
    for language in LANGUAGES:
        for grade in GRADES:
            assert grade_condition(grade, language)
            text = reason_text(Reason(code="grade", values={"grade": grade}), language).lower()
            assert "neuf" not in text and "new" not in text


def test_device_types_are_named_in_both_languages() -> None:
    assert DEVICE_TYPE_NAMES["fr"]["laptop"] == "ordinateur portable"
    assert DEVICE_TYPE_NAMES["fr"]["desktop"] == "ordinateur fixe"
    assert DEVICE_TYPE_NAMES["fr"]["monitor"] == "écran"
    assert DEVICE_TYPE_NAMES["en"]["tablet"] == "tablet"


REASON_CODES = (
    "type", "memory", "storage", "screen", "no_specs", "same_place", "place_distance",
    "other_place", "place", "grade", "priority", "no_type", "no_memory", "no_storage",
    "no_screen", "excluded", "all_proposed",
)  # fmt: skip


def test_every_reason_code_has_a_text_in_both_languages() -> None:
    values: dict[str, str | int | float] = {
        "device_type": "laptop", "value": 8, "asked": 4, "best": 2, "km": 2.5, "place": FIVES,
        "grade": "B", "points": 40, "count": 2,
    }  # fmt: skip
    for language in LANGUAGES:
        for code in REASON_CODES:
            text = reason_text(Reason(code=code, values=values), language)
            assert not text.startswith(code), f"{code} has no text in {language}"


# --- why nothing fits ---------------------------------------------------------------------


def why(asking: OpenNeed, devices: list[ReadyDevice], *more_urgent: OpenNeed) -> tuple[Reason, ...]:
    result = match([asking, *more_urgent], devices)
    return next(u.reasons for u in result.unmatched if u.need_id == asking.need_id)


def test_unmatched_says_when_no_device_of_the_type_is_ready() -> None:
    reasons = why(need(device_type="tablet"), [device("AAAAAAAA1")])
    assert reasons == (Reason(code="no_type", values={"device_type": "tablet"}),)
    assert reason_text(reasons[0], "fr") == "Aucun appareil prêt de ce type : tablette"


def test_unmatched_says_which_spec_no_device_reaches_with_the_best_available() -> None:
    laptops = [device("AAAAAAAA1", memory_gb=8, storage_gb=256, screen_inches=14.0)]
    assert codes(why(need(min_memory_gb=16), laptops)) == ["no_memory"]
    assert codes(why(need(min_storage_gb=512), laptops)) == ["no_storage"]
    screen = why(need(min_screen_inches=15.0), laptops)
    assert screen == (
        Reason(code="no_screen", values={"device_type": "laptop", "asked": 15.0, "best": 14.0}),
    )
    assert reason_text(screen[0], "en") == (
        "No ready device of type laptop has a screen of at least 15 inches (the largest: 14 inches)"
    )


def test_unmatched_says_the_fitting_devices_went_to_more_urgent_households() -> None:
    more_urgent = need(priority=99)
    reasons = why(need(), [device("AAAAAAAA1")], more_urgent)
    assert reasons == (Reason(code="all_proposed", values={"device_type": "laptop", "count": 1}),)
    assert reason_text(reasons[0], "fr") == (
        "1 appareil conviendrait (ordinateur portable) mais il est déjà proposé à un foyer "
        "plus prioritaire"
    )


def test_unmatched_says_the_only_fitting_devices_were_refused() -> None:
    refused = [device("AAAAAAAA1"), device("BBBBBBBB2")]
    asking = need(excluded=frozenset(d.device_id for d in refused))
    reasons = why(asking, refused)
    assert reasons == (Reason(code="excluded", values={"count": 2}),)
    assert reason_text(reasons[0], "en") == (
        "The 2 devices that would fit were already refused for this need"
    )


# --- properties ----------------------------------------------------------------------------

PLACES = ("", ROUBAIX, FIVES, CROIX, TOURCOING, SECLIN, LENS, UNLOCATED)
TYPES = ("laptop", "tablet")


@st.composite
def territories(draw: st.DrawFn) -> tuple[list[OpenNeed], list[ReadyDevice]]:
    """Small territories with many ties, so every step of the preference order matters."""
    ids = draw(st.lists(st.uuids(), min_size=0, max_size=40, unique=True))
    devices = [
        ReadyDevice(
            device_id=device_id,
            label=draw(st.sampled_from(("AAAAAAAA1", "BBBBBBBB2", "CCCCCCCC3"))),
            device_type=draw(st.sampled_from(TYPES)),
            grade=draw(st.sampled_from(GRADES)),
            memory_gb=draw(st.sampled_from((0, 4, 8, 16))),
            storage_gb=draw(st.sampled_from((0, 128, 256))),
            screen_inches=draw(st.sampled_from((0.0, 13.3, 15.0, 15.6))),
            **at(draw(st.sampled_from(PLACES))),
        )
        for device_id in ids
    ]
    needs = [
        OpenNeed(
            need_id=need_id,
            device_type=draw(st.sampled_from(TYPES)),
            min_memory_gb=draw(st.sampled_from((0, 4, 8, 16, 32))),
            min_storage_gb=draw(st.sampled_from((0, 128, 256))),
            min_screen_inches=draw(st.sampled_from((0.0, 15.0))),
            **pickup(draw(st.sampled_from(PLACES))),
            priority=draw(st.integers(0, 3)),
            waiting_since=T0 - timedelta(days=draw(st.integers(0, 3))),
            excluded=frozenset(draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []),
        )
        for need_id in draw(st.lists(st.uuids(), min_size=0, max_size=40, unique=True))
    ]
    return needs, devices


def one_by_one(needs: list[OpenNeed], devices: list[ReadyDevice]) -> dict[uuid.UUID, uuid.UUID]:
    """The rules of matching applied by looking at every device for every need."""
    free = {device.device_id: device for device in devices}
    chosen = {}
    for asking in sorted(needs, key=urgency):
        fitting = [d for d in free.values() if fits(d, asking)]
        if fitting:
            best = min(
                fitting,
                key=lambda d: (
                    -1  # at the pick-up place itself, wherever its position says it is
                    if asking.pickup_place and d.place_name == asking.pickup_place
                    else distance_band(pickup_distance_km(asking, d)),
                    preference(d),
                ),
            )
            chosen[asking.need_id] = best.device_id
            del free[best.device_id]
    return chosen


@settings(max_examples=300)
@given(territories())
def test_matching_makes_the_choices_its_rules_describe(
    territory: tuple[list[OpenNeed], list[ReadyDevice]],
) -> None:
    needs, devices = territory
    result = match(needs, devices)
    assert {p.need_id: p.device_id for p in result.proposals} == one_by_one(needs, devices)


@settings(max_examples=200)
@given(territories())
def test_no_device_is_ever_proposed_to_two_needs_and_every_proposal_fits(
    territory: tuple[list[OpenNeed], list[ReadyDevice]],
) -> None:
    needs, devices = territory
    result = match(needs, devices)
    device_ids = [proposal.device_id for proposal in result.proposals]
    assert len(device_ids) == len(set(device_ids))
    by_need = {asking.need_id: asking for asking in needs}
    by_device = {ready.device_id: ready for ready in devices}
    for proposal in result.proposals:
        assert fits(by_device[proposal.device_id], by_need[proposal.need_id])
    assert len(result.proposals) + len(result.unmatched) == len(needs)


@settings(max_examples=200)
@given(territories(), st.randoms(use_true_random=False))
def test_shuffling_the_inputs_gives_the_same_result(
    territory: tuple[list[OpenNeed], list[ReadyDevice]], rng: random.Random
) -> None:
    needs, devices = territory
    shuffled_needs, shuffled_devices = needs[:], devices[:]
    rng.shuffle(shuffled_needs)
    rng.shuffle(shuffled_devices)
    assert match(shuffled_needs, shuffled_devices) == match(needs, devices)


@settings(max_examples=200)
@given(territories())
def test_no_need_is_left_unmatched_while_a_fitting_device_remains_unproposed(
    territory: tuple[list[OpenNeed], list[ReadyDevice]],
) -> None:
    needs, devices = territory
    result = match(needs, devices)
    taken = {proposal.device_id for proposal in result.proposals}
    left = [ready for ready in devices if ready.device_id not in taken]
    by_need = {asking.need_id: asking for asking in needs}
    for unmatched in result.unmatched:
        asking = by_need[unmatched.need_id]
        assert not [ready for ready in left if fits(ready, asking)]
        assert codes(unmatched.reasons) == expected_codes(asking, devices, taken)
        assert all(reason_text(reason, "fr") != reason.code for reason in unmatched.reasons)


def expected_codes(
    asking: OpenNeed, devices: list[ReadyDevice], taken: set[uuid.UUID]
) -> list[str]:
    """Why nothing fits, found by filtering every device constraint after constraint."""
    pool = [ready for ready in devices if ready.device_type == asking.device_type]
    steps = (
        ("no_type", lambda ready: True),
        ("no_memory", lambda ready: ready.memory_gb >= asking.min_memory_gb),
        ("no_storage", lambda ready: ready.storage_gb >= asking.min_storage_gb),
        ("no_screen", lambda ready: ready.screen_inches >= asking.min_screen_inches),
    )
    for code, keep in steps:
        pool = [ready for ready in pool if keep(ready)]
        if not pool:
            return [code]
    refused = [ready for ready in pool if ready.device_id in asking.excluded]
    assert all(ready.device_id in taken for ready in pool if ready not in refused)
    if len(refused) == len(pool):
        return ["excluded"]
    return ["all_proposed", "excluded"] if refused else ["all_proposed"]
