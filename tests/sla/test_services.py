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
    calendar_days_add,
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
    calendar_days_add(
        actor=calendar_admin, calendar=cal, date_from=dt.date(2026, 3, 6), kind="company_off", name="年会"
    )
    assert add_working_time(thursday, 3600) == at(2026, 3, 9, 9)  # Friday off: Monday
    [day] = calendar_days_add(actor=calendar_admin, calendar=cal, date_from=dt.date(2026, 3, 7), kind="company_working")
    assert add_working_time(thursday, 3600) == at(2026, 3, 7, 9)  # Saturday worked
    calendar_exception_delete(actor=calendar_admin, calendar=cal, day_id=day.pk)
    assert add_working_time(thursday, 3600) == at(2026, 3, 9, 9)
    rows = calendar_exceptions(calendar=cal, year=2026)
    assert [(r.date, r.is_working, r.label) for r in rows if r.admin] == [(dt.date(2026, 3, 6), False, "年会")]


def test_r4_company_exception_validation_codes(calendar_admin, plain_user):
    cal = calendar_default()
    add = calendar_days_add
    march_6 = dt.date(2026, 3, 6)
    assert _code(add, actor=plain_user, calendar=cal, date_from=march_6, kind="company_off") == (
        ErrorCode.PERMISSION_DENIED
    )
    assert _code(add, actor=calendar_admin, calendar=cal, date_from=march_6, kind="company_working") == (
        Code.EXCEPTION_CHANGES_NOTHING
    )
    assert _code(add, actor=calendar_admin, calendar=cal, date_from=dt.date(2026, 10, 1), kind="holiday") == (
        Code.EXCEPTION_CHANGES_NOTHING
    )
    for values in (
        {"date_from": dt.date(1999, 3, 1), "kind": "company_off"},
        {"date_from": dt.date(2026, 3, 7), "kind": "company_working", "name": "x" * 65},
        {"date_from": march_6, "kind": "bank_holiday"},
        {"date_from": None, "kind": "holiday"},
    ):
        assert _code(add, actor=calendar_admin, calendar=cal, **values) == Code.INVALID_DAYS, values
    add(actor=calendar_admin, calendar=cal, date_from=march_6, kind="company_off")
    assert _code(add, actor=calendar_admin, calendar=cal, date_from=march_6, kind="company_off") == (
        Code.EXCEPTION_EXISTS
    )
    official = CalendarDay.objects.get(source=DaySource.OFFICIAL, date=dt.date(2026, 10, 1))
    delete = calendar_exception_delete
    assert _code(delete, actor=calendar_admin, calendar=cal, day_id=official.pk) == Code.NOT_ADMIN_EXCEPTION
    assert _code(delete, actor=calendar_admin, calendar=cal, day_id=10**9) == ErrorCode.NOT_FOUND
    assert _code(delete, actor=plain_user, calendar=cal, day_id=official.pk) == ErrorCode.PERMISSION_DENIED


def test_r4_a_years_holidays_are_entered_as_ranges_and_their_weekend_days_skipped(calendar_admin):
    """2027 is not in the package: its Spring Festival (Sat 6 – Sun 14 February, as a State Council
    notice might give it) is entered as one range; the weekend days in it already are days off."""
    cal = calendar_default()
    rows = calendar_days_add(
        actor=calendar_admin,
        calendar=cal,
        date_from=dt.date(2027, 2, 6),
        date_to=dt.date(2027, 2, 14),
        kind="holiday",
        name="春节",
    )
    assert [row.date for row in rows] == [dt.date(2027, 2, d) for d in (8, 9, 10, 11, 12)]
    assert {(row.kind, row.is_working, row.name, row.source) for row in rows} == {("holiday", False, "春节", "admin")}
    [makeup] = calendar_days_add(
        actor=calendar_admin, calendar=cal, date_from=dt.date(2027, 2, 20), kind="makeup_workday", name="春节调休"
    )
    assert makeup.is_working
    assert add_working_time(at(2027, 2, 5, 17), 3600) == at(2027, 2, 15, 9)  # over the holiday
    assert add_working_time(at(2027, 2, 19, 17), 3600) == at(2027, 2, 20, 9)  # the make-up Saturday
    labels = {row.date: row.kind_label for row in calendar_exceptions(calendar=cal, year=2027)}
    assert labels[dt.date(2027, 2, 8)] == "法定节假日"
    assert labels[dt.date(2027, 2, 20)] == "调休上班日"


