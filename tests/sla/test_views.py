"""R-4 the administrator's working-calendar page: permissions, exceptions, unseeded-year warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.sla.models import CalendarDay, DaySource
from aftersales.sla.selectors import calendar_default

pytestmark = pytest.mark.usefixtures("seeded")


def _page(year: int) -> str:
    return f"{reverse('sla:calendar')}?year={year}"


def test_r4_calendar_page_needs_login_and_permission(client, plain_user):
    response = client.get(_page(2026))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    client.force_login(plain_user)
    assert client.get(_page(2026)).status_code == 403
    assert client.post(reverse("sla:exception_add", args=[calendar_default().pk]), {}).status_code == 403


def test_r4_calendar_page_lists_the_years_exceptions(client, calendar_admin, django_assert_max_num_queries):
    client.force_login(calendar_admin)
    with django_assert_max_num_queries(12):
        response = client.get(_page(2026))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2026-10-10" in body
    assert "2026-02-14" in body
    assert "国庆节" in body  # official holiday names shown in Chinese
    assert 'id="year-warning"' not in body


def test_r4_calendar_page_warns_about_an_unseeded_year(client, calendar_admin):
    client.force_login(calendar_admin)
    body = client.get(_page(2027)).content.decode()
    assert 'id="year-warning"' in body
    assert reverse("sla:year_confirm", args=[2027]) in body
    body = client.get(_page(2024)).content.decode()  # seeded? no: the fixture seeds 2025-2026 only
    assert reverse("sla:year_seed", args=[2024]) in body
    response = client.post(reverse("sla:year_seed", args=[2024]))
    assert response.status_code == 302
    assert 'id="year-warning"' not in client.get(_page(2024)).content.decode()


def test_r4_add_and_delete_a_company_exception_on_the_page(client, calendar_admin):
    client.force_login(calendar_admin)
    calendar = calendar_default()
    url = reverse("sla:exception_add", args=[calendar.pk])
    response = client.post(url, {"date": "2026-03-06", "kind": "off", "name": "年会", "year": "2026"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(source=DaySource.ADMIN, date=dt.date(2026, 3, 6))
    assert not day.is_working
    assert day.created_by == calendar_admin
    assert "年会" in client.get(_page(2026)).content.decode()

    again = client.post(url, {"date": "2026-03-06", "kind": "off", "year": "2026"})
    assert again.status_code == 422
    assert "invalid-feedback" in again.content.decode() or "alert-danger" in again.content.decode()

    response = client.post(reverse("sla:exception_delete", args=[calendar.pk, day.pk]), {"year": "2026"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_r4_page_refuses_an_invalid_exception(client, calendar_admin):
    client.force_login(calendar_admin)
    url = reverse("sla:exception_add", args=[calendar_default().pk])
    assert client.post(url, {"date": "not a date", "kind": "off"}).status_code == 422
    assert client.post(url, {"date": "2026-03-07", "kind": "off"}).status_code == 422  # Saturday: already off
    assert (
        client.post(reverse("sla:exception_add", args=[10**6]), {"date": "2026-03-06", "kind": "off"}).status_code
        == 404
    )
    assert not CalendarDay.objects.filter(source=DaySource.ADMIN).exists()
