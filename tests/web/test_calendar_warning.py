"""A year without its official working calendar is flagged on the admin and dashboard pages
(R-4, ARCHITECTURE "Calendar"), to those who can fix it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from aftersales.sla.models import CalendarYear
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WARNING = "工作日历"


def _years_in_view() -> list[int]:
    today = timezone.localdate()
    return [today.year, today.year + 1] if today.month == 12 else [today.year]


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


def test_unseeded_year_is_flagged_on_the_staff_home_for_supervisors(client, supervisor):
    CalendarYear.objects.filter(year__in=_years_in_view()).delete()
    client.force_login(supervisor)
    html = client.get(reverse("workorders:list")).content.decode()
    assert "alert-warning" in html
    assert str(_years_in_view()[0]) in html
    assert reverse("sla:calendar") in html


def test_technician_is_not_shown_the_calendar_warning(client):
    CalendarYear.objects.filter(year__in=_years_in_view()).delete()
    client.force_login(UserFactory(role="technician"))
    html = client.get(reverse("workorders:list")).content.decode()
    assert "bi-calendar-x" not in html


def test_no_warning_once_the_years_are_known(client, supervisor):
    for year in _years_in_view():
        CalendarYear.objects.update_or_create(year=year, defaults={"package_version": "test"})
    client.force_login(supervisor)
    html = client.get(reverse("workorders:list")).content.decode()
    assert "bi-calendar-x" not in html


def test_admin_start_page_shows_the_warning(client):
    CalendarYear.objects.filter(year__in=_years_in_view()).delete()
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    admin.groups.add(Group.objects.get(name="admin"))
    client.force_login(admin)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'class="warning"' in html
    assert reverse("sla:calendar") in html
