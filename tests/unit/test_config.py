"""Settings come from BOUCLE_* variables, typed; a misspelt variable is refused."""

from __future__ import annotations

import pytest

from shared.config import SETTING_NAMES, load_settings, minimum_stream_age_days


def test_settings_are_read_and_typed_from_the_environment() -> None:
    settings = load_settings(
        {"BOUCLE_SERVICE": "collection_point", "BOUCLE_HTTP_PORT": "9000", "PATH": "/bin"}
    )
    assert settings.service == "collection_point"
    assert settings.port == 9000
    assert settings.schema == "collection"


def test_each_service_has_its_default_port() -> None:
    assert load_settings({}, service="group_purchase").port == 8004


def test_a_misspelt_setting_is_refused_rather_than_ignored() -> None:
    with pytest.raises(ValueError, match="BOUCLE_DATABSE_URL"):
        load_settings({"BOUCLE_DATABSE_URL": "postgresql://x"})


def test_an_unknown_service_is_refused() -> None:
    with pytest.raises(ValueError, match="BOUCLE_SERVICE"):
        load_settings({"BOUCLE_SERVICE": "billing"})


def test_a_services_own_settings_are_grouped_under_its_name_and_named_as_the_others() -> None:
    settings = load_settings(
        {"BOUCLE_PASSIVE_AFTER_DAYS": "30", "BOUCLE_HOUSEHOLD_RETENTION_DAYS": "90"},
        service="inventory",
        reservation_hours=12,
    )
    assert settings.inventory.passive_after_days == 30
    assert settings.inventory.reservation_hours == 12
    assert settings.group_purchase.household_retention_days == 90
    assert settings.refurbishment.release_min_battery_percent == 50  # the default
    assert "BOUCLE_GRADE_A_MIN_BATTERY_PERCENT" in SETTING_NAMES
    assert "BOUCLE_INVENTORY" not in SETTING_NAMES  # a group is not a setting


def test_the_tiers_settings_must_hold_together() -> None:
    base = {"BOUCLE_PASSIVE_AFTER_DAYS": "365", "BOUCLE_ARCHIVE_FOLDER": "/srv/archive"}
    with pytest.raises(ValueError, match="ARCHIVE_AFTER_MONTHS must outlast"):
        load_settings({**base, "BOUCLE_ARCHIVE_AFTER_MONTHS": "12"})  # 12 × 28 < 365
    # events leave the streams only once their histories are archived: 365 + 31 × 25 days
    assert minimum_stream_age_days(load_settings(base).inventory) == 1140
    with pytest.raises(ValueError, match="at least 1140 days"):
        load_settings({**base, "BOUCLE_STREAM_MAX_AGE_DAYS": "1139"})
    enough = load_settings({**base, "BOUCLE_STREAM_MAX_AGE_DAYS": "1140"})
    assert enough.inventory.stream_max_age_days == 1140
    with pytest.raises(ValueError, match="needs BOUCLE_ARCHIVE_FOLDER"):
        load_settings({"BOUCLE_STREAM_MAX_AGE_DAYS": "2000"})
    assert load_settings({}).inventory.stream_max_age_days == 0  # by default, kept forever
