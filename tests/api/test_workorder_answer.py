"""The work order an action answers (R-3.5, R-13.1): ``work_order_out`` builds ``WorkOrderOut``
field by field (intake's hot path), and must be exactly what the schema's own validation gives,
for every role and every state the work order passes through, masking and hiding included. Each
answer is compared with the schema's rendering of the same work order read afresh."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from ninja.responses import NinjaJSONEncoder

from aftersales.workorders.schemas import WorkOrderOut
from aftersales.workorders.selectors import work_order_get
from tests.api.conftest import ApiClient
from tests.factories import ContactFactory, FaultCategoryFactory, InstalledProductFactory, UserFactory, portal_user

pytestmark = pytest.mark.django_db


def schema_answer(user, work_order_id: int) -> dict:
    """What ninja answered from the schema: validation with the request in the context, dumped
    with ninja's encoder."""
    request = RequestFactory().get("/")
    request.user = user
    wo = work_order_get(actor=user, work_order_id=work_order_id)
    data = WorkOrderOut.model_validate(wo, context={"request": request}).model_dump()
    return json.loads(json.dumps(data, cls=NinjaJSONEncoder))


def same_as_schema(response, user) -> dict:
    assert response.status_code in (200, 201), response.content
    data = response.json()
    assert data == schema_answer(user, data["id"])
    return data


def test_r3_5_every_answer_on_the_way_equals_the_schema_for_each_role():
    agent, technician, executive = (UserFactory(role=r) for r in ("agent", "technician", "executive"))
    supervisor = UserFactory(role="supervisor")
    product = InstalledProductFactory()
    contact = ContactFactory(customer=product.customer, phone="13912345678", email="li@example.com")
    customer = portal_user(product.customer)
    fault = FaultCategoryFactory(product_line=product.product_model.product_line)
    body = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "contact_id": contact.pk,
        "fault_category_id": fault.pk,
        "channel": "phone",
        "symptom": "空调开机后不制冷",
        "demand": "尽快上门",
        "service_type": "repair",
        "priority": "P2",
    }
    created = same_as_schema(ApiClient(agent).post("/work-orders", body), agent)
    assert created["contact"]["id"] == contact.pk
    assert created["promise"]["resolve_by"]
    path = f"/work-orders/{created['id']}"
    same_as_schema(ApiClient(agent).post(f"{path}/acknowledge"), agent)
    same_as_schema(ApiClient(supervisor).post(f"{path}/assign", {"assignee_id": technician.pk}), supervisor)
    same_as_schema(ApiClient(technician).post(f"{path}/start", {"mode": "on_site"}), technician)
    resolved = same_as_schema(ApiClient(technician).post(f"{path}/resolve", {"resolution": "更换电容"}), technician)
    assert resolved["assignee"]["id"] == technician.pk
    for viewer in (agent, technician, executive, customer):
        shown = same_as_schema(ApiClient(viewer).get(path), viewer)
    assert shown["assignee"] is None
    assert shown["engineer"]["name"] == str(technician)
    assert shown["resolution"] == "更换电容"
    assert shown["allowed_actions"] == ["confirm", "reopen"]
    reopened = same_as_schema(ApiClient(customer).post(f"{path}/reopen", {"reason": "又不制冷了"}), customer)
    assert reopened["resolution"] is None  # withdrawn while it is open again
    same_as_schema(ApiClient(technician).post(f"{path}/resolve", {"resolution": "更换压缩机"}), technician)
    same_as_schema(ApiClient(agent).post(f"{path}/close", {"reason": "客户电话确认"}), agent)
    archived = same_as_schema(ApiClient(supervisor).post(f"{path}/archive"), supervisor)
    assert archived["archived_at"]
    assert archived["allowed_actions"] == []


def test_r13_1_a_customers_own_request_and_an_answer_on_the_spot_equal_the_schema():
    agent = UserFactory(role="agent")
    product = InstalledProductFactory()
    customer = portal_user(product.customer)
    mine = same_as_schema(
        ApiClient(customer).post(
            "/work-orders", {"installed_product_id": product.pk, "symptom": "遥控器失灵", "service_type": "repair"}
        ),
        customer,
    )
    assert mine["channel"] == "web"
    assert mine["colour"] is None
    assert mine["owner"] is None
    answered = same_as_schema(
        ApiClient(agent).post(
            "/work-orders",
            {
                "customer_id": product.customer_id,
                "channel": "phone",
                "symptom": "怎样清洗滤网？",
                "service_type": "consultation",
                "answered_on_spot": True,
                "resolution": "取下面板，用清水冲洗后晾干。",
            },
        ),
        agent,
    )
    assert answered["status"] == "closed"
    assert answered["installed_product"] is None
