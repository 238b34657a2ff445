from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission

from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.services import calendar_seed_years
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0) -> dt.datetime:
    """A moment in Asia/Shanghai (the zone the rules are written in)."""
    return dt.datetime(year, month, day, hour, minute, second, us, tzinfo=SH)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test's database is rolled back afterwards, so no cached calendar may outlive it."""
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def seeded(db):
    """The official calendars of 2025 and 2026 (2027 stays unseeded: plain Monday-Friday)."""
    calendar_seed_years(years=[2025, 2026])


@pytest.fixture
def calendar_admin(db):
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sla", codename__in=["change_calendarday", "change_workingperiod"]
        )
    )
    return type(user).objects.get(pk=user.pk)  # fresh instance: no stale permission cache


@pytest.fixture
def plain_user(db):
    return UserFactory()
