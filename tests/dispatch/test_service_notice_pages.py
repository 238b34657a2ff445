"""R-5.3 on the pages: the "签发服务通知单" form on the work-order page for dispatchers, the list of
a work order's notices with their PDFs; technicians see their own, executives read only,
customers get 404; a refusal shows its Chinese message on the form."""

from __future__ import annotations

import pytest

from aftersales.dispatch import notices
from aftersales.dispatch.models import ServiceNotice
from tests.dispatch.notice_helpers import CLOCK, NOW, booked, client_for
from tests.factories import PartFactory, portal_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock(CLOCK), pytest.mark.usefixtures("static_built")]


@pytest.fixture
def static_built():
    """Pages render with the static manifest (collectstatic runs once per DATA_DIR)."""


def test_r5_3_the_form_is_on_the_work_order_page_for_dispatchers(world):
    wo = booked(world)
    page = client_for(world.dispatcher).get(f"/work-orders/{wo.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "签发服务通知单" in html
    assert 'data-testid="notice-form"' in html


def test_r5_3_issue_from_the_page_then_listed_with_pdf(world):
    wo = booked(world)
    PartFactory(code="CAP-35")
    client = client_for(world.dispatcher)
    answer = client.post(
        f"/dispatch/work-orders/{wo.pk}/notices/",
        {"helper_ids": [world.near.pk], "tools": "万用表", "part_code_0": "CAP-35", "quantity_0": "2"},
    )
    assert answer.status_code == 302
    notice = ServiceNotice.objects.get()
    assert notice.parts.get().quantity == 2
    html = client.get(f"/work-orders/{wo.pk}/").content.decode()
    assert notice.number in html
    assert f"/dispatch/notices/{notice.pk}/pdf/" in html


def test_r5_3_a_refusal_shows_on_the_form_in_chinese(world):
    wo = booked(world)
    answer = client_for(world.dispatcher).post(
        f"/dispatch/work-orders/{wo.pk}/notices/", {"part_code_1": "NOPE", "quantity_1": "1"}
    )
    assert answer.status_code == 422
    assert "备件目录中没有在用的备件 NOPE" in answer.content.decode()
    assert not ServiceNotice.objects.exists()
    answer = client_for(world.dispatcher).post(f"/dispatch/work-orders/{wo.pk}/notices/", {"quantity_0": "abc"})
    assert answer.status_code == 422
    unassigned = world.work_order()
    answer = client_for(world.dispatcher).post(f"/dispatch/work-orders/{unassigned.pk}/notices/", {})
    assert answer.status_code == 422
    assert "请先派工给工程师" in answer.content.decode()


def test_r5_3_technician_sees_his_notices_without_the_form(world):
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    tech = client_for(world.best)
    html = tech.get(f"/work-orders/{wo.pk}/").content.decode()
    assert notice.number in html
    assert 'data-testid="notice-form"' not in html
    listed = tech.get("/dispatch/notices/")
    assert listed.status_code == 200
    assert notice.number in listed.content.decode()
    assert tech.get(f"/dispatch/notices/{notice.pk}/").status_code == 200
    pdf = tech.get(f"/dispatch/notices/{notice.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert tech.post(f"/dispatch/work-orders/{wo.pk}/notices/", {}).status_code == 403
    assert not ServiceNotice.objects.exclude(pk=notice.pk).exists()


def test_r5_3_another_technician_gets_404(world):
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    other = client_for(world.far_tech)
    for url in (
        f"/dispatch/notices/{notice.pk}/",
        f"/dispatch/notices/{notice.pk}/pdf/",
        f"/dispatch/work-orders/{wo.pk}/notices/",
    ):
        assert other.get(url).status_code == 404, url
    assert notice.number not in other.get("/dispatch/notices/").content.decode()


def test_r5_3_customers_never_see_notices(world):
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    customer = client_for(portal_user(wo.customer))
    for url in (
        "/dispatch/notices/",
        f"/dispatch/notices/{notice.pk}/",
        f"/dispatch/notices/{notice.pk}/pdf/",
        f"/dispatch/work-orders/{wo.pk}/notices/",
    ):
        assert customer.get(url).status_code == 404, url
    assert customer.post(f"/dispatch/work-orders/{wo.pk}/notices/", {}).status_code == 404
    assert notice.number not in customer.get(f"/portal/{wo.pk}/").content.decode()


def test_r5_3_executive_reads_only(world):
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    boss = client_for(world.executive)
    html = boss.get(f"/work-orders/{wo.pk}/").content.decode()
    assert notice.number in html
    assert 'data-testid="notice-form"' not in html
    detail = boss.get(f"/dispatch/notices/{notice.pk}/").content.decode()
    assert wo.customer.phone not in detail  # masked without contact details
    assert boss.get(f"/dispatch/notices/{notice.pk}/pdf/").status_code == 200
    assert boss.post(f"/dispatch/work-orders/{wo.pk}/notices/", {}).status_code == 403
    assert ServiceNotice.objects.count() == 1
