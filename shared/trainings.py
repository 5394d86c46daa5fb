"""Trainings, as both services read them: which course lets someone sign an erasure, and
on which day a training is valid (the metropolis's day, Europe/Paris)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Course = Literal["data_erasure", "electrical_safety", "first_aid"]
COURSES: tuple[Course, ...] = ("data_erasure", "electrical_safety", "first_aid")
ERASURE_COURSE: Course = "data_erasure"
# Trainings ending within this many days are listed for administrators and the person.
EXPIRY_NOTICE = timedelta(days=30)
TIMEZONE = ZoneInfo("Europe/Paris")


def local_day(moment: datetime) -> date:
    """The day it is in the metropolis at ``moment`` (stored in UTC)."""
    return moment.astimezone(TIMEZONE).date()


def valid_on(valid_from: date, valid_until: date, day: date) -> bool:
    """Valid from its first day to its last day, both included."""
    return valid_from <= day <= valid_until


def ends_soon(valid_until: date, day: date) -> bool:
    """Still valid on ``day`` and ending within the notice (to renew)."""
    return day <= valid_until <= day + EXPIRY_NOTICE
