"""R-6.5, R-6.6 in the API: the mapping of the services, status codes, coded errors, scope."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import ApiClient
from tests.repairs.conftest import walk

pytestmark = pytest.mark.django_db


def test_r6_5_api_walks_a_repair_order_through_a_failed_and_a_passed_inspection(people, work_order):
    agent, tech, qa = ApiClient(people.agent), ApiClient(people.technician), ApiClient(people.qa)
    response = agent.post("/repair-orders", {"work_order_id": work_order.pk}, headers={"Idempotency-Key": "rr-1"})
    assert response.status_code == 201, response.json()
    body = response.json()
    ro_id = body["id"]
    assert body["number"].startswith("RR-")
    assert body["status"] == "expected"
    again = agent.post("/repair-orders", {"work_order_id": work_order.pk}, headers={"Idempotency-Key": "rr-1"})
    assert again.status_code == 201
    assert again.json()["id"] == ro_id
    steps = [
        (agent, "receive", {"condition": "外壳完好", "accessories": ["power_cord", "remote"]}, "received"),
        (agent, "assign", {"repairer_id": people.technician.pk}, "assigned"),
        (tech, "diagnose", {"diagnosis": "电容损坏"}, "repairing"),
        (tech, "repair-done", {"repair_notes": "更换电容"}, "inspecting"),
        (qa, "inspect", {"result": "fail", "notes": "仍有异响"}, "repairing"),
        (tech, "repair-done", {"repair_notes": "更换风扇"}, "inspecting"),
        (qa, "inspect", {"result": "pass"}, "passed"),
    ]
    for client, action, payload, status in steps:
        response = client.post(f"/repair-orders/{ro_id}/{action}", payload)
        assert response.status_code == 200, (action, response.json())
        assert response.json()["status"] == status
    shipped = agent.post(f"/repair-orders/{ro_id}/ship", {"tracking_number": "EA123456789CN", "weight_kg": "3.5"})
    assert shipped.status_code == 201, shipped.json()
    assert shipped.json()["carrier"] == "ems"
    assert not shipped.json()["delivered"]
    delivered = agent.post(f"/shipments/{shipped.json()['id']}/deliver", {"note": "客户签收"})
    assert delivered.status_code == 200
    assert delivered.json()["delivered"]
    detail = agent.get(f"/repair-orders/{ro_id}").json()
    assert detail["status"] == "closed"
    assert detail["inspections_failed"] == 1
    assert [e["action"] for e in detail["events"]].count("inspect_fail") == 1


def test_r6_5_api_errors_are_coded(people, work_order):
    agent, qa = ApiClient(people.agent), ApiClient(people.qa)
    ro = walk(people, work_order, to="received")
    response = qa.post(f"/repair-orders/{ro.pk}/inspect", {"result": "pass"})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    response = agent.post(f"/repair-orders/{ro.pk}/inspect", {"result": "pass"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    response = agent.post(f"/repair-orders/{ro.pk}/assign", {"repairer_id": people.qa.pk})
    assert response.status_code == 404
    assert response.json()["fields"].keys() == {"repairer_id"}
    response = agent.post(f"/repair-orders/{ro.pk}/receive", {"condition": ""})
    assert response.status_code == 422
    assert "condition" in response.json()["fields"]
    response = agent.post("/shipments", {"work_order_id": work_order.pk, "contents": "cake", "tracking_number": "X1"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    response = agent.post("/repair-orders/999999/receive", {"condition": "好"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_r6_5_customer_sees_only_their_own_and_no_internal_notes(
    people, work_order, customer_user, other_customer_user
):
    ro = walk(people, work_order, to="shipped")
    mine, theirs = ApiClient(customer_user), ApiClient(other_customer_user)
    body = mine.get(f"/repair-orders/{ro.pk}").json()
    assert body["number"] == ro.number
    assert body["status"] == "shipped"
    assert body["diagnosis"] == ""
    assert body["repairer"] is None
    assert body["events"] == []
    assert body["allowed_actions"] == []
    assert len(body["shipments"]) == 1
    assert [item["id"] for item in mine.get("/repair-orders").json()["items"]] == [ro.pk]
    assert theirs.get(f"/repair-orders/{ro.pk}").status_code == 404
    assert theirs.get("/repair-orders").json()["items"] == []
    shipment_id = body["shipments"][0]["id"]
    assert mine.get(f"/shipments/{shipment_id}").status_code == 200
    assert theirs.get(f"/shipments/{shipment_id}").status_code == 404
    assert mine.post(f"/shipments/{shipment_id}/deliver", {}).status_code == 403
    assert mine.post("/repair-orders", {"work_order_id": work_order.pk}).status_code == 403


def test_r6_5_technician_sees_only_repairs_assigned_to_them(people, work_order):
    ro = walk(people, work_order, to="assigned")
    assert ApiClient(people.technician).get(f"/repair-orders/{ro.pk}").status_code == 200
    assert ApiClient(people.other_technician).get(f"/repair-orders/{ro.pk}").status_code == 404
    assert ApiClient(people.other_technician).get("/repair-orders").json()["items"] == []
    executive = ApiClient(people.executive)
    assert executive.get(f"/repair-orders/{ro.pk}").status_code == 200
    assert executive.post(f"/repair-orders/{ro.pk}/agreements", {}).status_code == 422  # schema first
    response = executive.post(f"/repair-orders/{ro.pk}/assign", {"repairer_id": people.expert.pk})
    assert response.status_code == 403


def test_r6_5_list_query_count_is_bounded(people):
    from tests.factories import make_work_order

    for _ in range(3):
        walk(people, make_work_order(people.agent), to="assigned")
    client = ApiClient(people.agent)
    client.get("/repair-orders")
    with CaptureQueriesContext(connection) as few:
        client.get("/repair-orders")
    walk(people, make_work_order(people.agent), to="assigned")
    with CaptureQueriesContext(connection) as more:
        response = client.get("/repair-orders")
    assert len(response.json()["items"]) == 4
    assert len(more) == len(few)


def test_r6_6_openapi_lists_the_endpoints(people):
    paths = ApiClient(people.agent).get("/openapi.json").json()["paths"]
    for path in ["/api/v1/repair-orders", "/api/v1/repair-orders/{repair_order_id}/inspect", "/api/v1/shipments"]:
        assert path in paths


def test_r6_5_bad_query_values_are_coded_422_or_404(people):
    client = ApiClient(people.agent)
    for path in [
        "/repair-orders?status=bogus",
        "/repair-orders?repairer_id=-1",
        "/repair-orders?work_order_id=99999999999999999999999",
        "/shipments?in_transit=maybe",
    ]:
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.json()["code"] == "validation_error"
    for path in ["/repair-orders/0", "/shipments/99999999999999999999999"]:
        assert client.get(path).status_code in (404, 422), path
    response = client.post("/repair-orders/1/inspect", {"result": "maybe"})
    assert response.status_code == 422
