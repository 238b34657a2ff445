"""R-5.3 through /api/v1/: issue, list, read and download service notices; coded errors; scope by
role (technicians their own, executives read only, customers nothing)."""

from __future__ import annotations

import pytest

from aftersales.dispatch import notices
from tests.dispatch.notice_helpers import CLOCK, NOW, booked, client_for
from tests.factories import PartFactory, portal_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock(CLOCK)]
JSON = "application/json"


def post(client, wo, body):
    return client.post(f"/api/v1/work-orders/{wo.pk}/service-notices", body, content_type=JSON)


def test_r5_3_issue_list_read_and_download(world):
    wo = booked(world)
    cap = PartFactory(code="CAP-35")
    dispatcher = client_for(world.dispatcher)
    answer = post(
        dispatcher,
        wo,
        {"helper_ids": [world.near.pk], "tools": "万用表", "parts": [{"code": "CAP-35", "quantity": 2}]},
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["number"] == "SN-2026-000001"
    assert body["current"] is True
    assert [t["lead"] for t in body["technicians"]] == [True, False]
    assert body["parts"][0]["id"] == cap.pk
    assert body["snapshot"]["appointment"]["window"] == "2026-11-21 09:00–11:00"
    listed = dispatcher.get(f"/api/v1/work-orders/{wo.pk}/service-notices").json()["items"]
    assert [n["number"] for n in listed] == ["SN-2026-000001"]
    assert dispatcher.get(f"/api/v1/service-notices/{body['id']}").json()["number"] == body["number"]
    pdf = dispatcher.get(body["pdf_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_r5_3_technician_reads_his_own_but_cannot_issue(world):
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    tech = client_for(world.best)
    assert tech.get(f"/api/v1/service-notices/{notice.pk}").status_code == 200
    assert tech.get(f"/api/v1/service-notices/{notice.pk}/pdf").status_code == 200
    assert len(tech.get(f"/api/v1/work-orders/{wo.pk}/service-notices").json()["items"]) == 1
    answer = post(tech, wo, {})
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


def test_r5_3_another_technician_and_the_customer_get_404(world):
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    for user in (world.far_tech, portal_user(wo.customer)):
        client = client_for(user)
        for url in (
            f"/api/v1/service-notices/{notice.pk}",
            f"/api/v1/service-notices/{notice.pk}/pdf",
            f"/api/v1/work-orders/{wo.pk}/service-notices",
        ):
            answer = client.get(url)
            assert answer.status_code == 404, (user, url)
            assert answer.json()["code"] == "not_found"
    answer = post(client_for(portal_user(wo.customer)), wo, {})
    assert answer.status_code == 404


def test_r5_3_executive_reads_masked_and_cannot_issue(world):
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    boss = client_for(world.executive)
    body = boss.get(f"/api/v1/service-notices/{notice.pk}").json()
    assert body["snapshot"]["customer"]["phone"] != wo.customer.phone
    assert boss.get(f"/api/v1/service-notices/{notice.pk}/pdf").status_code == 200
    answer = post(boss, wo, {})
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"parts": [{"code": "NOPE", "quantity": 1}]}, 422, "notice_part_unknown"),
        ({"parts": [{"part_id": 999999, "quantity": 1}]}, 422, "notice_part_unknown"),
        ({"parts": [{"code": "X", "quantity": "2"}]}, 422, "validation_error"),
        ({"parts": [{"code": "X", "quantity": 0}]}, 422, "notice_part_quantity"),
        ({"helper_ids": [True]}, 422, "validation_error"),
        ({"helper_ids": [1, 2, 3, 4, 5, 6]}, 422, "validation_error"),
        ({"tools": "x" * 1001}, 422, "validation_error"),
        ({"tools": 5}, 422, "validation_error"),
    ],
)
def test_r5_3_bad_input_answers_a_code(world, body, status, code):
    wo = booked(world)
    answer = post(client_for(world.dispatcher), wo, body)
    assert answer.status_code == status, answer.content
    assert answer.json()["code"] == code


def test_r5_3_no_technician_and_closed_answer_409(world):
    unassigned = world.work_order()
    answer = post(client_for(world.dispatcher), unassigned, {})
    assert answer.status_code == 409
    assert answer.json()["code"] == "notice_no_technician"
    wo = booked(world)
    type(wo).objects.filter(pk=wo.pk).update(status="cancelled")
    answer = post(client_for(world.dispatcher), wo, {})
    assert answer.status_code == 409
    assert answer.json()["code"] == "notice_work_order_closed"
    assert client_for(world.dispatcher).get("/api/v1/service-notices/0").status_code == 422


def test_r5_3_list_bounds_its_queries(world, django_assert_max_num_queries):
    wo = booked(world)
    for _ in range(5):
        notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, helper_ids=[world.near.pk], now=NOW)
    client = client_for(world.dispatcher)
    with django_assert_max_num_queries(12):
        items = client.get(f"/api/v1/work-orders/{wo.pk}/service-notices").json()["items"]
    assert len(items) == 5


def test_r5_3_endpoints_are_in_the_openapi_document(world):
    paths = client_for(world.dispatcher).get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/work-orders/{work_order_id}/service-notices"]
    assert "get" in paths["/api/v1/work-orders/{work_order_id}/service-notices"]
    assert "get" in paths["/api/v1/service-notices/{notice_id}"]
    assert "get" in paths["/api/v1/service-notices/{notice_id}/pdf"]
