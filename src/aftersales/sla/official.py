"""The State Council calendar as published in the ``chinese_calendar`` package.

Used only to seed ``CalendarDay`` rows (ARCHITECTURE.md "Calendar"); lookups never call the package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import chinese_calendar
from chinese_calendar import holidays as _holidays
from chinese_calendar import workdays as _workdays
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PACKAGE_VERSION: str = str(chinese_calendar.__version__)

# The English names the package uses, so pages can show them in the user's language.
HOLIDAY_NAMES: dict[str, Promise] = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _("70th anniversary of the victory over fascism"),
}


def holiday_label(name: str) -> str:
    """The display name of an official holiday (translated when known, else as stored)."""
    label = HOLIDAY_NAMES.get(name)
    return str(label) if label is not None else name


@dataclass(frozen=True, slots=True)
class OfficialDay:
    date: dt.date
    is_working: bool
    name: str


@cache
def known_years() -> tuple[int, ...]:
    """Every year the installed package has the State Council notice for (2004-2026 in 1.11.0)."""
    years = {day.year for day in _holidays} | {day.year for day in _workdays}
    return tuple(range(min(years), max(years) + 1))


def official_days(year: int) -> list[OfficialDay]:
    """The days of ``year`` that differ from plain Monday-Friday, in date order.

    Holidays on a weekday become days off; make-up working days (调休) on a weekend become working
    days. A holiday on a weekend changes nothing and is not returned.
    """
    out: list[OfficialDay] = []
    for day, name in _holidays.items():
        if day.year == year and day.weekday() < 5:
            out.append(OfficialDay(day, False, _name(name)))
    for day, name in _workdays.items():
        if day.year == year and day.weekday() >= 5:
            out.append(OfficialDay(day, True, _name(name)))
    out.sort(key=lambda d: d.date)
    return out


def _name(value: object) -> str:
    # Values are Holiday enum members (a str subclass) or plain strings; keep the plain text.
    return str(getattr(value, "value", value))[:64]
