"""R-4 calendar administration: validation codes, permissions, working periods and the cache."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.errors import DomainError, ErrorCode
from aftersales.sla import clocks
from aftersales.sla.clocks import (
    Clock,
    add_duration,
    add_working_days,
    add_working_time,
    elapsed_seconds,
    fraction_point,
    is_working_time,
    next_working_start,
    working_seconds_between,
)
from aftersales.sla.errors import CalendarErrorCode as Code
from aftersales.sla.models import Calendar, CalendarDay, DaySource, WorkingPeriod
from aftersales.sla.selectors import calendar_default, calendar_exceptions, unseeded_years
from aftersales.sla.services import (
    calendar_exception_add,
    calendar_exception_delete,
    calendar_year_confirm,
    working_period_add,
    working_period_delete,
    working_period_update,
)
from tests.sla.conftest import at

pytestmark = pytest.mark.usefixtures("seeded")
T = dt.time


def _code(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as err:
        call(*args, **kwargs)
    return err.value.code


@pytest.fixture
def lunch_calendar(calendar_admin):
    """A second calendar with a lunch break: 08:30-12:00 and 13:00-17:30."""
    calendar = Calendar.objects.get(pk=calendar_default().pk)
    calendar.pk, calendar.name, calendar.is_default = None, "Lunch", False
    calendar.save()
    working_period_add(actor=calendar_admin, calendar=calendar, start=T(8, 30), end=T(12))
    working_period_add(actor=calendar_admin, calendar=calendar, start=T(13), end=T(17, 30))
    return calendar


# ---- validation of clock inputs --------------------------------------------------------------
def test_r4_clock_inputs_are_validated():
    naive = dt.datetime(2026, 3, 2, 9)  # noqa: DTZ001 - the point of the test
    assert _code(add_working_time, naive, 60) == Code.NAIVE_DATETIME
    assert _code(is_working_time, naive) == Code.NAIVE_DATETIME
    assert _code(add_working_time, at(2026, 3, 2, 9), -1) == Code.NEGATIVE_DURATION
    assert _code(add_working_time, at(2026, 3, 2, 9), "1h") == Code.INVALID_DURATION
    assert _code(add_duration, at(2026, 3, 2, 9), 3600, Clock.WORKING_DAYS) == Code.NOT_WHOLE_DAYS
    assert _code(add_duration, at(2026, 3, 2, 9), 3600, "lunar") == Code.UNKNOWN_CLOCK
    assert _code(add_working_time, at(1999, 12, 31, 9), 60) == Code.DATE_OUT_OF_RANGE
    assert _code(add_working_time, at(2099, 12, 31, 9), 3600 * 24 * 365) == Code.DATE_OUT_OF_RANGE
    assert _code(fraction_point, at(2026, 3, 2, 9), at(2026, 3, 3, 9), 1.5, Clock.WALL) == Code.FRACTION_OUT_OF_RANGE


def test_r4_7_warning_at_80_percent_of_working_time():
    start = at(2026, 9, 30, 10)  # P3 response: 8 working hours, due Thu 8 Oct 09:00
    deadline = add_duration(start, 8 * 3600, Clock.WORKING_HOURS)
    # 80 % of 8 h = 6.4 h = 6 h 24 min after 10:00 on 30 Sep.
    assert fraction_point(start, deadline, 0.8, Clock.WORKING_HOURS) == at(2026, 9, 30, 16, 24)
    assert fraction_point(at(2026, 3, 2, 0), at(2026, 3, 3, 0), 0.5, Clock.WALL) == at(2026, 3, 2, 12)
    assert elapsed_seconds(start, deadline, Clock.WORKING_DAYS) == 8 * 3600
    assert elapsed_seconds(start, deadline, Clock.WALL) == (deadline - start).total_seconds()


# ---- working periods -----------------------------------------------------------------------
def test_r4_several_periods_per_day_with_a_lunch_break(lunch_calendar):
    cal = lunch_calendar
    assert not is_working_time(at(2026, 3, 2, 12), cal)  # end of the morning period
    assert is_working_time(at(2026, 3, 2, 13), cal)
    assert add_working_time(at(2026, 3, 2, 11, 30), 3600, cal) == at(2026, 3, 2, 13, 30)
    assert add_working_time(at(2026, 3, 2, 12, 30), 3600, cal) == at(2026, 3, 2, 14)
    assert next_working_start(at(2026, 3, 2, 12, 30), cal) == at(2026, 3, 2, 13)
    # Received at lunch: as if received at 13:00, so 3 working days later at 13:00.
    assert add_working_days(at(2026, 3, 2, 12, 30), 3, cal) == at(2026, 3, 5, 13)
    assert working_seconds_between(at(2026, 3, 2), at(2026, 3, 3), cal) == 8 * 3600
    # The default calendar is unchanged.
    assert is_working_time(at(2026, 3, 2, 12, 30))


def test_r4_period_validation_codes(calendar_admin, lunch_calendar):
    cal = lunch_calendar
    add = working_period_add
    assert _code(add, actor=calendar_admin, calendar=cal, start=T(18), end=T(17)) == Code.PERIOD_END_BEFORE_START
    assert _code(add, actor=calendar_admin, calendar=cal, start=T(9), end=T(9)) == Code.PERIOD_END_BEFORE_START
    assert _code(add, actor=calendar_admin, calendar=cal, start=T(11), end=T(13, 30)) == Code.PERIODS_OVERLAP
    morning = WorkingPeriod.objects.get(calendar=cal, start=T(8, 30))
    update = working_period_update
    assert _code(update, actor=calendar_admin, period=morning, start=T(8), end=T(13, 1)) == Code.PERIODS_OVERLAP
    working_period_update(actor=calendar_admin, period=morning, start=T(8), end=T(12))
    assert add_working_time(at(2026, 3, 2, 7), 3600, cal) == at(2026, 3, 2, 9)
    working_period_delete(actor=calendar_admin, period=morning)
    last = WorkingPeriod.objects.get(calendar=cal)
    assert _code(working_period_delete, actor=calendar_admin, period=last) == Code.LAST_PERIOD
    assert _code(add, actor=None, calendar=cal, start=T(19), end=T(20)) == ErrorCode.PERMISSION_DENIED


# ---- company exceptions --------------------------------------------------------------------
def test_r4_company_exceptions_change_the_clocks_at_once(calendar_admin):
    cal = calendar_default()
    thursday = at(2026, 3, 5, 17)
    assert add_working_time(thursday, 3600) == at(2026, 3, 6, 9)  # warm the cache
    calendar_exception_add(actor=calendar_admin, calendar=cal, date=dt.date(2026, 3, 6), is_working=False, name="年会")
    assert add_working_time(thursday, 3600) == at(2026, 3, 9, 9)  # Friday off: Monday
    day = calendar_exception_add(actor=calendar_admin, calendar=cal, date=dt.date(2026, 3, 7), is_working=True)
    assert add_working_time(thursday, 3600) == at(2026, 3, 7, 9)  # Saturday worked
    calendar_exception_delete(actor=calendar_admin, calendar=cal, day_id=day.pk)
    assert add_working_time(thursday, 3600) == at(2026, 3, 9, 9)
    rows = calendar_exceptions(calendar=cal, year=2026)
    assert [(r.date, r.is_working, r.label) for r in rows if r.admin] == [(dt.date(2026, 3, 6), False, "年会")]


def test_r4_company_exception_validation_codes(calendar_admin, plain_user):
    cal = calendar_default()
    add = calendar_exception_add
    assert _code(add, actor=plain_user, calendar=cal, date=dt.date(2026, 3, 6), is_working=False) == (
        ErrorCode.PERMISSION_DENIED
    )
    assert _code(add, actor=calendar_admin, calendar=cal, date=dt.date(2026, 3, 6), is_working=True) == (
        Code.EXCEPTION_CHANGES_NOTHING
    )
    assert _code(add, actor=calendar_admin, calendar=cal, date=dt.date(2026, 10, 1), is_working=False) == (
        Code.EXCEPTION_CHANGES_NOTHING
    )
    assert _code(add, actor=calendar_admin, calendar=cal, date=dt.date(1999, 3, 1), is_working=False) == (
        Code.DATE_OUT_OF_RANGE
    )
    assert _code(add, actor=calendar_admin, calendar=cal, date=dt.date(2026, 3, 7), is_working=True, name="x" * 65) == (
        Code.NAME_TOO_LONG
    )
    add(actor=calendar_admin, calendar=cal, date=dt.date(2026, 3, 6), is_working=False)
    assert _code(add, actor=calendar_admin, calendar=cal, date=dt.date(2026, 3, 6), is_working=False) == (
        Code.EXCEPTION_EXISTS
    )
    official = CalendarDay.objects.get(source=DaySource.OFFICIAL, date=dt.date(2026, 10, 1))
    delete = calendar_exception_delete
    assert _code(delete, actor=calendar_admin, calendar=cal, day_id=official.pk) == Code.NOT_ADMIN_EXCEPTION
    assert _code(delete, actor=calendar_admin, calendar=cal, day_id=10**9) == ErrorCode.NOT_FOUND
    assert _code(delete, actor=plain_user, calendar=cal, day_id=official.pk) == ErrorCode.PERMISSION_DENIED


def test_r4_confirming_an_unknown_year_removes_its_warning(calendar_admin, plain_user):
    assert unseeded_years([2027]) == [2027]
    assert _code(calendar_year_confirm, actor=plain_user, year=2027) == ErrorCode.PERMISSION_DENIED
    calendar_year_confirm(actor=calendar_admin, year=2027)
    assert unseeded_years([2027]) == []


# ---- the cache -----------------------------------------------------------------------------
def test_r4_warm_lookups_read_no_database(django_assert_num_queries):
    add_working_time(at(2026, 3, 2, 9), 3600)
    with django_assert_num_queries(0):
        for hour in range(24):
            add_working_time(at(2026, 3, 2, hour), 8 * 3600)
            add_working_days(at(2026, 3, 2, hour), 3)
            is_working_time(at(2026, 3, 2, hour))


def test_r4_a_change_by_another_process_is_seen_after_the_stamp_ttl(monkeypatch, calendar_admin):
    thursday = at(2026, 3, 5, 17)
    assert add_working_time(thursday, 3600) == at(2026, 3, 6, 9)
    # Another process writes the row: nothing in this process clears the cache.
    CalendarDay.objects.create(
        date=dt.date(2026, 3, 6), is_working=False, source=DaySource.ADMIN, calendar=calendar_default()
    )
    assert add_working_time(thursday, 3600) == at(2026, 3, 6, 9)  # still cached, within the TTL
    now = clocks.monotonic()
    monkeypatch.setattr(clocks, "monotonic", lambda: now + clocks.STAMP_TTL + 1)
    assert add_working_time(thursday, 3600) == at(2026, 3, 9, 9)


def test_r4_a_bulk_update_by_another_process_is_seen_after_the_stamp_ttl(monkeypatch, calendar_admin):
    """QuerySet.update() moves no updated_at: the triggers' stamp must still notice it."""
    thursday = at(2026, 3, 5, 17)
    day = CalendarDay.objects.create(
        date=dt.date(2026, 3, 6), is_working=True, source=DaySource.ADMIN, calendar=calendar_default()
    )
    clocks.calendar_cache_clear()
    assert add_working_time(thursday, 3600) == at(2026, 3, 6, 9)
    CalendarDay.objects.filter(pk=day.pk).update(is_working=False)
    now = clocks.monotonic()
    monkeypatch.setattr(clocks, "monotonic", lambda: now + clocks.STAMP_TTL + 1)
    assert add_working_time(thursday, 3600) == at(2026, 3, 9, 9)
