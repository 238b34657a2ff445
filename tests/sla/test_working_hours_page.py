"""R-4.1 working hours are edited on the calendar page (not in the Django admin): add, change
and delete periods, each refusal on the page in Chinese naming the field, deletion asked first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from aftersales.sla.clocks import Clock, add_duration
from aftersales.sla.models import WorkingPeriod
from aftersales.sla.selectors import calendar_default
from tests.factories import UserFactory
from tests.sla.conftest import at

pytestmark = pytest.mark.usefixtures("seeded")


def _page(year: int = 2026) -> str:
    return f"{reverse('sla:calendar')}?year={year}"


def _messages(client) -> str:
    return client.get(_page()).content.decode()


@pytest.fixture
def calendar_only_admin(db):
    """May enter days but not change working hours."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="sla", codename="change_calendarday"))
    return type(user).objects.get(pk=user.pk)


def test_r4_1_the_page_edits_working_hours_itself_not_through_the_admin(client, calendar_admin):
    client.force_login(calendar_admin)
    body = client.get(_page()).content.decode()
    assert "/admin/" not in body[body.index('id="working-periods"') :]
    calendar = calendar_default()
    assert f'action="{reverse("sla:period_add", args=[calendar.pk])}"' in body


def test_r4_1_a_new_period_counts_for_deadlines_and_a_change_moves_them(client, calendar_admin):
    client.force_login(calendar_admin)
    calendar = calendar_default()
    periods = list(WorkingPeriod.objects.filter(calendar=calendar).order_by("start"))
    last = periods[-1]
    start = at(2026, 3, 3, last.end.hour, last.end.minute)  # a Tuesday, at the end of the day
    before = add_duration(start, 3600, Clock.WORKING_HOURS)
    evening = dt.time(last.end.hour + 1 if last.end.hour < 22 else 22, 0)
    response = client.post(
        reverse("sla:period_add", args=[calendar.pk]),
        {"start": evening.strftime("%H:%M"), "end": "23:00", "year": "2026"},
    )
    assert response.status_code == 302
    assert WorkingPeriod.objects.filter(calendar=calendar, start=evening).exists()
    assert "已添加工作时段" in _messages(client)
    after = add_duration(start, 3600, Clock.WORKING_HOURS)
    assert after < before  # the evening hour now counts, the same day


def test_r4_1_refusals_name_the_field_in_chinese_and_change_nothing(client, calendar_admin):
    client.force_login(calendar_admin)
    calendar = calendar_default()
    first = WorkingPeriod.objects.filter(calendar=calendar).order_by("start").first()
    url = reverse("sla:period_update", args=[calendar.pk, first.pk])
    was = (first.start, first.end)
    client.post(url, {"start": "12:00", "end": "08:00", "year": "2026"})
    body = _messages(client)
    assert "结束" in body
    assert "必须晚于开始" in body
    client.post(url, {"start": "soon", "end": "08:00", "year": "2026"})
    assert "开始" in _messages(client)
    first.refresh_from_db()
    assert (first.start, first.end) == was


def test_r4_1_delete_is_asked_first_and_the_last_period_stays(client, calendar_admin):
    client.force_login(calendar_admin)
    calendar = calendar_default()
    body = client.get(_page()).content.decode()
    assert "确定删除工作时段" in body  # the question is on the page, behind the button
    periods = list(WorkingPeriod.objects.filter(calendar=calendar).order_by("start"))
    for period in periods:
        client.post(reverse("sla:period_delete", args=[calendar.pk, period.pk]), {"year": "2026"})
    assert WorkingPeriod.objects.filter(calendar=calendar).count() == 1
    assert "至少需要一个工作时段" in _messages(client)


def test_r4_1_without_the_permission_the_hours_are_shown_not_offered_and_refused(client, calendar_only_admin):
    client.force_login(calendar_only_admin)
    calendar = calendar_default()
    period = WorkingPeriod.objects.filter(calendar=calendar).first()
    body = client.get(_page()).content.decode()
    assert period.start.strftime("%H:%M") in body
    assert reverse("sla:period_add", args=[calendar.pk]) not in body
    response = client.post(
        reverse("sla:period_update", args=[calendar.pk, period.pk]), {"start": "06:00", "end": "07:00"}
    )
    assert response.status_code == 403
    assert WorkingPeriod.objects.get(pk=period.pk).start == period.start


def test_r4_1_a_period_of_another_calendar_is_not_found(client, calendar_admin):
    from aftersales.sla.models import Calendar

    client.force_login(calendar_admin)
    other = Calendar.objects.create(name="北方工厂")
    period = WorkingPeriod.objects.create(calendar=other, start=dt.time(8), end=dt.time(12))
    response = client.post(reverse("sla:period_delete", args=[calendar_default().pk, period.pk]), {"year": "2026"})
    assert response.status_code == 404
    assert WorkingPeriod.objects.filter(pk=period.pk).exists()
