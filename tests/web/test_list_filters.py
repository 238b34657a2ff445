"""Every list page ignores a bad filter or page link and says so (SPEC cross-cutting: every input
is validated, bad input gets a clear message; never a 500). One mechanism for all of them:
``web.forms.FilterForm`` and ``web/partials/ignored_filters.html``.

A stale bookmark (a technician who left, a calendar deleted), a hand-edited URL (``sort=foo``,
a date in year 1) or a forged cursor shows the list without that filter, and a note in Chinese
names what was ignored.
"""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse

from aftersales.sla.services import calendar_seed_years
from tests.factories import CustomerFactory, UserFactory, make_work_order, portal_user

pytestmark = pytest.mark.django_db


def forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


FORGED_CURSORS = [
    forged("[null,1]"),
    forged("[1e999,1]"),
    forged("[-1e308,-9223372036854775809]"),
    forged('[{"dt":"0001-01-01T00:00:00+14:00"},1]'),
    forged('["\\u0000",1]'),
    forged("[1,true]"),
    forged("[" * 5000 + "]" * 5000),
    "!!!",
    "W10",
    "x" * 3000,
]

# (url name, field, bad value): the field's label must appear in the note.
BAD_FILTERS = [
    ("workorders:list", "sort", "foo"),
    ("workorders:list", "status", "bogus"),
    ("workorders:list", "priority", "P9"),
    ("workorders:list", "assignee", "999999"),
    ("workorders:list", "owner", "9" * 30),
    ("workorders:list", "received_from", "0001-01-01"),
    ("workorders:list", "received_to", "9999-12-31"),
    ("workorders:list", "due_before", "0001-01-01T00:00"),
    ("workorders:list", "customer", "9223372036854775808"),
    ("workorders:list", "product_line", "-1"),
    ("workorders:list", "q", "x" * 3000),
    ("workorders:list", "assignee", "nobody"),
    ("workorders:list", "team", "abc"),
    ("workorders:list", "target_kind", "bogus"),
    ("workorders:list", "target_outcome", "maybe"),
    ("workorders:list", "target_month", "2026-13"),
    ("workorders:list", "target_month", "0001-01"),
    ("customers:list", "region", "999999"),
    ("customers:list", "category", "abc"),
    ("customers:list", "q", "漏水" * 150),
    ("audit:log", "date_from", "0001-01-01"),
    ("audit:log", "date_to", "2026-02-30"),
    ("audit:log", "action", "bogus"),
    ("core:outbox", "status", "bogus"),
    ("core:outbox", "channel", "fax"),
    ("core:outbox", "before", "9" * 30),
    ("core:inbox", "before", "-1"),
    ("sla:calendar", "year", "99999999999999999999"),
    ("sla:calendar", "calendar", "999999"),
    ("sla:compliance", "month_from", "0001-01"),
    ("sla:compliance", "month_to", "foo"),
]


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor", display_name="赵主管")


def _note(html: str) -> str:
    match = re.search(
        r'<div class="alert alert-warning[^"]*" role="status" id="ignored-filters">(.*?)</div>', html, re.S
    )
    return match.group(1) if match else ""


@pytest.mark.parametrize(("name", "field", "value"), BAD_FILTERS)
def test_a_bad_filter_is_ignored_with_a_note_naming_it(client, supervisor, name, field, value):
    client.force_login(supervisor)
    response = client.get(reverse(name), {field: value})
    assert response.status_code == 200
    note = _note(response.content.decode())
    assert "已忽略" in note
    form = response.context["filters"] if name == "sla:calendar" else response.context["form"]
    assert str(form.fields[field].label) in note


@pytest.mark.parametrize("name", sorted({name for name, _field, _value in BAD_FILTERS}))
def test_good_filters_show_no_note(client, supervisor, name):
    client.force_login(supervisor)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'id="ignored-filters"' not in response.content.decode()


def test_the_other_filters_still_apply_beside_an_ignored_one(client, supervisor):
    p1 = make_work_order(supervisor, priority="P1")
    p3 = make_work_order(supervisor, priority="P3")
    client.force_login(supervisor)
    response = client.get(reverse("workorders:list"), {"priority": "P1", "sort": "foo", "received_from": "0001-01-01"})
    html = response.content.decode()
    assert p1.number in html
    assert p3.number not in html
    note = _note(html)
    assert "排序" in note or str(response.context["form"].fields["sort"].label) in note
    assert str(response.context["form"].fields["priority"].label) not in note


def test_a_bookmark_to_a_deactivated_technician_lists_everything_with_a_note(client, supervisor):
    """``?assignee=<id>`` of a technician who has left (no longer assignable): not a 500."""
    gone = UserFactory(role="technician", is_active=False)
    wo = make_work_order(supervisor)
    client.force_login(supervisor)
    response = client.get(reverse("workorders:list"), {"assignee": gone.pk})
    assert response.status_code == 200
    assert wo.number in response.content.decode()
    assert str(response.context["form"].fields["assignee"].label) in _note(response.content.decode())


def test_the_calendar_exception_form_with_a_huge_year_is_refused_not_a_500(client, supervisor):
    calendar_seed_years(years=[2026])
    client.force_login(supervisor)
    from aftersales.sla.selectors import calendar_default

    url = reverse("sla:exception_add", args=[calendar_default().pk])
    response = client.post(url, {"date": "99999-01-01", "kind": "off", "year": "9" * 30})
    assert response.status_code == 422
    response = client.post(reverse("sla:exception_delete", args=[calendar_default().pk, 999999]), {"year": "9" * 30})
    assert response.status_code == 302


# --- forged page links -------------------------------------------------------------------

STAFF_PAGED = ["workorders:list", "customers:list", "audit:log"]


@pytest.mark.parametrize("cursor", FORGED_CURSORS)
@pytest.mark.parametrize("name", STAFF_PAGED)
def test_a_forged_cursor_shows_the_first_page_with_a_note(client, supervisor, name, cursor):
    make_work_order(supervisor)
    client.force_login(supervisor)
    response = client.get(reverse(name), {"cursor": cursor})
    assert response.status_code == 200
    assert response.context["page"].items  # the first page, not an empty one
    assert "第一页" in _note(response.content.decode())


@pytest.mark.parametrize("cursor", FORGED_CURSORS[:3])
def test_a_forged_cursor_on_the_portal_shows_the_first_page(client, cursor):
    customer = CustomerFactory()
    user = portal_user(customer)
    agent = UserFactory(role="agent")
    from tests.factories import InstalledProductFactory

    wo = make_work_order(agent, InstalledProductFactory(customer=customer))
    client.force_login(user)
    response = client.get(reverse("portal:home"), {"cursor": cursor})
    assert response.status_code == 200
    assert wo.number in response.content.decode()
