"""R-8.4 incidents on the pages and in the API: the shape of GET /incidents, the page with its
chart, checklist and work orders, the owners' ticks, and every role's door (a customer never
sees an incident, R-13.1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.feedback.models import Incident, IncidentTask
from tests.api.conftest import ApiClient
from tests.factories import UserFactory, portal_user
from tests.feedback.conftest import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(agent, model, owners):
    for _ in range(12):
        report(agent, model)
    return Incident.objects.get(product_model=model)


def test_r8_4_api_list_has_exactly_the_issue_shape(incident, owners, model):
    response = ApiClient(owners["I"]).get("/incidents", {"product_model_id": model.pk, "batch": "B2026-11"})
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert set(item) == {"id", "product_model_id", "batch", "level", "reports", "opened_at", "status", "targets"}
    assert (item["product_model_id"], item["batch"], item["level"], item["reports"], item["status"]) == (
        model.pk,
        "B2026-11",
        "I",
        12,
        "open",
    )
    kinds = {t["kind"] for t in item["targets"]}
    assert kinds == {"detection", "compensation_plan"}  # the deadlines of level I (48 h each)
    assert all(t["due_at"] and not t["breached"] for t in item["targets"])
    other = ApiClient(owners["I"]).get("/incidents", {"batch": "NOPE"})
    assert other.json() == {"items": [], "next_cursor": None}


def test_r8_4_api_list_comes_in_keyset_pages(agent, owners, model):
    from tests.factories import ProductModelFactory

    models = [model, ProductModelFactory(), ProductModelFactory()]
    for each in models:
        for _ in range(10):
            report(agent, each)
    api = ApiClient(owners["I"])
    first = api.get("/incidents", {"page_size": 2}).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    rest = api.get("/incidents", {"page_size": 2, "cursor": first["next_cursor"]}).json()
    assert rest["next_cursor"] is None
    seen = [item["product_model_id"] for item in first["items"] + rest["items"]]
    assert sorted(seen) == sorted(m.pk for m in models)  # each once, newest first across the pages
    forged = api.get("/incidents", {"cursor": "not-a-cursor"})
    assert (forged.status_code, forged.json()["code"]) == (422, "invalid_cursor")
    assert api.get("/incidents", {"page_size": 0}).status_code == 422


def test_r8_4_api_list_bad_filters_are_coded_errors(owners):
    api = ApiClient(owners["I"])
    assert api.get("/incidents", {"product_model_id": "abc"}).json()["code"] == "validation_error"
    assert api.get("/incidents", {"batch": "x" * 65}).status_code == 422
    assert api.get("/incidents", {"status": "maybe"}).status_code == 422


def test_r8_4_api_list_statements_do_not_grow_with_incidents(agent, owners, model):
    from tests.factories import ProductModelFactory

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert ApiClient(owners["III"]).get("/incidents").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(10):
        report(agent, model)
    one = count()
    other = ProductModelFactory()
    for _ in range(10):
        report(agent, other)
    assert count() == one


def test_r13_1_a_customer_never_sees_incidents(incident, agent):
    customer = portal_user(incident and report(agent, incident.product_model).customer)
    assert ApiClient(customer).get("/incidents").status_code == 404
    assert ApiClient(customer).get(f"/incidents/{incident.pk}").status_code == 404
    from django.test import Client

    client = Client()
    client.force_login(customer)
    assert client.get("/feedback/incidents/").status_code == 403
    assert client.get(f"/feedback/incidents/{incident.pk}/").status_code == 403


@pytest.mark.parametrize("role", ["technician", "agent", "dispatcher", "qa"])
def test_r8_4_roles_without_incidents_are_refused(incident, role, client):
    user = UserFactory(role=role)
    assert ApiClient(user).get("/incidents").status_code == 404
    client.force_login(user)
    assert client.get("/feedback/incidents/").status_code == 403
    assert client.get(f"/feedback/incidents/{incident.pk}/").status_code == 403


@pytest.mark.parametrize("role", ["supervisor", "expert", "executive", "quality", "admin"])
def test_r8_4_supervisors_technical_quality_and_executives_see_incidents(incident, role, client):
    user = UserFactory(role=role)
    assert ApiClient(user).get("/incidents").json()["items"][0]["id"] == incident.pk
    client.force_login(user)
    page = client.get(f"/feedback/incidents/{incident.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="incident-chart-data"' in html
    assert "vendor/echarts/echarts.min." in html


def test_r8_4_the_page_shows_chart_regions_work_orders_levels_and_checklist(incident, owners, client):
    client.force_login(owners["I"])
    html = client.get(f"/feedback/incidents/{incident.pk}/").content.decode()
    assert html.count("/work-orders/") >= 12
    assert 'data-testid="level-history"' in html
    assert 'data-testid="task-detection"' in html
    assert "勾选" in html  # the owner may tick
    assert client.get("/feedback/incidents/", {"level": "I"}).status_code == 200
    assert client.get("/feedback/incidents/", {"level": "IX", "status": "x", "product_model": "a"}).status_code == 200


def test_r8_4_only_the_level_owner_ticks_and_closing_needs_the_whole_checklist(incident, owners, client):
    task = IncidentTask.objects.get(incident=incident, kind="detection")
    stranger = UserFactory(role="supervisor")
    client.force_login(stranger)
    response = client.post(f"/feedback/incidents/{incident.pk}/tasks/{task.pk}/tick/", {"note": "x"})
    assert response.status_code == 403
    assert ApiClient(stranger).post(f"/incidents/{incident.pk}/targets/{task.pk}/done", {}).json()["code"] == (
        "permission_denied"
    )
    owner = ApiClient(owners["I"])
    done = owner.post(f"/incidents/{incident.pk}/targets/{task.pk}/done", {"note": "已确认"})
    assert done.status_code == 200
    assert owner.post(f"/incidents/{incident.pk}/targets/{task.pk}/done", {}).json()["code"] == "already_done"
    assert owner.post(f"/incidents/{incident.pk}/close", {"note": "处理完毕"}).json()["code"] == (
        "incident_checklist_open"
    )
    for other in IncidentTask.objects.filter(incident=incident, done_at__isnull=True):
        owner.post(f"/incidents/{incident.pk}/targets/{other.pk}/done", {})
    closed = owner.post(f"/incidents/{incident.pk}/close", {"note": "处理完毕"})
    assert closed.json()["status"] == "closed"


def test_r8_4_after_a_close_the_next_incident_counts_new_reports(incident, owners, agent, model):
    for task in IncidentTask.objects.filter(incident=incident):
        ApiClient(owners["I"]).post(f"/incidents/{incident.pk}/targets/{task.pk}/done", {})
    ApiClient(owners["I"]).post(f"/incidents/{incident.pk}/close", {"note": "处理完毕"})
    for _ in range(9):
        report(agent, model)
    assert Incident.objects.filter(product_model=model).count() == 1
    report(agent, model)
    assert Incident.objects.filter(product_model=model, status="open").get().reports == 10


def test_r8_4_deadlines_are_warned_and_breached_once(incident, owners):
    import datetime as dt

    from aftersales.core.models import OutboxMessage
    from aftersales.feedback.incidents import incident_deadlines_scan

    later = incident.opened_at + dt.timedelta(hours=40)  # past 80 % of 48 h
    assert incident_deadlines_scan(now=later) == {"warned": 2, "breached": 0}
    assert incident_deadlines_scan(now=later) == {"warned": 0, "breached": 0}
    much_later = incident.opened_at + dt.timedelta(hours=49)
    assert incident_deadlines_scan(now=much_later)["breached"] == 2
    assert IncidentTask.objects.filter(incident=incident, breached_at__isnull=False).count() == 2
    told = OutboxMessage.objects.filter(kind="incident_due", channel="in_app")
    assert set(told.values_list("recipient__username", flat=True)) == {"region-manager", "ceo"}
