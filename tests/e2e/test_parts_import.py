"""The parts import in headless Chromium (R-7.1): a file with a wrong row gets a dry run that names
the row and the column and imports nothing; the corrected file is checked, confirmed, imported in
the background while the page polls its progress, and done. Screenshots in test-artifacts/e2e/."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from aftersales.parts.imports import parts_import_run
from aftersales.parts.models import Part, PartsImport
from tests import factories
from tests.e2e.test_workorder_flow import PHONE, _login
from tests.workorders.attachment_samples import media

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static", "media")]
__all__ = ["media"]
DESKTOP = {"width": 1280, "height": 800}


def workbook(path, rows: int, bad_row: int | None = None) -> str:
    book = Workbook()
    sheet = book.active
    sheet.append(["备件编号", "名称", "规格", "单位", "成本单价", "客户单价", "认证"])
    for n in range(1, rows + 1):
        cost = "十二元" if n + 1 == bad_row else 12.5
        sheet.append([f"E2E-{n:05d}", f"压缩机电容{n}", "35μF", "个", cost, 20, "是"])
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return str(path)


def test_r7_1_import_with_an_error_then_fixed_imported_with_progress(
    browser, live_server, artifacts, tmp_path, monkeypatch
):
    queued: list[tuple[int, int]] = []
    # The worker is not running here: the confirmed import waits in the queue until the test runs it.
    monkeypatch.setattr("aftersales.parts.tasks.parts_import_task", lambda *args: queued.append(args))
    admin = factories.UserFactory(role="admin", display_name="系统管理员")
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, base, admin.username)
        page.goto(f"{base}/parts/data/")
        expect(page.locator("h1")).to_contain_text("备件导入与导出")
        page.screenshot(path=artifacts / "parts-import-hub.png", full_page=True)

        page.set_input_files("#id_file", workbook(tmp_path / "备件-有错.xlsx", 800, bad_row=12))
        page.get_by_role("button", name="检查文件").click()
        errors = page.locator("#import-errors")
        expect(errors).to_contain_text("第 12 行 成本单价：不是数字。")
        expect(errors).to_contain_text("没有导入任何数据")
        page.screenshot(path=artifacts / "parts-import-dry-run-errors.png", full_page=True)
        assert Part.objects.count() == 0

        page.get_by_role("link", name="上传改正后的文件").click()
        page.set_input_files("#id_file", workbook(tmp_path / "备件.xlsx", 800))
        page.get_by_role("button", name="检查文件").click()
        expect(page.locator("#import-ready")).to_contain_text("将新建 800 个备件")
        page.screenshot(path=artifacts / "parts-import-ready.png", full_page=True)

        page.get_by_role("button", name="立即导入").click()
        progress = page.locator("#import-progress")
        expect(progress).to_contain_text("等待执行")
        expect(progress.get_by_role("progressbar")).to_be_visible()
        page.screenshot(path=artifacts / "parts-import-progress.png", full_page=True)
        assert len(queued) == 1

        parts_import_run(import_id=queued[0][0], actor_id=queued[0][1])  # what the worker does
        expect(page.locator("#import-done")).to_contain_text("新建 800 个备件", timeout=20_000)
        expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
        page.screenshot(path=artifacts / "parts-import-done.png", full_page=True)
        assert Part.objects.count() == 800
        assert PartsImport.objects.filter(status="done").count() == 1

        phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, device_scale_factor=2)
        try:
            small = phone.new_page()
            _login(small, base, admin.username)
            small.goto(f"{base}/parts/data/")
            small.screenshot(path=artifacts / "parts-import-hub-phone.png", full_page=True)
            small.goto(f"{base}/parts/data/imports/{PartsImport.objects.get(status='invalid').pk}/")
            expect(small.locator("#import-errors")).to_contain_text("第 12 行")
            small.screenshot(path=artifacts / "parts-import-dry-run-errors-phone.png", full_page=True)
        finally:
            phone.close()
    finally:
        context.close()
