"""Work-order API (R-2, R-3, R-13): mapping to the services, status codes, error codes,
scope and query counts. The rules themselves are tested in tests/workorders/test_services.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.audit.models import AccessLog
from aftersales.workorders.models import WorkOrder
from tests.api.conftest import ApiClient
from tests.factories import (
    CustomerFactory,
    FaultCategoryFactory,
    InstalledProductFactory,
    UserFactory,
    make_work_order,
)

pytestmark = pytest.mark.django_db


def intake(product, **kw):
    body = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "received_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "symptom": "空调开机后不制冷",
        "service_type": "repair",
        "priority": "P2",
    }
    body.update(kw)
    return body


# --- auth ------------------------------------------------------------------------------


def test_token_flow_then_bearer(agent):
    anonymous = ApiClient()
    response = anonymous.post("/auth/token", {"username": agent.username, "password": "aftersales-test-pw"})
    assert response.status_code == 201
    token = response.json()["token"]
    response = anonymous.get("/work-orders", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_401_without_auth_or_with_a_bad_token():
    response = ApiClient().get("/work-orders")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert ApiClient().get("/work-orders", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_session_auth_works(client, agent):
    client.force_login(agent)
    assert client.get("/api/v1/work-orders").status_code == 200


# --- create (R-2.3, R-3.1) -------------------------------------------------------------


def test_r2_3_create_maps_every_intake_field(agent, product):
    fault = FaultCategoryFactory()
    body = intake(product, fault_category_id=fault.pk, demand="尽快上门", colour="yellow", channel="fax")
    response = ApiClient(agent).post("/work-orders", body)
    assert response.status_code == 201
    data = response.json()
    wo = WorkOrder.objects.get(pk=data["id"])
    assert data["number"] == wo.number
    assert data["status"] == "new"
    assert (wo.customer_id, wo.installed_product_id, wo.fault_category_id) == (
        product.customer_id,
        product.pk,
        fault.pk,
    )
    assert (wo.channel, wo.service_type, wo.priority, wo.colour) == ("fax", "repair", "P2", "yellow")
    assert wo.received_at == dt.datetime.fromisoformat(body["received_at"])
    assert wo.demand == "尽快上门"
    assert data["customer"]["service_preferences"] == product.customer.service_preferences
    assert data["installed_product"]["warranty_status"] == "in_warranty"
    assert "assign" in data["allowed_actions"]


def test_r3_1_same_idempotency_key_same_work_order(agent, product):
    api, body = ApiClient(agent), intake(product)
    first = api.post("/work-orders", body, headers={"Idempotency-Key": "key-1"})
    second = api.post("/work-orders", body, headers={"Idempotency-Key": "key-1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert WorkOrder.objects.count() == 1


def test_r3_1_same_key_other_body_is_refused(agent, product):
    api, body = ApiClient(agent), intake(product)
    api.post("/work-orders", body, headers={"Idempotency-Key": "key-2"})
    response = api.post("/work-orders", {**body, "symptom": "别的问题"}, headers={"Idempotency-Key": "key-2"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer_id", None),
        ("customer_id", 2**70),
        ("customer_id", "abc"),
        ("channel", "pigeon"),
        ("received_at", "2026-01-01T08:00:00"),  # naive
        ("received_at", "not a time"),
        ("symptom", ""),
        ("symptom", "x" * 4001),
        ("symptom", "nul\x00byte"),
        ("service_type", "magic"),
        ("priority", "P9"),
    ],
)
def test_r2_3_each_bad_intake_field_is_named(agent, product, field, value):
    response = ApiClient(agent).post("/work-orders", intake(product, **{field: value}))
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"]


def test_received_in_the_future_is_refused_by_the_service(agent, product):
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = ApiClient(agent).post("/work-orders", intake(product, received_at=future))
    assert response.status_code == 422
    assert "received_at" in response.json()["fields"]


def test_malformed_json_is_400(agent):
    response = ApiClient(agent).post("/work-orders", "{not json")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "fields"}


def test_bad_idempotency_key_header_is_422(agent, product):
    response = ApiClient(agent).post("/work-orders", intake(product), headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["fields"]


def test_portal_user_creates_for_their_own_organisation(customer_user, product):
    """R-13.1: a portal user's request is their own organisation's; another one is not found."""
    body = {"symptom": "空调不制冷", "service_type": "repair"}
    response = ApiClient(customer_user).post("/work-orders", body)
    assert response.status_code == 201
    assert response.json()["customer"]["id"] == product.customer_id
    other = CustomerFactory()
    response = ApiClient(customer_user).post("/work-orders", {**body, "customer_id": other.pk})
    assert response.status_code == 404
    assert WorkOrder.objects.count() == 1


def test_technician_may_not_create(tech, product):
    response = ApiClient(tech).post("/work-orders", intake(product))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


# --- read, scope (R-13.1, R-13.2) -------------------------------------------------------


def test_r13_2_detail_is_logged_and_masked_for_roles_without_contact_details(agent, product):
    wo = make_work_order(agent, product)
    expert = UserFactory(role="expert")  # sees every work order, not the contact details
    response = ApiClient(expert).get(f"/work-orders/{wo.pk}")
    assert response.status_code == 200
    assert "****" in response.json()["customer"]["phone"]
    assert "****" in response.json()["customer"]["address"]
    assert AccessLog.objects.filter(actor=expert, action="view", object_type="workorder", object_id=str(wo.pk)).exists()


def test_r13_1_technician_and_customer_see_only_their_own(agent, tech, product, customer_user):
    mine = make_work_order(agent, product)
    other = make_work_order(agent)
    ApiClient(agent).post(f"/work-orders/{mine.pk}/assign", {"assignee_id": tech.pk})
    for user in (tech, customer_user):
        api = ApiClient(user)
        ids = [item["id"] for item in api.get("/work-orders").json()["items"]]
        assert ids == [mine.pk]
        assert api.get(f"/work-orders/{mine.pk}").status_code == 200
        assert api.get(f"/work-orders/{other.pk}").status_code == 404
        assert api.get(f"/work-orders/{other.pk}/timeline").status_code == 404
        assert api.post(f"/work-orders/{other.pk}/notes", {"text": "x"}).status_code == 404


def test_ids_out_of_range_are_422_not_500(agent):
    api = ApiClient(agent)
    assert api.get(f"/work-orders/{2**70}").status_code == 422
    assert api.get("/work-orders/0").status_code == 422
    assert api.get("/work-orders", {"customer_id": 2**64}).status_code == 422
    assert api.get("/work-orders/9223372036854775807").status_code == 404


# --- list -------------------------------------------------------------------------------


def test_list_filters_map_to_the_selector(agent, product):
    p1 = make_work_order(agent, product, priority="P1")
    make_work_order(agent, product, priority="P3", service_type="consultation")
    api = ApiClient(agent)
    data = api.get("/work-orders", {"priority": "P1"}).json()
    assert [item["id"] for item in data["items"]] == [p1.pk]
    assert data["count"] == 1
    assert data["count_capped"] is False
    both = api.get("/work-orders", {"service_type": ["repair", "consultation"]}).json()
    assert both["count"] == 2
    assert api.get("/work-orders", {"q": p1.number}).json()["count"] == 1
    assert api.get("/work-orders", {"status": "closed"}).json()["count"] == 0


def test_list_keyset_pages_and_bad_cursor(agent, product):
    for _ in range(3):
        make_work_order(agent, product)
    api = ApiClient(agent)
    first = api.get("/work-orders", {"page_size": 2, "sort": "number"}).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    second = api.get("/work-orders", {"page_size": 2, "sort": "number", "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    for bad in ("!!!", "WzEsMl0", "WyJ4IiwxXQ"):  # junk, [1,2] for a date sort, ["x",1]
        response = api.get("/work-orders", {"cursor": bad})
        assert response.status_code == 422, bad
        assert "cursor" in response.json()["fields"]


def test_list_unknown_filter_values_are_422(agent):
    api = ApiClient(agent)
    for params in ({"status": "lost"}, {"sort": "symptom"}, {"page_size": 101}, {"received_from": "2026-01-01"}):
        response = api.get("/work-orders", params)
        assert response.status_code == 422, params
        assert set(response.json()["fields"]) == set(params)


@pytest.fixture
def many_work_orders(agent):
    """110 work orders through the real service, on a few customers and products."""
    products = [InstalledProductFactory() for _ in range(5)]
    tech = UserFactory(role="technician")
    for i in range(110):
        wo = make_work_order(agent, products[i % 5])
        if i % 2:
            from aftersales.workorders.services import work_order_assign

            work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    return 110


def test_list_query_count_is_the_same_for_25_and_100(agent, many_work_orders, django_assert_num_queries):
    api = ApiClient(agent)
    api.get("/work-orders", {"page_size": 1})  # warm the permission cache of this token's user
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size in (25, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/work-orders", {"page_size": size})
        assert len(response.json()["items"]) == size
        counts[size] = len(ctx.captured_queries)
    assert counts[25] == counts[100] <= 8


# --- lifecycle (R-3.5) ------------------------------------------------------------------


def test_r3_5_lifecycle_through_the_api(agent, tech, product, customer_user):
    api, wo = ApiClient(agent), make_work_order(agent, product)
    base = f"/work-orders/{wo.pk}"
    assert api.post(f"{base}/acknowledge").json()["status"] == "acknowledged"
    assert (
        api.post(f"{base}/assign", {"assignee_id": tech.pk, "note": "请今天联系"}).json()["assignee"]["id"] == tech.pk
    )
    handler = ApiClient(tech)
    assert handler.post(f"{base}/start", {"mode": "on_site"}).json()["handling_mode"] == "on_site"
    assert handler.post(f"{base}/wait", {"on": "parts", "reason": "等压缩机"}).json()["status"] == "waiting_parts"
    assert handler.post(f"{base}/resume").json()["status"] == "in_progress"
    resolved = handler.post(f"{base}/resolve", {"resolution": "更换压缩机", "technical_solution": "TS-1"}).json()
    assert (resolved["status"], resolved["resolution"]) == ("resolved", "更换压缩机")
    portal = ApiClient(customer_user)
    assert portal.get(base).json()["allowed_actions"] == ["confirm", "reopen"]
    assert portal.post(f"{base}/confirm").json()["status"] == "confirmed"
    assert api.post(f"{base}/close").json()["status"] == "closed"
    assert api.post(f"{base}/reopen", {"reason": "又坏了"}).json()["status"] == "assigned"
    handler.post(f"{base}/resolve", {"resolution": "再修"})
    assert api.post(f"{base}/close", {"reason": "客户电话确认"}).json()["status"] == "closed"
    archived = ApiClient(UserFactory(role="supervisor")).post(f"{base}/archive").json()
    assert (archived["status"], archived["allowed_actions"]) == ("archived", [])
    response = api.post(f"{base}/notes", {"text": "补充"})
    assert response.status_code == 409
    assert response.json()["code"] == "work_order_read_only"


def test_r3_5_illegal_transition_is_409(agent, product):
    wo = make_work_order(agent, product)
    response = ApiClient(agent).post(f"/work-orders/{wo.pk}/close", {"reason": "x"})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


def test_action_refusals_map_to_403_and_422(agent, tech, product):
    wo = make_work_order(agent, product)
    assert ApiClient(agent).post(f"/work-orders/{wo.pk}/archive").status_code == 403
    response = ApiClient(agent).post(f"/work-orders/{wo.pk}/assign", {"assignee_id": agent.pk + 1000})
    assert response.status_code == 404  # not among the people who may be assigned
    assert "assignee_id" in response.json()["fields"]
    response = ApiClient(agent).post(f"/work-orders/{wo.pk}/wait", {"on": "weather", "reason": "x"})
    assert response.status_code == 422
    assert "on" in response.json()["fields"]


# --- notes, timeline, communications (R-3.6, R-2.2) -------------------------------------


def test_r3_6_note_and_timeline(agent, product):
    wo = make_work_order(agent, product)
    api = ApiClient(agent)
    note = api.post(f"/work-orders/{wo.pk}/notes", {"text": "已电话联系客户"})
    assert note.status_code == 201
    assert note.json()["kind"] == "note"
    timeline = api.get(f"/work-orders/{wo.pk}/timeline").json()
    assert [event["kind"] for event in timeline] == ["created", "note"]
    assert timeline[1]["actor"]["id"] == agent.pk
    assert api.post(f"/work-orders/{wo.pk}/notes", {"text": "  "}).status_code == 422


def test_r2_2_communications_on_work_order_and_customer(agent, product):
    wo = make_work_order(agent, product)
    api = ApiClient(agent)
    on_wo = api.post(
        f"/work-orders/{wo.pk}/communications",
        {"kind": "fax", "direction": "in", "summary": "客户传真报修", "reference": "021-5555"},
    )
    assert on_wo.status_code == 201
    assert (on_wo.json()["work_order_id"], on_wo.json()["customer_id"]) == (wo.pk, product.customer_id)
    on_customer = api.post(
        "/communications", {"customer_id": product.customer_id, "kind": "call", "direction": "out", "summary": "回访"}
    )
    assert on_customer.status_code == 201
    assert on_customer.json()["work_order_id"] is None
    history = api.get(f"/customers/{product.customer_id}/history").json()
    assert [w["id"] for w in history["work_orders"]] == [wo.pk]
    assert len(history["communications"]) == 2
    response = api.post("/communications", {"kind": "call", "direction": "sideways", "summary": ""})
    assert response.status_code == 422
    assert "direction" in response.json()["fields"]
    response = api.post("/communications", {"kind": "call", "direction": "in", "summary": "x"})
    assert response.status_code == 422
    assert "customer_id" in response.json()["fields"]


def test_openapi_document_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/work-orders/{work_order_id}/timeline" in paths
    assert client.get("/api/v1/docs").status_code == 200
