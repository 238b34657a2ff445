"""R-4 the administrator's working-calendar page: permissions, exceptions, unseeded-year warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.sla.models import CalendarDay, DaySource
from aftersales.sla.selectors import calendar_default, unseeded_years

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
    response = client.post(url, {"date_from": "2026-03-06", "kind": "company_off", "name": "年会", "year": "2026"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(source=DaySource.ADMIN, date=dt.date(2026, 3, 6))
    assert not day.is_working
    assert day.created_by == calendar_admin
    assert "年会" in client.get(_page(2026)).content.decode()

    again = client.post(url, {"date_from": "2026-03-06", "kind": "company_off", "year": "2026"})
    assert again.status_code == 422
    assert "该日历已录入这些日子：2026-03-06 (年会)" in again.content.decode()

    response = client.post(reverse("sla:exception_delete", args=[calendar.pk, day.pk]), {"year": "2026"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_r4_page_refuses_an_invalid_exception(client, calendar_admin):
    client.force_login(calendar_admin)
    url = reverse("sla:exception_add", args=[calendar_default().pk])
    assert client.post(url, {"date_from": "not a date", "kind": "company_off"}).status_code == 422
    saturday = client.post(url, {"date_from": "2026-03-07", "kind": "company_off"})
    assert saturday.status_code == 422
    assert "这些日子本来就是休息日。" in saturday.content.decode()
    assert (
        client.post(
            reverse("sla:exception_add", args=[10**6]), {"date_from": "2026-03-06", "kind": "company_off"}
        ).status_code
        == 404
    )
    assert not CalendarDay.objects.filter(source=DaySource.ADMIN).exists()


# ---- a year's holidays as ranges, each warning once, destructive actions asked (R-4) ------------
@pytest.mark.clock("2026-12-15T10:00:00+08:00")  # December: next year's missing calendar is flagged too
def test_r4_the_calendar_page_shows_each_years_warning_once(client, calendar_admin):
    """2027 is not in the package. In December the banner of every page warns about it; on the
    calendar page for 2027 that warning is the page's own block (with its action), shown once —
    it used to appear three times (banner, page list, year block)."""
    client.force_login(calendar_admin)
    body = client.get(_page(2027)).content.decode()
    assert body.count("2027 年的官方工作日历尚未公布") == 1
    assert body.count('id="year-warning"') == 1
    other = client.get(_page(2026)).content.decode()  # 2026 is loaded: the banner still names 2027
    assert other.count("2027 年的官方工作日历尚未公布") == 1
    assert 'id="year-warning"' not in other
    assert 'id="year-status"' in other


def test_r4_a_years_holidays_are_entered_as_a_range_on_the_page(client, calendar_admin):
    client.force_login(calendar_admin)
    calendar = calendar_default()
    response = client.post(
        reverse("sla:exception_add", args=[calendar.pk]),
        {"kind": "holiday", "name": "春节", "date_from": "2027-02-06", "date_to": "2027-02-14", "year": "2027"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("year=2027")
    rows = CalendarDay.objects.filter(calendar=calendar, kind="holiday", name="春节").order_by("date")
    assert [row.date.day for row in rows] == [8, 9, 10, 11, 12]  # the weekends in it are off anyway
    body = client.get(response["Location"]).content.decode()
    assert "已录入 5 天（2027-02-08 至 2027-02-12）。" in body
    assert body.count("法定节假日") >= 5
    assert "公司休息日" not in body.split("<tbody>")[1].split("</tbody>")[0]  # entered as holidays, not company days
    too_long = client.post(
        reverse("sla:exception_add", args=[calendar.pk]),
        {"kind": "holiday", "date_from": "2027-03-01", "date_to": "2027-04-15", "year": "2027"},
    )
    assert too_long.status_code == 422
    assert "一次最多 31 天。" in too_long.content.decode()


def test_r4_confirming_a_year_with_no_holidays_asks_first(client, calendar_admin):
    client.force_login(calendar_admin)
    calendar = calendar_default()
    url = reverse("sla:year_confirm", args=[2027])
    asked = client.post(url, {"calendar": calendar.pk})
    assert asked.status_code == 200
    body = asked.content.decode()
    assert "该年份尚未录入任何节假日，仍要确认？" in body
    assert 'name="without_holidays" value="1"' in body
    assert unseeded_years([2027]) == [2027]  # one click confirmed nothing
    assert client.post(url, {"calendar": calendar.pk, "without_holidays": "1"}).status_code == 302
    assert unseeded_years([2027]) == []


def test_r4_deleting_a_day_asks_first_without_a_script(client, calendar_admin):
    """The delete button only unfolds the question; the form that deletes is inside it (a
    <details>: the Content-Security-Policy allows no inline script)."""
    client.force_login(calendar_admin)
    calendar = calendar_default()
    client.post(
        reverse("sla:exception_add", args=[calendar.pk]),
        {"kind": "company_off", "name": "年会", "date_from": "2026-03-06", "year": "2026"},
    )
    day = CalendarDay.objects.get(calendar=calendar)
    body = client.get(_page(2026)).content.decode()
    delete_url = reverse("sla:exception_delete", args=[calendar.pk, day.pk])
    confirm = body[body.index('<details class="sla-confirm">') :]
    confirm = confirm[: confirm.index("</details>")]
    assert delete_url in confirm
    assert "删除 2026-03-06？删除后该日期重新按官方日历计算。" in confirm
    assert "确认删除" in confirm
    assert body.count(delete_url) == 2  # the table and the phone list: each behind its question
    assert body.count('<details class="sla-confirm">') == 2
    assert "onclick" not in body
