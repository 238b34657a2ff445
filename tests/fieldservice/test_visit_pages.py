"""The technician's visit page and the supervisors' review pages (R-6.2–R-6.4): who sees and does what."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.fieldservice import visit_services as vs
from aftersales.fieldservice.models import Visit
from tests.factories import portal_user
from tests.fieldservice.visit_helpers import assigned_work_order, jpeg, signature_data_url, signed_visit, upload

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_technician_checks_in_records_photographs_signs_and_submits_on_the_page(people):
    wo = assigned_work_order(people)
    tech = client_for(people.technician)
    page = tech.get(f"/field/work-orders/{wo.pk}/visit/")
    assert page.status_code == 200
    assert "到达现场签到" in page.content.decode()
    answer = tech.post(f"/field/work-orders/{wo.pk}/visit/", {"kind": "on_site", "idempotency_key": "ci-1"})
    visit = Visit.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/field/visits/{visit.pk}/"
    # From the list again: straight to the open visit.
    assert tech.get(f"/field/work-orders/{wo.pk}/visit/")["Location"] == f"/field/visits/{visit.pk}/"
    base = f"/field/visits/{visit.pk}/do"
    answer = tech.post(f"{base}/record/", {"diagnosis": "电容损坏", "work_done": "更换电容", "service_score": "9"})
    assert answer.status_code == 302
    answer = tech.post(f"{base}/sign/", {"signer_name": "张先生", "signature": signature_data_url()})
    assert answer.status_code == 422
    assert "至少一张" in answer.content.decode()  # the photo rule, in Chinese
    for stage in ("before", "after"):
        assert tech.post(f"{base}/photo/", {"stage": stage, "file": upload(jpeg())}).status_code == 302
    assert tech.post(f"{base}/sign/", {"signer_name": "张先生", "signature": signature_data_url()}).status_code == 302
    page = tech.get(f"/field/visits/{visit.pk}/").content.decode()
    assert "提交服务报告" in page
    assert "SHA-256" in page
    assert tech.post(f"{base}/submit/", {"idempotency_key": "sub-1"}).status_code == 302
    assert tech.post(f"{base}/submit/", {"idempotency_key": "sub-1"}).status_code == 302  # the retry: once
    visit.refresh_from_db()
    assert visit.status == "submitted"


def test_a_bad_photo_is_refused_on_the_page_in_chinese(people):
    wo = assigned_work_order(people)
    visit = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk)
    answer = client_for(people.technician).post(
        f"/field/visits/{visit.pk}/do/photo/", {"stage": "before", "file": upload(b"%PDF-1.4", "x.pdf")}
    )
    assert answer.status_code == 422
    assert "只能添加照片" in answer.content.decode()


def test_another_technician_and_a_customer_cannot_open_the_page_photos_or_pdf_r_13_1(people):
    visit = signed_visit(people)
    photo = visit.photos.first()
    urls = [
        f"/field/visits/{visit.pk}/",
        f"/field/visits/{visit.pk}/photos/{photo.pk}/full/",
        f"/field/visits/{visit.pk}/photos/{photo.pk}/thumbnail/",
        f"/field/visits/{visit.pk}/signature/",
        f"/field/visits/{visit.pk}/report.pdf",
        f"/field/reports/{visit.pk}/",
    ]
    other = client_for(people.other_technician)
    for url in urls:
        assert other.get(url).status_code == 404, url
    assert other.post(f"/field/visits/{visit.pk}/do/record/", {"advice": "x"}).status_code == 404
    customer = client_for(portal_user(visit.work_order.customer))
    for url in urls:
        assert customer.get(url).status_code in (302, 403, 404), url
    # His own photo, signature and PDF open.
    tech = client_for(people.technician)
    assert tech.get(urls[1]).status_code == 200
    assert tech.get(urls[3]).status_code == 200


@pytest.mark.parametrize("role", ["technician", "agent", "dispatcher", "qa", "quality", "executive"])
def test_only_reviewers_reach_the_review_list(people, role):
    assert client_for(getattr(people, role)).get("/field/reports/").status_code == 403


def test_the_supervisor_approves_on_the_desktop_page_and_the_technician_cannot(people):
    visit = vs.visit_submit(actor=people.technician, visit_id=signed_visit(people).pk)
    boss = client_for(people.supervisor)
    page = boss.get("/field/reports/").content.decode()
    assert visit.work_order.number in page
    page = boss.get(f"/field/reports/{visit.pk}/").content.decode()
    assert "批准" in page
    tech = client_for(people.technician)
    assert "批准" not in tech.get(f"/field/reports/{visit.pk}/").content.decode()
    assert tech.post(f"/field/reports/{visit.pk}/", {"decision": "approve"}).status_code == 403
    answer = boss.post(f"/field/reports/{visit.pk}/", {"decision": "return", "comment": ""})
    assert answer.status_code == 422
    assert boss.post(f"/field/reports/{visit.pk}/", {"decision": "approve"}).status_code == 302
    visit.refresh_from_db()
    assert visit.archive_number.startswith("RPT-")
    page = tech.get(f"/field/visits/{visit.pk}/").content.decode()
    assert "保存" not in page  # read-only: no forms
    assert visit.archive_number in page


def test_huge_and_unknown_ids_are_404_not_500(people):
    tech = client_for(people.technician)
    for url in (f"/field/visits/{2**64}/", "/field/visits/999999/", f"/field/work-orders/{2**64}/visit/"):
        assert tech.get(url).status_code == 404, url
    visit = vs.visit_check_in(actor=people.technician, work_order_id=assigned_work_order(people).pk)
    assert tech.post(f"/field/visits/{visit.pk}/do/unknown/").status_code == 404
    assert tech.post(f"/field/visits/{visit.pk}/do/photo-delete/", {"photo_id": "9" * 30}).status_code == 404
