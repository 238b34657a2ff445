"""The customer's work-order page shows the promised times and the engineer (name and work phone),
decided by the customer-visibility selector, so the API shows the same (R-2.5, R-13.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.sla.models import WorkOrderTarget
from aftersales.workorders.services import work_order_assign, work_order_start
from tests.api.conftest import ApiClient
from tests.factories import InstalledProductFactory, UserFactory, make_work_order, portal_user

pytestmark = pytest.mark.django_db


def _api_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def _ms(moment: dt.datetime) -> dt.datetime:
    """The API writes times to the millisecond."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def agent():
    return UserFactory(role="agent", display_name="李客服")


@pytest.fixture
def tech():
    return UserFactory(role="technician", display_name="王建国", phone="13812345678")


@pytest.fixture
def wo(agent):
    return make_work_order(agent, InstalledProductFactory(), channel="web")


def test_r2_5_the_portal_page_shows_the_promised_times_and_the_engineer(client, agent, tech, wo):
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    due = dict(WorkOrderTarget.objects.filter(work_order=wo).values_list("kind", "due_at"))
    client.force_login(portal_user(wo.customer))
    html = client.get(reverse("portal:detail", args=[wo.pk])).content.decode()
    card = html[html.index('id="portal-promise"') :]
    card = card[: card.index("</dl>")]
    assert "承诺响应时间" in card
    assert _local(due["response"]) in card
    assert "预计解决时间" in card
    assert _local(due["resolution"]) in card
    assert "王建国" in card
    assert 'href="tel:13812345678"' in card


def test_r13_1_the_api_gives_a_portal_user_the_same_promise_and_engineer_but_not_the_assignee(agent, tech, wo):
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    work_order_start(actor=tech, work_order_id=wo.pk, mode="remote")
    due = {
        kind: (d, m)
        for kind, d, m in WorkOrderTarget.objects.filter(work_order=wo).values_list("kind", "due_at", "met_at")
    }
    body = ApiClient(portal_user(wo.customer)).get(f"/work-orders/{wo.pk}").json()
    assert body["assignee"] is None  # who handles it inside the company stays internal
    assert body["engineer"] == {"name": "王建国", "phone": "13812345678"}
    promise = body["promise"]
    assert promise["respond_by"] is not None
    assert _api_time(promise["respond_by"]) == _ms(due["response"][0])
    assert _api_time(promise["responded_at"]) == _ms(due["response"][1])  # met when handling started
    assert _api_time(promise["resolve_by"]) == _ms(due["resolution"][0])
    assert promise["resolved_at"] is None
    staff = ApiClient(agent).get(f"/work-orders/{wo.pk}").json()
    assert staff["engineer"] == body["engineer"]
    assert staff["promise"] == promise


def test_before_assignment_there_is_no_engineer_and_another_organisation_sees_nothing(client, wo):
    customer_user = portal_user(wo.customer)
    assert ApiClient(customer_user).get(f"/work-orders/{wo.pk}").json()["engineer"] is None
    client.force_login(customer_user)
    assert 'id="portal-engineer"' not in client.get(reverse("portal:detail", args=[wo.pk])).content.decode()
    stranger = portal_user(InstalledProductFactory().customer)
    assert ApiClient(stranger).get(f"/work-orders/{wo.pk}").status_code == 404


def test_r2_5_the_answer_to_a_create_promises_what_is_stored_without_reading_it_back(agent):
    """The create's answer carries the promise from the targets intake just stored (no SELECT
    of them: the intake hot path, ADR 0004), and it is the promise a later read gives."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    product = InstalledProductFactory()
    api = ApiClient(agent)
    payload = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "symptom": "空调不制冷",
        "service_type": "repair",
    }
    with CaptureQueriesContext(connection) as queries:
        created = api.post("/work-orders", payload)
    assert created.status_code == 201, created.content
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "sla_workordertarget" in q["sql"]]
    assert reads == []
    promise = created.json()["promise"]
    assert promise["respond_by"]
    assert promise["resolve_by"]
    assert api.get(f"/work-orders/{created.json()['id']}").json()["promise"] == promise
