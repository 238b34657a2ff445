"""R-4 calendar seeding: official days from chinese_calendar, idempotent, admin rows untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from aftersales.core.errors import DomainError
from aftersales.sla.clocks import add_working_time, is_working_day
from aftersales.sla.errors import CalendarErrorCode
from aftersales.sla.models import CalendarDay, CalendarYear, DaySource
from aftersales.sla.official import known_years, official_days
from aftersales.sla.selectors import calendar_default, calendar_warnings, unseeded_years
from aftersales.sla.services import calendar_days_add, calendar_seed_years
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


def test_r4_seed_writes_only_days_that_differ_from_monday_to_friday():
    calendar_seed_years(years=[2026])
    rows = {(r.date, r.is_working) for r in CalendarDay.objects.filter(date__year=2026)}
    working = sorted(d for d, w in rows if w)
    assert working == [dt.date(2026, 1, 4), dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 5, 9),
                       dt.date(2026, 9, 20), dt.date(2026, 10, 10)]  # fmt: skip
    off = sorted(d for d, w in rows if not w)
    assert all(d.weekday() < 5 for d in off)  # weekend holidays change nothing and are not stored
    assert dt.date(2026, 1, 3) not in off  # Saturday, New Year holiday
    assert dt.date(2026, 10, 1) in off
    assert all(r.source == DaySource.OFFICIAL and r.calendar_id is None for r in CalendarDay.objects.all())


def test_r4_seed_is_idempotent():
    assert calendar_seed_years(years=[2026]) == {2026: True}
    before = list(CalendarDay.objects.order_by("date").values_list("date", "is_working", "name", "updated_at"))
    assert calendar_seed_years(years=[2026]) == {2026: False}
    assert calendar_seed_years(years=[2026], refresh=True) == {2026: True}
    after = list(CalendarDay.objects.order_by("date").values_list("date", "is_working", "name", "updated_at"))
    assert after == before


def test_r4_admin_exceptions_survive_reseeding(calendar_admin):
    calendar_seed_years(years=[2026])
    default = calendar_default()
    # A company working day on an official holiday, and a company day off on an ordinary Monday.
    calendar_days_add(actor=calendar_admin, calendar=default, date_from=dt.date(2026, 10, 2), kind="company_working")
    calendar_days_add(actor=calendar_admin, calendar=default, date_from=dt.date(2026, 3, 2), kind="company_off")
    calendar_seed_years(years=[2026], refresh=True)
    call_command("calendar_seed", "2026", "--refresh", verbosity=0)
    admin_rows = CalendarDay.objects.filter(source=DaySource.ADMIN).order_by("date")
    assert [(r.date, r.is_working) for r in admin_rows] == [(dt.date(2026, 3, 2), False), (dt.date(2026, 10, 2), True)]
    assert CalendarDay.objects.filter(source=DaySource.OFFICIAL, date=dt.date(2026, 10, 2), kind="holiday").exists()
    assert is_working_day(dt.date(2026, 10, 2))
    assert not is_working_day(dt.date(2026, 3, 2))


def test_r4_seed_refresh_follows_a_new_package_version():
    calendar_seed_years(years=[2026])
    CalendarYear.objects.filter(year=2026).update(package_version="0.0")
    # A day the older package had and the current one does not.
    CalendarDay.objects.create(
        date=dt.date(2026, 3, 3), is_working=False, kind="holiday", source=DaySource.OFFICIAL, name="x"
    )
    assert calendar_seed_years(years=[2026]) == {2026: True}
    assert not CalendarDay.objects.filter(date=dt.date(2026, 3, 3)).exists()
    assert CalendarDay.objects.filter(date__year=2026).count() == len(official_days(2026))


def test_r4_seed_command_known_is_cheap_when_already_seeded(django_assert_max_num_queries):
    call_command("calendar_seed", "--known", verbosity=0)
    assert unseeded_years(known_years()) == []
    count = CalendarDay.objects.count()
    with django_assert_max_num_queries(1):
        call_command("calendar_seed", "--known", verbosity=0)
    assert CalendarDay.objects.count() == count


def test_r4_seed_refuses_a_year_the_package_does_not_know():
    with pytest.raises(DomainError) as err:
        calendar_seed_years(years=[2027])
    assert err.value.code == CalendarErrorCode.YEAR_NOT_KNOWN
    with pytest.raises(CommandError):
        call_command("calendar_seed", "2027", verbosity=0)
    with pytest.raises(CommandError):
        call_command("calendar_seed", verbosity=0)


def test_r4_unseeded_year_is_flagged_and_computed_as_monday_to_friday():
    calendar_seed_years(years=[2026])
    assert unseeded_years([2026, 2027]) == [2027]
    assert calendar_warnings(today=dt.date(2026, 6, 1)) == []
    december = calendar_warnings(today=dt.date(2026, 12, 15))
    assert len(december) == 1
    assert "2027" in december[0]
    assert any("2027" in text for text in calendar_warnings(today=dt.date(2027, 1, 4)))
    # Fri 1 Jan 2027 is an ordinary working day until the year is seeded or entered.
    assert add_working_time(at(2026, 12, 31, 17), 3600) == at(2027, 1, 1, 9)
