"""A household's priority follows the published criteria, and waiting always counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.group_purchase.requests.priority import (
    Criterion,
    PriorityPolicy,
    Situation,
    load_policy,
    priority_of,
    waiting_days,
)
from services.group_purchase.requests.reasons import priority_text

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
POLICY = load_policy()
FLAGS = (
    "job_seeking",
    "disability",
    "no_computer",
    "no_home_internet",
    "single_parent",
    "low_income",
)


def points_for(situation: Situation, days: int = 0) -> dict[str, int]:
    priority = priority_of(situation, NOW - timedelta(days=days), NOW, POLICY)
    return {part.key: part.points for part in priority.parts}


def test_the_published_policy_loads_with_a_label_in_both_languages_for_each_criterion() -> None:
    assert POLICY.version == "2026-11"
    assert POLICY.points_per_waiting_day == 1
    assert {criterion.key for criterion in POLICY.criteria} == set(Situation.__struct_fields__)
    assert all(criterion.label_fr and criterion.label_en for criterion in POLICY.criteria)
    assert load_policy() is POLICY  # read once


def test_each_criterion_met_adds_its_published_points() -> None:
    assert points_for(Situation(job_seeking=True))["job_seeking"] == 20
    assert points_for(Situation(disability=True))["disability"] == 15
    assert points_for(Situation(no_computer=True))["no_computer"] == 25
    assert points_for(Situation(no_home_internet=True))["no_home_internet"] == 5
    assert points_for(Situation(single_parent=True))["single_parent"] == 10
    assert points_for(Situation(low_income=True))["low_income"] == 15


def test_a_criterion_not_met_adds_no_part() -> None:
    priority = priority_of(Situation(), NOW, NOW, POLICY)
    assert priority.points == 0
    assert [part.key for part in priority.parts] == ["waiting"]


def test_school_age_children_count_per_child_up_to_four() -> None:
    priority = priority_of(Situation(school_age_children=2), NOW, NOW, POLICY)
    assert priority.parts[0].key == "school_age_children"
    assert (priority.parts[0].units, priority.parts[0].points) == (2, 30)
    assert points_for(Situation(school_age_children=4))["school_age_children"] == 60
    assert points_for(Situation(school_age_children=7))["school_age_children"] == 60


def test_the_priority_is_the_sum_of_its_parts() -> None:
    situation = Situation(school_age_children=3, no_computer=True, low_income=True)
    priority = priority_of(situation, NOW - timedelta(days=12), NOW, POLICY)
    assert priority.points == 45 + 25 + 15 + 12


def test_waiting_counts_whole_days_only() -> None:
    assert waiting_days(NOW - timedelta(days=12, hours=23), NOW) == 12
    assert points_for(Situation(), days=12)["waiting"] == 12


def test_a_same_day_or_future_waiting_start_counts_no_day() -> None:
    assert waiting_days(NOW - timedelta(hours=23, minutes=59), NOW) == 0
    assert waiting_days(NOW + timedelta(days=3), NOW) == 0


def test_someone_who_waited_long_enough_ends_above_a_household_with_more_criteria() -> None:
    many = Situation(school_age_children=4, job_seeking=True, no_computer=True, single_parent=True)
    newcomer = priority_of(many, NOW - timedelta(days=2), NOW, POLICY)
    patient = priority_of(Situation(), NOW - timedelta(days=200), NOW, POLICY)
    assert patient.points > newcomer.points


@given(
    children=st.integers(0, 10),
    flags=st.lists(st.booleans(), min_size=6, max_size=6),
    days=st.integers(0, 2000),
    more=st.integers(1, 400),
)
def test_waiting_longer_never_lowers_a_priority(
    children: int, flags: list[bool], days: int, more: int
) -> None:
    situation = Situation(school_age_children=children, **dict(zip(FLAGS, flags, strict=True)))
    before = priority_of(situation, NOW - timedelta(days=days), NOW, POLICY)
    after = priority_of(situation, NOW - timedelta(days=days + more), NOW, POLICY)
    assert after.points == before.points + more
    assert before.points == sum(part.points for part in before.parts)


def write_policy(folder: Path, criteria: list[dict[str, object]]) -> Path:
    path = folder / "policy.json"
    path.write_text(
        json.dumps({"version": "test", "criteria": criteria, "points_per_waiting_day": 1})
    )
    return path


def test_a_policy_with_an_unknown_key_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    criterion = {"key": "owns_a_car", "points": 10, "label_fr": "Voiture", "label_en": "Car"}
    with pytest.raises(ValueError, match=r"unknown criterion key 'owns_a_car'.*job_seeking"):
        load_policy(write_policy(tmp_path, [criterion]))


def test_a_policy_giving_a_key_twice_is_refused(tmp_path: Path) -> None:
    criterion = {"key": "low_income", "points": 10, "label_fr": "Minima", "label_en": "Low"}
    with pytest.raises(ValueError, match="given twice: low_income"):
        load_policy(write_policy(tmp_path, [criterion, criterion]))


def test_a_policy_missing_a_field_is_refused_naming_the_field(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="label_en"):
        load_policy(write_policy(tmp_path, [{"key": "low_income", "points": 10, "label_fr": "M"}]))


def test_another_policy_changes_the_points() -> None:
    policy = PriorityPolicy(
        version="test",
        criteria=(Criterion(key="disability", points=40, label_fr="Handicap", label_en="Dis."),),
        points_per_waiting_day=2,
    )
    priority = priority_of(Situation(disability=True), NOW - timedelta(days=3), NOW, policy)
    assert priority.points == 40 + 6


def test_a_priority_reads_line_by_line_in_french_and_in_english() -> None:
    situation = Situation(school_age_children=2, job_seeking=True)
    priority = priority_of(situation, NOW - timedelta(days=12), NOW, POLICY)
    assert priority_text(priority, POLICY, "fr") == [
        "Enfants scolarisés : 2 × 15 = 30 points",
        "Recherche d'emploi : 20 points",
        "Attente : 12 jours = 12 points",
    ]
    assert priority_text(priority, POLICY, "en") == [
        "School-age children: 2 × 15 = 30 points",
        "Looking for work: 20 points",
        "Waiting: 12 days = 12 points",
    ]


def test_one_day_of_waiting_reads_in_the_singular() -> None:
    priority = priority_of(Situation(), NOW - timedelta(days=1), NOW, POLICY)
    assert priority_text(priority, POLICY, "fr") == ["Attente : 1 jour = 1 point"]
    assert priority_text(priority, POLICY, "en") == ["Waiting: 1 day = 1 point"]
    assert priority_text(priority, POLICY, "de") == ["Attente : 1 jour = 1 point"]