@pytest.mark.parametrize(
    ("date_from", "date_to", "field"),
    [
        (dt.date(2027, 2, 14), dt.date(2027, 2, 6), "date_to"),  # backwards
        (dt.date(2027, 12, 30), dt.date(2028, 1, 2), "date_to"),  # two years
        (dt.date(2027, 3, 1), dt.date(2027, 4, 1), "date_to"),  # 32 days
        (dt.date(2027, 1, 1), dt.date(2100, 1, 1), "date_to"),  # outside the supported years
    ],
)
def test_r4_a_range_is_refused_when_backwards_across_years_or_too_long(calendar_admin, date_from, date_to, field):
    with pytest.raises(DomainError) as caught:
        calendar_days_add(
            actor=calendar_admin, calendar=calendar_default(), date_from=date_from, date_to=date_to, kind="holiday"
        )
    assert caught.value.code == Code.INVALID_DAYS
    assert field in caught.value.fields
    assert not CalendarDay.objects.filter(source=DaySource.ADMIN).exists()


def test_r4_a_range_that_clashes_with_entered_days_names_them_and_writes_nothing(calendar_admin):
    cal = calendar_default()
    calendar_days_add(
        actor=calendar_admin, calendar=cal, date_from=dt.date(2027, 2, 10), kind="company_off", name="年会"
    )
    with pytest.raises(DomainError) as caught:
        calendar_days_add(
            actor=calendar_admin,
            calendar=cal,
            date_from=dt.date(2027, 2, 8),
            date_to=dt.date(2027, 2, 12),
            kind="holiday",
            name="春节",
        )
    assert caught.value.code == Code.EXCEPTION_EXISTS
    assert "2027-02-10 (年会)" in str(caught.value.message)
    assert CalendarDay.objects.filter(source=DaySource.ADMIN).count() == 1


def test_r4_confirming_an_unknown_year_removes_its_warning(calendar_admin, plain_user):
    assert unseeded_years([2027]) == [2027]
    assert _code(calendar_year_confirm, actor=plain_user, year=2027) == ErrorCode.PERMISSION_DENIED
    calendar_days_add(
        actor=calendar_admin, calendar=calendar_default(), date_from=dt.date(2027, 1, 1), kind="holiday", name="元旦"
    )
    calendar_year_confirm(actor=calendar_admin, year=2027)
    assert unseeded_years([2027]) == []


def test_r4_confirming_a_year_without_holidays_must_be_asked_for(calendar_admin):
    """A year confirmed with no holiday entered would count every holiday as a working day: the
    service refuses unless the administrator said so explicitly."""
    calendar_days_add(
        actor=calendar_admin, calendar=calendar_default(), date_from=dt.date(2027, 3, 5), kind="company_off"
    )  # a company day is no statutory holiday
    assert _code(calendar_year_confirm, actor=calendar_admin, year=2027) == Code.YEAR_HAS_NO_HOLIDAYS
    assert unseeded_years([2027]) == [2027]
    calendar_year_confirm(actor=calendar_admin, year=2027, without_holidays=True)
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
        date=dt.date(2026, 3, 6),
        is_working=False,
        kind="company_off",
        source=DaySource.ADMIN,
        calendar=calendar_default(),
    )
    assert add_working_time(thursday, 3600) == at(2026, 3, 6, 9)  # still cached, within the TTL
    now = clocks.monotonic()
    monkeypatch.setattr(clocks, "monotonic", lambda: now + clocks.STAMP_TTL + 1)
    assert add_working_time(thursday, 3600) == at(2026, 3, 9, 9)


def test_r4_a_bulk_update_by_another_process_is_seen_after_the_stamp_ttl(monkeypatch, calendar_admin):
    """QuerySet.update() moves no updated_at: the triggers' stamp must still notice it."""
    thursday = at(2026, 3, 5, 17)
    day = CalendarDay.objects.create(
        date=dt.date(2026, 3, 6),
        is_working=True,
        kind="company_working",
        source=DaySource.ADMIN,
        calendar=calendar_default(),
    )
    clocks.calendar_cache_clear()
    assert add_working_time(thursday, 3600) == at(2026, 3, 6, 9)
    CalendarDay.objects.filter(pk=day.pk).update(is_working=False, kind="company_off")
    now = clocks.monotonic()
    monkeypatch.setattr(clocks, "monotonic", lambda: now + clocks.STAMP_TTL + 1)
    assert add_working_time(thursday, 3600) == at(2026, 3, 9, 9)
