"""The SLA services validate their own input — lengths, choices, required — whichever front door
calls them (STYLE rule 2; SPEC cross-cutting): the calendar's exceptions and working periods (R-4)
and the extension of a target agreed with the customer (R-3.6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.sla import services
from aftersales.sla.models import CalendarDay, SlaExtension, WorkingPeriod
from aftersales.sla.selectors import calendar_default
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("seeded")


def _refused(call, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        call()
    assert field in caught.value.fields, (caught.value.code, caught.value.fields)


@pytest.mark.parametrize(
    ("date", "name", "field"),
    [
        (dt.date(2026, 3, 3), "公" * 65, "name"),
        (dt.date(9999, 3, 3), "", "date_from"),
        (dt.date(1, 1, 1), "", "date_from"),
    ],
)
def test_r4_calendar_days_add_refuses_a_bad_field(calendar_admin, date, name, field):
    calendar = calendar_default()
    call = lambda: services.calendar_days_add(  # noqa: E731
        actor=calendar_admin, calendar=calendar, date_from=date, kind="company_off", name=name
    )
    _refused(call, field)
    assert not CalendarDay.objects.filter(calendar=calendar).exists()


def test_r4_working_period_must_end_after_it_starts(calendar_admin):
    calendar = calendar_default()
    before = WorkingPeriod.objects.count()
    call = lambda: services.working_period_add(  # noqa: E731
        actor=calendar_admin, calendar=calendar, start=dt.time(18), end=dt.time(9)
    )
    _refused(call, "end")
    assert WorkingPeriod.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("agreed_with", ""),
        ("agreed_with", "王" * 129),
        ("channel", "pigeon"),
        ("note", "x" * (services.EXTEND_MAX_TEXT + 1)),
        ("new_due_at", None),
        ("agreed_at", None),
    ],
)
def test_r3_6_target_extend_refuses_a_bad_field(field, value):
    now = timezone.now()
    values = {
        "new_due_at": now + dt.timedelta(days=2),
        "agreed_with": "王先生",
        "agreed_at": now,
        "channel": "phone",
        "note": "",
        field: value,
    }
    tech = UserFactory(role="supervisor")
    _refused(lambda: services.target_extend(actor=tech, target_id=1, **values), field)
    assert not SlaExtension.objects.exists()
