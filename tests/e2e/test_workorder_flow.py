"""End to end in headless Chromium: one request from the hotline to the customer's phone.

An agent records a request for an existing customer found by the product's serial number
(R-2.1, R-2.2) and assigns it; the technician starts and resolves it; the agent records the
customer's confirmation; a supervisor closes it (R-3.5). Each step shows its Chinese status and
its timeline event. The customer then sees the work order in the portal on a phone (R-12.1).
Screenshots of the key steps go to test-artifacts/e2e/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import Status
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

SERIAL = "SN2026E2E0001"
SYMPTOM = "空调开机半小时后不制冷，室外机有异响"
RESOLUTION = "上门检查发现冷媒泄漏，已补焊铜管并加注冷媒，试机制冷正常"
CONFIRMATION = "客户于10:20来电确认空调已恢复制冷"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("h1")).to_be_visible()
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _status(page: Page):
    return page.locator("header .badge.fs-6")


def _ready(page: Page) -> None:
    """The page's scripts (Bootstrap, htmx) ran: a click before that would not be an htmx one."""
    page.wait_for_function("document.readyState === 'complete' && window.htmx !== undefined && window.bootstrap")


def _open_action(page: Page, name: str):
    """The form of one action of the detail page: the next step's is open; another is unfolded
    from the accordion below it. Returns the form."""
    item = page.locator(f"#action-{name}")
    toggle = item.locator("button.accordion-button")
    if toggle.count():
        toggle.click()
        # Bootstrap's collapse animates ("collapsing") before it is "show"; a click on the submit
        # button during the animation can get lost, so wait until it has settled.
        expect(item.locator(".accordion-collapse")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    form = item.locator("form")
    expect(form).to_be_visible()
    return form


def _do(page: Page, name: str, status: str, fill=None) -> None:
    _ready(page)
    form = _open_action(page, name)
    if fill:
        fill(form)
    with page.expect_response(lambda r: f"/do/{name}/" in r.url and r.request.method == "POST") as posted:
        form.locator("button[type=submit]").click()
    response = posted.value
    assert response.status in (200, 302), f"{name}: HTTP {response.status}\n{response.text()[:2000]}"
    expect(_status(page)).to_have_text(status)  # the page's detail region was replaced in place
    expect(page.locator(".alert-success")).to_be_visible()


def _timeline(page: Page):
    return page.locator("section.wo-timeline")


def test_request_from_hotline_to_portal(browser, live_server, artifacts):
    """R-2.1/R-2.2 intake by serial, R-3.5 assign → start → resolve → confirm → close, R-12.1 portal."""
    base = live_server.url
    agent = factories.UserFactory(role="agent", display_name="王客服")
    technician = factories.UserFactory(role="technician", display_name="赵师傅")
    supervisor = factories.UserFactory(role="supervisor", display_name="陈主管")
    product = factories.InstalledProductFactory(serial_number=SERIAL, customer__name="刘建国")
    factories.FaultCategoryFactory(name="不制冷", product_line=product.product_model.product_line)
    customer_user = factories.portal_user(product.customer)

    staff = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = staff.new_page()
        _login(page, base, agent.username)

        # Intake: find the customer through the serial number (htmx lookup), then the request.
        page.goto(f"{base}/work-orders/new/")
        expect(page.locator("h1")).to_have_text(re.compile(r"新建.*请求"))
        page.locator("#serial-q").press_sequentially(SERIAL[:10])
        hit = page.locator("#product-results button", has_text=SERIAL)
        expect(hit).to_be_visible()
        hit.click()
        picked = page.locator("#picked")
        expect(picked).to_contain_text("刘建国")
        expect(picked).to_contain_text(SERIAL)
        expect(picked.locator("input[name=installed_product_id]")).to_have_value(str(product.pk))
        page.select_option("#id_channel", "phone")
        page.select_option("#id_service_type", "repair")
        page.fill("#id_symptom", SYMPTOM)
        page.fill("#id_demand", "希望明天上午上门维修")
        page.select_option("#id_fault_category_id", label="不制冷")
        expect(page.locator("#guided .alert-info")).to_be_visible()  # guided questions box
        # the proposed priority (P2 for 不制冷) gives the promise to read to the customer.
        expect(page.locator("#id_priority")).to_have_value("P2")
        expect(page.locator("#sla-preview .bi-megaphone")).to_be_visible()
        page.screenshot(path=artifacts / "01-intake.png", full_page=True)
        page.locator("#intake-form button[type=submit]").click()

        expect(page).to_have_url(re.compile(r"/work-orders/\d+/$"))
        wo = WorkOrder.objects.get(installed_product=product)
        expect(page.locator("header h1")).to_have_text(wo.number)
        expect(_status(page)).to_have_text("新建")
        expect(page.locator(".alert-success")).to_contain_text(wo.number)
        expect(_timeline(page)).to_contain_text("受理请求")
        expect(page.locator("section[aria-labelledby=h-request]")).to_contain_text(SYMPTOM)

        _do(page, "assign", "已指派", lambda f: f.locator("select[name=assignee_id]").select_option(str(technician.pk)))
        expect(_timeline(page)).to_contain_text("指派给：赵师傅")
        page.screenshot(path=artifacts / "02-assigned.png", full_page=True)

        # The technician, in a browser of their own, starts on site and resolves.
        tech_ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        try:
            tpage = tech_ctx.new_page()
            _login(tpage, base, technician.username)
            tpage.goto(f"{base}/work-orders/{wo.pk}/")
            _do(tpage, "start", "处理中", lambda f: f.locator("input[name=mode][value=on_site]").check())
            expect(_timeline(tpage)).to_contain_text("开始处理")
            expect(_timeline(tpage)).to_contain_text("上门")
            _do(tpage, "resolve", "已解决", lambda f: f.locator("textarea[name=resolution]").fill(RESOLUTION))
            expect(_timeline(tpage)).to_contain_text(RESOLUTION)
            tpage.screenshot(path=artifacts / "03-resolved.png", full_page=True)
        finally:
            tech_ctx.close()

        # Back at the hotline: the agent records how the customer confirmed.
        page.reload()
        expect(_status(page)).to_have_text("已解决")
        _do(page, "confirm", "客户已确认", lambda f: f.locator("textarea[name=note]").fill(CONFIRMATION))
        expect(_timeline(page)).to_contain_text(CONFIRMATION)
    finally:
        staff.close()

    sup_ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        spage = sup_ctx.new_page()
        _login(spage, base, supervisor.username)
        spage.goto(f"{base}/work-orders/{wo.pk}/")
        _do(spage, "close", "已关闭", None)
        timeline = _timeline(spage)
        for label in ("受理请求", "指派", "开始处理", "解决", "客户确认", "关闭"):
            expect(timeline).to_contain_text(label)
        expect(timeline.locator("li")).to_have_count(6)
        spage.screenshot(path=artifacts / "04-closed.png", full_page=True)
    finally:
        sup_ctx.close()
    wo.refresh_from_db()
    assert wo.status == Status.CLOSED

    # The customer, on a phone.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        ppage = phone.new_page()
        _login(ppage, base, customer_user.username)
        ppage.goto(f"{base}/portal/")
        expect(ppage.locator("h1")).to_have_text("我的服务请求")
        card = ppage.locator("#portal-requests a", has_text=wo.number)
        expect(card).to_be_visible()
        expect(card).to_contain_text("已完成")
        expect(card).to_contain_text(SYMPTOM)
        no_sideways = ppage.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert no_sideways, "the portal home scrolls sideways on a 390 px phone"
        ppage.screenshot(path=artifacts / "05-portal-home.png", full_page=True)
        card.click()
        expect(ppage).to_have_url(re.compile(rf"/portal/{wo.pk}/$"))
        expect(ppage.locator(".portal-status")).to_have_text("已完成")
        expect(ppage.locator("body")).to_contain_text(wo.number)
        expect(ppage.locator(".alert-success")).to_contain_text(RESOLUTION)
        ppage.screenshot(path=artifacts / "06-portal-detail.png", full_page=True)
    finally:
        phone.close()
