"""POST /api/v1/work-orders/{id}/priority (R-3.3; the SLA targets are computed again, R-4.2).

The mapping, status codes, error fields and scope; the rule itself is tested at the service."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.models import WorkOrderTarget
from aftersales.sla.services import calendar_seed_years
from aftersales.workorders import services
from aftersales.workorders.models import WorkOrderEvent
from tests.api.conftest import ApiClient
from tests.factories import UserFactory, make_work_order

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-25T12:00:00+08:00")]  # written about November 2026

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def calendar(db):
    calendar_cache_clear()
    calendar_seed_years(years=[2025, 2026])
    yield
    calendar_cache_clear()


def test_r3_3_priority_endpoint_changes_the_priority_and_the_targets(agent, product):
    wo = make_work_order(agent, product, priority="P3", received_at=dt.datetime(2026, 11, 23, 9, tzinfo=SH))
    response = ApiClient(agent).post(f"/work-orders/{wo.pk}/priority", {"priority": "P1", "reason": "生产线停机"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == wo.pk
    assert body["priority"] == "P1"
    resolution = WorkOrderTarget.objects.get(work_order=wo, kind="resolution")
    assert resolution.due_at == dt.datetime(2026, 11, 23, 13, tzinfo=SH)  # P1: 4 h, 24x7
    event = WorkOrderEvent.objects.filter(work_order=wo, data__previous="P3").get()
    assert event.text == "生产线停机"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"priority": "P1", "reason": "  "}, "reason"),
        ({"priority": "P3", "reason": "同一优先级"}, "priority"),
    ],
)
def test_r3_3_priority_refusals_name_the_field(agent, product, payload, field):
    wo = make_work_order(agent, product, priority="P3")
    response = ApiClient(agent).post(f"/work-orders/{wo.pk}/priority", payload)
    assert response.status_code == 422
    assert field in response.json()["fields"]


def test_priority_endpoint_rejects_an_unknown_priority_or_a_missing_reason(agent, product):
    wo = make_work_order(agent, product, priority="P3")
    client = ApiClient(agent)
    assert client.post(f"/work-orders/{wo.pk}/priority", {"priority": "P9", "reason": "x"}).status_code == 422
    assert client.post(f"/work-orders/{wo.pk}/priority", {"priority": "P1"}).status_code == 422


def test_r13_1_priority_endpoint_scope_and_permission(agent, tech, product):
    wo = make_work_order(agent, product, priority="P3")
    payload = {"priority": "P1", "reason": "试试"}
    assert ApiClient(tech).post(f"/work-orders/{wo.pk}/priority", payload).status_code == 404  # not theirs
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    refused = ApiClient(tech).post(f"/work-orders/{wo.pk}/priority", payload)
    assert refused.status_code == 403  # a technician does not re-prioritise
    assert refused.json()["code"] == "permission_denied"
    assert ApiClient(UserFactory(role="qa")).post(f"/work-orders/{wo.pk}/priority", payload).status_code == 403
    assert ApiClient().post(f"/work-orders/{wo.pk}/priority", payload).status_code == 401


def test_priority_of_a_closed_work_order_is_409(agent, product):
    wo = make_work_order(agent, product, service_type="consultation", answered_on_spot=True, resolution="已解答")
    response = ApiClient(agent).post(f"/work-orders/{wo.pk}/priority", {"priority": "P1", "reason": "晚了"})
    assert response.status_code == 409
