"""R-5.3: the service notice's PDF is one A4 page in Chinese holding its number, with a QR code
built from the absolute URL of the work order's page on the technician's phone."""

from __future__ import annotations

import re
import subprocess

import pytest
import segno
from django.conf import settings

from aftersales.dispatch import notice_documents, notices
from aftersales.parts.models import Part
from tests.dispatch.notice_helpers import CLOCK, NOW, booked
from tests.factories import PartFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(CLOCK)]


def pdf_facts(data: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607 - poppler-utils on a file we wrote
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607 - poppler-utils on a file we wrote
    return info, text


def test_r5_3_pdf_is_one_a4_page_in_chinese_with_the_number(world, tmp_path):
    wo = booked(world)
    cap = PartFactory(code="CAP-35", name="压缩机电容")
    notice = notices.service_notice_issue(
        actor=world.dispatcher,
        work_order_id=wo.pk,
        helper_ids=[world.near.pk],
        tools="万用表",
        parts=[{"part_id": cap.pk, "quantity": 2}],
        now=NOW,
    )
    info, text = pdf_facts(notice_documents.notice_pdf(notice, reader=world.dispatcher), tmp_path)
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert "(A4)" in info
    assert notice.number in text
    assert "售后服务通知单" in text
    for shown in (wo.number, wo.customer.name, "CAP-35", "万用表", "2026-11-21 09:00–11:00", str(world.near)):
        assert shown in text
    assert "家中有老人" in text  # the customer's service preferences


def test_r5_3_a_full_notice_still_fits_one_page(world, tmp_path):
    wo = booked(world)
    type(wo).objects.filter(pk=wo.pk).update(symptom="空调不制冷，外机异响。" * 80, demand="尽快上门维修" * 30)
    wo.customer.service_preferences = "请提前一天电话联系，家中有老人和小孩，上门请穿鞋套。" * 20
    wo.customer.save()
    parts = [PartFactory(name=f"很长很长的备件名称用于测试版面{i}号") for i in range(notices.MAX_PART_LINES)]
    notice = notices.service_notice_issue(
        actor=world.dispatcher,
        work_order_id=wo.pk,
        helper_ids=[world.near.pk, world.far_tech.pk],
        tools="工具" * 500,
        parts=[{"part_id": p.pk, "quantity": 999} for p in parts],
        now=NOW,
    )
    info, text = pdf_facts(notice_documents.notice_pdf(notice, reader=world.dispatcher), tmp_path)
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert notice.number in text
    assert Part.objects.count() == notices.MAX_PART_LINES


def test_r5_3_qr_code_is_built_from_the_technician_work_order_url(world):
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    url = f"{settings.PUBLIC_URL}/field/work-orders/{wo.pk}/visit/"
    context = notice_documents.notice_context(notice, reader=world.dispatcher)
    assert context["qr_url"] == url
    assert url.startswith(("http://", "https://"))
    assert context["qr_uri"] == segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    assert context["qr_uri"] != segno.make(url + "x", error="m").svg_data_uri(scale=4, border=2)


def test_r5_3_qr_follows_public_url(world, settings):
    settings.PUBLIC_URL = "https://service.example.cn"
    wo = booked(world)
    notice = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    context = notice_documents.notice_context(notice, reader=world.dispatcher)
    assert context["qr_url"] == f"https://service.example.cn/field/work-orders/{wo.pk}/visit/"


def test_r5_3_superseded_pdf_says_so(world, tmp_path):
    wo = booked(world)
    first = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    second = notices.service_notice_issue(actor=world.dispatcher, work_order_id=wo.pk, now=NOW)
    first.refresh_from_db()
    _info, text = pdf_facts(notice_documents.notice_pdf(first, reader=world.dispatcher), tmp_path)
    assert second.number in text
    assert "替代" in text
