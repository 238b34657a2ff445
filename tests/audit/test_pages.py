"""The access-log page (R-13.2): supervisors, administrators and executives read it; nobody
edits it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.audit.models import AccessLog
from aftersales.audit.services import client_address, record
from tests.factories import CustomerFactory, UserFactory, portal_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor", username="sup1")


@pytest.fixture
def rows():
    agent = UserFactory(role="agent", username="agent7", display_name="陈客服")
    tech = UserFactory(role="technician", username="tech7", display_name="刘师傅")
    customer = CustomerFactory()
    with client_address("10.0.0.7"):
        viewed = record(actor=agent, action="view", obj=customer)
    exported = record(actor=agent, action="export", object_type="workorder", object_id="")
    changed = record(actor=tech, action="change", obj=customer)
    return {"agent": agent, "tech": tech, "customer": customer, "view": viewed, "export": exported, "change": changed}


def _ids(response) -> set[int]:
    return {row.pk for row in response.context["page"].items}


@pytest.mark.parametrize("role", ["supervisor", "admin", "executive"])
def test_auditors_see_the_log_in_chinese(client, rows, role):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("audit:log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "陈客服" in html
    assert "10.0.0.7" in html


@pytest.mark.parametrize("role", ["technician", "agent", "dispatcher"])
def test_log_refused_to_other_staff(client, rows, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("audit:log")).status_code == 403


def test_log_refused_to_portal_users(client, rows):
    client.force_login(portal_user(rows["customer"]))
    assert client.get(reverse("audit:log")).status_code == 403


def test_filters_by_user_action_record_and_id(client, supervisor, rows):
    client.force_login(supervisor)
    url = reverse("audit:log")
    assert _ids(client.get(url, {"user": "tech7"})) == {rows["change"].pk}
    assert _ids(client.get(url, {"user": "陈客服"})) == {rows["view"].pk, rows["export"].pk}
    assert _ids(client.get(url, {"action": "export"})) == {rows["export"].pk}
    assert _ids(client.get(url, {"object_type": "customer", "object_id": str(rows["customer"].pk)})) == {
        rows["view"].pk,
        rows["change"].pk,
    }


def test_filters_by_local_date_range(client, supervisor, rows):
    client.force_login(supervisor)
    url = reverse("audit:log")
    today = rows["view"].at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert rows["view"].pk in _ids(client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()}))
    tomorrow = today + dt.timedelta(days=1)
    assert _ids(client.get(url, {"date_from": tomorrow.isoformat()})) == set()
    yesterday = today - dt.timedelta(days=1)
    assert _ids(client.get(url, {"date_to": yesterday.isoformat()})) == set()


def test_log_pages_with_a_cursor_and_bounds_its_queries(client, supervisor, django_assert_max_num_queries):
    customer = CustomerFactory()
    for _ in range(60):
        record(actor=supervisor, action="view", obj=customer)
    client.force_login(supervisor)
    # Session, user, permissions, the page's ids, its rows, the capped count: not one per row.
    with django_assert_max_num_queries(9):
        first = client.get(reverse("audit:log"), {"action": "view"})  # not the log-in
    page = first.context["page"]
    assert len(page.items) == 50
    second = client.get(reverse("audit:log"), {"action": "view", "cursor": page.next_cursor})
    assert len(second.context["page"].items) == 10
    assert not _ids(first) & _ids(second)


def test_page_is_read_only(client, supervisor, rows):
    """R-13.3: no page edits or deletes log rows."""
    client.force_login(supervisor)
    before = AccessLog.objects.count()
    assert client.post(reverse("audit:log"), {"action": "view"}).status_code == 405
    assert AccessLog.objects.count() == before


def test_admin_offers_no_add_change_or_delete(client, rows):
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:audit_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_accesslog_add")).status_code == 403
    row = rows["view"]
    assert client.post(reverse("admin:audit_accesslog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=row.pk).exists()
