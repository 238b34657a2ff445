"""The visit and service-report API (R-6.2–R-6.4): coded errors, scope by role, idempotent submit."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.fieldservice.models import Visit
from tests.fieldservice.visit_helpers import (
    assigned_work_order,
    jpeg,
    recorded_visit,
    signature_data_url,
    signed_visit,
    upload,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_whole_path_through_the_api_r_6_2_r_6_4(people):
    wo = assigned_work_order(people)
    tech = client_for(people.technician)
    answer = tech.post(f"/api/v1/work-orders/{wo.pk}/visits", {"kind": "on_site"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    visit_id = answer.json()["id"]
    assert answer.json()["checked_in_at"]
    answer = tech.patch(
        f"/api/v1/visits/{visit_id}",
        {"diagnosis": "电容损坏", "work_done": "更换电容", "product_score": 8, "service_score": 10, "opinion": "很好"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["service_score"] == 10
    for stage in ("before", "after"):
        answer = tech.post(f"/api/v1/visits/{visit_id}/photos", {"stage": stage, "file": upload(jpeg())})
        assert answer.status_code == 201, answer.content
    answer = tech.post(f"/api/v1/visits/{visit_id}/submit")
    assert answer.status_code == 409
    assert answer.json()["code"] == "report_unsigned"
    answer = tech.post(
        f"/api/v1/visits/{visit_id}/sign",
        {"signer_name": "张先生", "signature": signature_data_url()},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert len(answer.json()["content_hash"]) == 64
    answer = tech.patch(f"/api/v1/visits/{visit_id}", {"advice": "改"}, content_type="application/json")
    assert answer.status_code == 409
    assert answer.json()["code"] == "report_signed"
    first = tech.post(f"/api/v1/visits/{visit_id}/submit", HTTP_IDEMPOTENCY_KEY="s-1")
    again = tech.post(f"/api/v1/visits/{visit_id}/submit", HTTP_IDEMPOTENCY_KEY="s-1")
    assert first.status_code == again.status_code == 200
    assert first.json()["submitted_at"] == again.json()["submitted_at"]
    boss = client_for(people.supervisor)
    answer = boss.post(f"/api/v1/visits/{visit_id}/approve", {"comment": ""}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["archive_number"].startswith("RPT-")
    pdf = tech.get(f"/api/v1/visits/{visit_id}/report.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["other_technician", "customer"])
def test_another_technician_or_a_customer_gets_404_for_visit_photo_and_pdf_r_13_1(people, role):
    from tests.factories import portal_user

    visit = signed_visit(people)
    photo = visit.photos.first()
    user = portal_user(visit.work_order.customer) if role == "customer" else people.other_technician
    client = client_for(user)
    for url in (
        f"/api/v1/visits/{visit.pk}",
        f"/api/v1/visits/{visit.pk}/photos/{photo.pk}",
        f"/api/v1/visits/{visit.pk}/photos/{photo.pk}?thumbnail=true",
        f"/api/v1/visits/{visit.pk}/report.pdf",
    ):
        answer = client.get(url)
        assert answer.status_code in (403, 404), url
        assert answer.json()["code"] in ("not_found", "permission_denied")
    assert client.get("/api/v1/visits").json().get("items", []) == []


@pytest.mark.parametrize("role", ["agent", "dispatcher", "qa", "quality", "executive"])
def test_oversight_roles_see_but_cannot_change_or_review(people, role):
    visit = vs_submitted(people)
    client = client_for(getattr(people, role))
    assert client.get(f"/api/v1/visits/{visit.pk}").status_code == 200
    answer = client.patch(f"/api/v1/visits/{visit.pk}", {"advice": "x"}, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"
    answer = client.post(f"/api/v1/visits/{visit.pk}/approve", {}, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


def vs_submitted(people) -> Visit:
    from aftersales.fieldservice import visit_services as vs

    return vs.visit_submit(actor=people.technician, visit_id=signed_visit(people).pk)


def test_bad_bodies_answer_422_naming_the_field(people):
    visit = recorded_visit(people)
    tech = client_for(people.technician)
    for body, field in (
        ({"product_score": 0}, "product_score"),
        ({"service_score": "9"}, "service_score"),
        ({"diagnosis": "x" * 4001}, "diagnosis"),
        ({"opinion": None, "advice": 5}, "advice"),
    ):
        answer = tech.patch(f"/api/v1/visits/{visit.pk}", body, content_type="application/json")
        assert answer.status_code == 422, body
        assert field in answer.json()["fields"]
    answer = tech.post(
        f"/api/v1/visits/{visit.pk}/parts",
        {"part_id": True, "warehouse_id": 1, "quantity": 1},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "part_id" in answer.json()["fields"]
    assert tech.get(f"/api/v1/visits/{2**63}").status_code == 422
    assert tech.get("/api/v1/visits/99999999").status_code == 404
    answer = tech.post(f"/api/v1/visits/{visit.pk}/photos", {"stage": "before", "file": upload(b"%PDF-1.4")})
    assert answer.status_code == 422
    assert answer.json()["code"] == "photo_type"
    answer = tech.post(f"/api/v1/visits/{visit.pk}/photos", {"stage": "later", "file": upload(jpeg())})
    assert answer.status_code == 422
    assert "stage" in answer.json()["fields"]
    answer = tech.post(
        f"/api/v1/visits/{visit.pk}/sign",
        {"signer_name": "张", "signature": "data:image/gif;base64,AAAA"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "signature_invalid"


def test_check_in_refusals_are_coded(people):
    wo = assigned_work_order(people)
    answer = client_for(people.other_technician).post(
        f"/api/v1/work-orders/{wo.pk}/visits", {}, content_type="application/json"
    )
    assert answer.status_code == 404
    answer = client_for(people.agent).post(f"/api/v1/work-orders/{wo.pk}/visits", {}, content_type="application/json")
    assert answer.status_code == 403
    tech = client_for(people.technician)
    assert tech.post(f"/api/v1/work-orders/{wo.pk}/visits", {}, content_type="application/json").status_code == 201
    answer = tech.post(f"/api/v1/work-orders/{wo.pk}/visits", {}, content_type="application/json")
    assert answer.status_code == 409
    assert answer.json()["code"] == "visit_already_open"


def test_a_photo_sent_again_with_its_idempotency_key_is_stored_once(people):
    from aftersales.fieldservice import visit_services as vs

    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    tech = client_for(people.technician)
    data = jpeg()
    first = tech.post(
        f"/api/v1/visits/{visit.pk}/photos", {"stage": "before", "file": upload(data)}, HTTP_IDEMPOTENCY_KEY="p-1"
    )
    again = tech.post(
        f"/api/v1/visits/{visit.pk}/photos", {"stage": "before", "file": upload(data)}, HTTP_IDEMPOTENCY_KEY="p-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert visit.photos.count() == 1
    other = tech.post(
        f"/api/v1/visits/{visit.pk}/photos", {"stage": "after", "file": upload(data)}, HTTP_IDEMPOTENCY_KEY="p-1"
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
