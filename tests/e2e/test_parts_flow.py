"""End to end in headless Chromium: parts on a work order (R-7.2, R-3.7, R-7.1).

An agent reserves a certified part on a work order from its page (htmx, no reload), resolves the
work order, and the part is used: the stock on hand drops, the part is under its minimum on the
page of parts under their minimum, and the stock manager's inbox has the reorder alert. A
technician's van on a phone. Screenshots go to test-artifacts/e2e/.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.parts.models import StockBalance, WorkOrderPart
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _ready(page: Page) -> None:
    page.wait_for_function("document.readyState === 'complete' && window.htmx !== undefined && window.bootstrap")


def test_r7_2_an_agent_reserves_a_part_resolves_and_the_reorder_alert_appears(browser, live_server, artifacts):
    base = live_server.url
    agent = factories.UserFactory(role="agent", display_name="王客服")
    supervisor = factories.UserFactory(role="supervisor", display_name="陈主管")
    tech = factories.UserFactory(role="technician", display_name="赵师傅")
    central = factories.WarehouseFactory(name="中央备件库", kind="central")
    van = factories.WarehouseFactory(name="赵师傅的服务车", kind="van", holder=tech)
    product = factories.InstalledProductFactory(warranty_end=dt.date(2024, 1, 31))  # out of warranty
    part = factories.PartFactory(code="AC-CAP-45", name="压缩机电容", customer_price="120.00")
    part.compatible_models.add(product.product_model)
    factories.stock_in(part, central, 2, minimum=2)
    factories.stock_in(part, van, 3)
    wo = factories.make_work_order(agent, product)

    staff = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = staff.new_page()
        _login(page, base, agent.username)
        page.goto(f"{base}/work-orders/{wo.pk}/")
        _ready(page)
        panel = page.locator("#wo-parts")
        expect(panel).to_contain_text("尚未预留备件")
        panel.locator("input[name=part_code]").fill(part.code)
        panel.locator("select[name=warehouse]").select_option(str(central.pk))
        panel.locator("input[name=quantity]").fill("1")
        with page.expect_response(lambda r: "/reserve/" in r.url) as posted:
            panel.get_by_role("button", name="预留").click()
        assert posted.value.status == 200
        panel = page.locator("#wo-parts")
        expect(panel).to_contain_text("已预留")
        expect(panel).to_contain_text("¥120.00")
        panel.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / "parts-01-reserved.png", full_page=True)

        # More than is available: refused on the field, with the quantity available.
        panel.locator("input[name=part_code]").fill(part.code)
        panel.locator("select[name=warehouse]").select_option(str(central.pk))
        panel.locator("input[name=quantity]").fill("5")
        panel.get_by_role("button", name="预留").click()
        expect(page.locator("#wo-parts")).to_contain_text("仅有 1 个可用")

        # Resolve: the reserved part is used.
        item = page.locator("#action-resolve")
        toggle = item.locator("button.accordion-button")
        if toggle.count():
            toggle.click()
            expect(item.locator(".accordion-collapse")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        form = item.locator("form")
        form.locator("textarea[name=resolution]").fill("更换压缩机电容，试机正常")
        with page.expect_response(lambda r: "/do/resolve/" in r.url and r.request.method == "POST"):
            form.locator("button[type=submit]").click()
        expect(page.locator("header .badge.fs-6")).to_have_text("已解决")
        expect(page.locator("#wo-parts")).to_contain_text("已使用")
        page.locator("#wo-parts").scroll_into_view_if_needed()
        page.screenshot(path=artifacts / "parts-02-resolved.png", full_page=True)
        line = WorkOrderPart.objects.get(work_order=wo)
        assert (line.status, str(line.charge)) == ("consumed", "120.00")
        assert StockBalance.objects.get(part=part, warehouse=central).on_hand == 1

        # The stock dropped; the part is under its minimum.
        page.goto(f"{base}/parts/{part.pk}/")
        row = page.locator("table.stock-table tr", has_text="中央备件库")
        expect(row).to_contain_text("1")
        expect(row.locator(".bi-exclamation-triangle-fill")).to_be_visible()
        page.goto(f"{base}/parts/below-minimum/")
        expect(page.locator("table")).to_contain_text(part.code)
        page.screenshot(path=artifacts / "parts-03-below-minimum.png", full_page=True)
    finally:
        staff.close()

    # The stock manager's inbox holds the reorder alert, linked to the part.
    manager = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = manager.new_page()
        _login(page, base, supervisor.username)
        page.goto(f"{base}/notifications/")
        expect(page.locator("main")).to_contain_text("补货提醒")
        expect(page.locator("main")).to_contain_text(part.code)
        page.screenshot(path=artifacts / "parts-04-reorder-alert-phone.png", full_page=True)
    finally:
        manager.close()

    # A technician's van on a phone.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = phone.new_page()
        _login(page, base, tech.username)
        page.goto(f"{base}/parts/van/")
        expect(page.locator("h1")).to_contain_text("赵师傅的服务车")
        expect(page.locator("table")).to_contain_text(part.code)
        page.screenshot(path=artifacts / "parts-05-van-phone.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        phone.close()
