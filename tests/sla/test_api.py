"""R-2.5, R-4.7, R-4.9, R-3.6 at the interfaces: the preview API and sentence, compliance API and
page, a work order's targets, extensions. Rules are tested at the services; here the mapping,
status codes, error fields, permissions and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.sla.models import SlaExtension, WorkOrderTarget
from aftersales.sla.selectors import sla_compliance, work_order_targets
from aftersales.sla.services import sla_scan
from aftersales.workorders import services as wo_services
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD, InstalledProductFactory, UserFactory, make_work_order, portal_user
from tests.sla.conftest import at

pytestmark = [
    pytest.mark.usefixtures("seeded"),
    pytest.mark.clock("2026-11-25T12:00:00+08:00"),
]  # written about November 2026


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


@pytest.fixture
def tech(db):
    return UserFactory(role="technician")


@pytest.fixture
def supervisor(db):
    return UserFactory(role="supervisor")


# ---- preview -------------------------------------------------------------------------------
def test_r2_5_preview_answers_exactly_the_documented_shape(agent):
    response = ApiClient(agent).get("/sla/preview", {"priority": "P3", "received_at": "2026-11-23T17:30:00+08:00"})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["targets"]
    assert [(t["name"], t["due_at"], t["clock"]) for t in body["targets"]] == [
        ("first_response", "2026-11-23T18:00:00+08:00", "wall"),
        ("response", "2026-11-24T16:30:00+08:00", "working_hours"),
        ("resolution", "2026-11-26T17:30:00+08:00", "working_days"),
    ]


def test_r4_9_preview_takes_the_optional_overrides(agent):
    response = ApiClient(agent).get(
        "/sla/preview",
        {"priority": "P1", "received_at": "2026-10-01T01:00:00Z", "service_type": "repair", "product_line": "ac"},
    )
    assert response.status_code == 422  # no product line "ac" exists yet
    assert set(response.json()["fields"]) == {"product_line"}
    InstalledProductFactory()  # creates product line "ac"
    response = ApiClient(agent).get(
        "/sla/preview",
        {"priority": "P1", "received_at": "2026-10-01T01:00:00Z", "service_type": "repair", "product_line": "ac"},
    )
    assert response.json()["targets"][1] == {
        "name": "response",
        "due_at": "2026-10-01T11:00:00+08:00",
        "clock": "wall",
        "duration_seconds": 7200,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"priority": "P9", "received_at": "2026-11-23T10:00:00+08:00"}, "priority"),
        ({"priority": "P3", "received_at": "2026-11-23T10:00:00"}, "received_at"),
        ({"priority": "P3"}, "received_at"),
        ({"priority": "P3", "received_at": "yesterday"}, "received_at"),
        ({"received_at": "2026-11-23T10:00:00+08:00"}, "priority"),
        ({"priority": "P3", "received_at": "2026-11-23T10:00:00+08:00", "service_type": "magic"}, "service_type"),
    ],
)
def test_r2_5_preview_refusals_are_422_with_the_field(agent, params, field):
    response = ApiClient(agent).get("/sla/preview", params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["fields"]


def test_r2_5_preview_needs_authentication():
    assert (
        ApiClient().get("/sla/preview", {"priority": "P3", "received_at": "2026-11-23T10:00:00+08:00"}).status_code
        == 401
    )


def test_r2_5_preview_sentence_in_chinese(client, agent):
    product = InstalledProductFactory()
    client.login(username=agent.username, password=PASSWORD)
    response = client.get(
        "/sla/preview/sentence/",
        {
            "priority": "P3",
            "received_at": "2026-11-23T11:30",  # typed in a form: local time
            "service_type": "repair",
            "customer_id": product.customer_id,
            "installed_product_id": product.pk,
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "我们将在 11月24日 10:30 前联系您，预计 11月26日 11:30 前解决。" in text


def test_r2_5_preview_sentence_hints_when_incomplete_and_hides_other_customers(client, agent, tech):
    client.login(username=agent.username, password=PASSWORD)
    assert "优先级" in client.get("/sla/preview/sentence/").content.decode()
    client.logout()
    client.login(username=tech.username, password=PASSWORD)
    assert client.get("/sla/preview/sentence/", {"priority": "P3"}).status_code == 403


# ---- targets of a work order and extensions ------------------------------------------------------
def test_r4_7_work_order_targets_endpoint_and_scope(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 23, 10))
    response = ApiClient(agent).get(f"/sla/work-orders/{wo.pk}/targets")
    assert response.status_code == 200
    by_kind = {t["kind"]: t for t in response.json()}
    assert by_kind["first_response"]["state"] == "met"
    assert by_kind["response"]["due_at"] == "2026-11-23T14:00:00+08:00"
    assert by_kind["response"]["state_label"] in ("超时", "按时", "有风险")
    assert ApiClient(tech).get(f"/sla/work-orders/{wo.pk}/targets").status_code == 404


def test_r13_1_a_customer_sees_the_promise_not_the_internal_targets(agent):
    """The portal shows a customer the promised times only; the API's targets endpoint answers
    them 404 like any record the portal does not show, and the work-order detail carries the
    same promise the portal shows."""
    product = InstalledProductFactory()
    wo = make_work_order(agent, product, priority="P2", channel="phone", received_at=at(2026, 11, 23, 10))
    customer = portal_user(product.customer)
    assert ApiClient(agent).get(f"/sla/work-orders/{wo.pk}/targets").status_code == 200
    response = ApiClient(customer).get(f"/sla/work-orders/{wo.pk}/targets")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    detail = ApiClient(customer).get(f"/work-orders/{wo.pk}").json()
    assert detail["promise"]["resolve_by"] is not None


def test_r4_7_target_states_and_texts(agent):
    wo = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 23, 10))
    states = {v.target.kind: v for v in work_order_targets(actor=agent, work_order=wo, now=at(2026, 11, 23, 10, 9))}
    assert states["first_response"].state == "at_risk"
    assert states["first_response"].time_text == "剩余 1分钟"
    assert states["response"].state == "on_time"
    late = {v.target.kind: v for v in work_order_targets(actor=agent, work_order=wo, now=at(2026, 11, 23, 12, 10))}
    assert late["first_response"].state == "breached"
    assert late["first_response"].time_text == "已超时 2小时0分钟"


def test_r3_6_extend_endpoint(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    target = WorkOrderTarget.objects.get(work_order=wo, kind="resolution")
    new_due = timezone.localtime(target.due_at + dt.timedelta(days=1))
    payload = {
        "new_due_at": new_due.isoformat(),
        "agreed_with": "王工",
        "agreed_at": timezone.now().isoformat(),
        "channel": "phone",
    }
    response = ApiClient(tech).post(f"/sla/targets/{target.pk}/extend", payload)
    assert response.status_code == 201, response.json()
    assert response.json()["agreed_with"] == "王工"
    assert SlaExtension.objects.filter(target=target).count() == 1
    bad = ApiClient(tech).post(f"/sla/targets/{target.pk}/extend", {**payload, "new_due_at": "2026-12-01T10:00:00"})
    assert bad.status_code == 422
    assert "new_due_at" in bad.json()["fields"]
    other = UserFactory(role="technician")
    assert ApiClient(other).post(f"/sla/targets/{target.pk}/extend", payload).status_code == 404


# ---- compliance ----------------------------------------------------------------------------------
@pytest.fixture
def history(agent, tech):
    """November: one P2 handled in time after a phone intake, one P2 web request left to breach."""
    tech.team = None
    ok = make_work_order(agent, priority="P2", channel="phone")
    wo_services.work_order_assign(actor=agent, work_order_id=ok.pk, assignee_id=tech.pk)
    wo_services.work_order_start(actor=tech, work_order_id=ok.pk)
    late = make_work_order(agent, priority="P3", channel="web", received_at=at(2026, 11, 2, 10))
    sla_scan(now=at(2026, 11, 20, 12))
    return ok, late


def test_r4_7_compliance_by_priority_is_counted_by_the_database(history, supervisor, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rows = sla_compliance(actor=supervisor, month_from=dt.date(2026, 11, 1), month_to=dt.date(2026, 11, 30))
    by_priority = {row.key: row for row in rows}
    # Counted in work orders: the P2 (phone, handled now) met first response, response and
    # contact, so it is one met; the P3 web request breached four targets (first response,
    # response, resolution, green close) and is one breached.
    assert by_priority["P3"].breached == 1
    assert by_priority["P3"].met == 0
    assert by_priority["P3"].met_rate == 0.0
    assert by_priority["P2"].breached == 0
    assert by_priority["P2"].met == 1
    assert by_priority["P2"].met_rate == 100.0
    assert all(row.month == dt.date(2026, 11, 1) for row in rows)


def test_r4_7_compliance_by_assignee_and_kind(history, supervisor, tech):
    by_assignee = {
        row.key: row
        for row in sla_compliance(
            actor=supervisor, month_from=dt.date(2026, 11, 1), month_to=dt.date(2026, 11, 1), by="assignee"
        )
    }
    assert by_assignee[str(tech.pk)].met == 1  # its first response, response and contact (current assignee)
    kinds = {
        row.key
        for row in sla_compliance(
            actor=supervisor, month_from=dt.date(2026, 11, 1), month_to=dt.date(2026, 11, 1), by="kind"
        )
    }
    assert "resolution" in kinds


def test_r4_7_compliance_api_and_refusals(history, supervisor, agent):
    response = ApiClient(supervisor).get(
        "/sla/compliance", {"month_from": "2026-11-01", "month_to": "2026-11-30", "by": "team"}
    )
    assert response.status_code == 200
    assert response.json()["by"] == "team"
    assert response.json()["rows"][0]["month"] == "2026-11"
    assert (
        ApiClient(agent).get("/sla/compliance", {"month_from": "2026-11-01", "month_to": "2026-11-30"}).status_code
        == 403
    )
    bad = ApiClient(supervisor).get("/sla/compliance", {"month_from": "2026-11-01", "month_to": "2026-01-01"})
    assert bad.status_code == 422
    assert "month_to" in bad.json()["fields"]
    assert (
        ApiClient(supervisor)
        .get("/sla/compliance", {"month_from": "2026-11-01", "month_to": "2026-11-30", "by": "x"})
        .status_code
        == 422
    )


def test_r4_7_compliance_page(client, history, supervisor, agent, django_assert_max_num_queries):
    client.login(username=supervisor.username, password=PASSWORD)
    with django_assert_max_num_queries(14):
        response = client.get("/sla/compliance/", {"month_from": "2026-11", "month_to": "2026-11"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "SLA 达标情况" in text
    assert "达标率" in text
    client.logout()
    client.login(username=agent.username, password=PASSWORD)
    assert client.get("/sla/compliance/").status_code == 403


def test_r4_7_compliance_refuses_months_outside_the_supported_years():
    """A month far outside the calendar's years is a 422 naming the field, never a 500."""
    api = ApiClient(UserFactory(role="supervisor"))
    response = api.get("/sla/compliance", {"month_from": "0001-01-03", "month_to": "0001-01-01"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "month_from" in response.json()["fields"]
