"""The visit on the technician's phone (R-6.2–R-6.4) in headless Chromium at 390×844: he opens the
job, checks in, records the work, adds photos before and after, the customer signs on the canvas,
the report is submitted; a supervisor approves it on a desktop. Screenshots in test-artifacts/e2e/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from aftersales.fieldservice.models import Visit
from aftersales.workorders.models import WorkOrder
from tests import factories
from tests.e2e.test_customer_property import DESKTOP, _sign
from tests.e2e.test_workorder_flow import PHONE, _login
from tests.workorders.attachment_samples import jpeg, media

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static", "media")]
__all__ = ["media"]


@pytest.fixture(autouse=True)
def _visit_permissions(transactional_db):
    import importlib

    from django.apps import apps

    importlib.import_module("aftersales.fieldservice.migrations.0004_grant_visit_permissions").grant_permissions(apps)


def test_r6_2_visit_on_a_phone_then_approval_on_a_desktop(browser, live_server, artifacts, tmp_path):
    base = live_server.url
    agent = factories.UserFactory(role="agent")
    tech = factories.UserFactory(role="technician", display_name="工程师 张伟")
    boss = factories.UserFactory(role="supervisor", display_name="主管 陈静")
    wo = factories.make_work_order(agent, symptom="空调不制冷，室外机有异响")
    WorkOrder.objects.filter(pk=wo.pk).update(assignee=tech, status="in_progress")
    before, after = tmp_path / "before.jpg", tmp_path / "after.jpg"
    before.write_bytes(jpeg((1200, 900), gps=True))
    after.write_bytes(jpeg((900, 1200)))

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    try:
        page = phone.new_page()
        _login(page, base, tech.username)
        page.goto(f"{base}/field/work-orders/{wo.pk}/visit/")
        page.screenshot(path=artifacts / "visit-check-in.png", full_page=True)
        page.get_by_role("button", name="到达现场签到").click()
        expect(page.locator(".alert-success")).to_contain_text("已于")
        page.fill("#id_diagnosis", "压缩机启动电容损坏")
        page.fill("#id_work_done", "更换启动电容，清洗室外机散热片")
        page.fill("#id_test_result", "运行 30 分钟，出风温度 12℃")
        page.select_option("#id_service_score", "9")
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".alert-success")).to_contain_text("已保存")
        for path, stage in ((before, "before"), (after, "after")):
            page.select_option("#id_stage", stage)
            page.set_input_files("#id_file", str(path))
            page.get_by_role("button", name="添加照片").click()
            expect(page.locator(".alert-success")).to_contain_text("照片已添加")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#h-photos ~ .card-body img')].every(i => i.complete && i.naturalWidth > 0)"
        )
        page.screenshot(path=artifacts / "visit-recorded.png", full_page=True)
        page.fill("#id_signer_name", "张先生")
        _sign(page)
        page.get_by_role("button", name="客户签名确认").click()
        expect(page.locator(".alert-success")).to_contain_text("已签名")
        page.get_by_role("button", name="提交服务报告").click()
        expect(page.locator(".alert-success")).to_contain_text("已提交审核")
        page.screenshot(path=artifacts / "visit-submitted.png", full_page=True)
    finally:
        phone.close()
    visit = Visit.objects.get()
    assert visit.status == "submitted"
    assert visit.signature
    assert len(visit.content_hash) == 64

    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = desktop.new_page()
        _login(page, base, boss.username)
        page.goto(f"{base}/field/reports/")
        page.get_by_role("link", name=wo.number).click()
        expect(page.get_by_role("button", name="批准")).to_be_visible()  # the report has loaded
        page.screenshot(path=artifacts / "report-review.png", full_page=True)
        page.get_by_role("button", name="批准").click()
        expect(page.locator(".alert-success")).to_contain_text("已批准")
        page.screenshot(path=artifacts / "report-approved.png", full_page=True)
    finally:
        desktop.close()
    visit.refresh_from_db()
    assert visit.archive_number.startswith("RPT-")
