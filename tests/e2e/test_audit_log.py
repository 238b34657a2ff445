"""The access log in headless Chromium (R-13.2): a failed log-in, a log-in and a change made in the
browser appear on the supervisor's log page with the address, the browser and the action in
words; a work order's number finds its rows. Screenshots at 1280×800 and 390×844 go to
test-artifacts/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.audit.services import client_address
from aftersales.workorders import services
from tests import factories
from tests.e2e.test_workorder_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _rows(page: Page):
    return page.locator("#access-log tbody tr")


def test_r13_2_the_supervisor_reads_log_ins_and_changes_in_words(browser, live_server, artifacts):
    base = live_server.url
    agent = factories.UserFactory(role="agent", username="wang.fang", display_name="王芳")
    tech = factories.UserFactory(role="technician", display_name="刘师傅")
    factories.UserFactory(role="supervisor", username="chen.jing", display_name="陈静")
    wo = factories.make_work_order(agent)
    with client_address("192.168.10.21"):
        services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)

    context = browser.new_context(viewport=SIZES["desktop"], locale="zh-CN")
    page = context.new_page()
    # A mistyped password, then the right one, in this browser.
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "wang.fang")
    page.fill("#id_password", "wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    _login(page, base, "wang.fang")
    context.clear_cookies()

    _login(page, base, "chen.jing")
    page.goto(f"{base}/audit/")
    table = page.locator("#access-log")
    expect(table).to_be_visible()
    failed = _rows(page).filter(has_text="登录失败")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("未登录")
    expect(failed).to_contain_text("wang.fang")
    expect(failed).to_contain_text("127.0.0.1")
    expect(failed).to_contain_text(re.compile(r"Chrome \d+ · Linux"))
    assigned = _rows(page).filter(has_text="指派")
    expect(assigned).to_contain_text(wo.number)
    expect(assigned).to_contain_text("192.168.10.21")
    expect(table).not_to_contain_text("workorder")  # labels, never the stored codes
    page.screenshot(path=artifacts / "audit-log-desktop.png", full_page=True)

    page.fill("#id_object_id", wo.number)
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"object_id=SR-"))
    expect(_rows(page).first).to_contain_text(wo.number)
    expect(_rows(page).filter(has_text="登录")).to_have_count(0)

    page.set_viewport_size(SIZES["phone"])
    page.goto(f"{base}/audit/")
    expect(table).to_be_visible()
    page.screenshot(path=artifacts / "audit-log-phone.png", full_page=True)
    page.fill("#id_object_id", "SR-2026-999999")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#id_object_id_error")).to_contain_text("SR-2026-999999")
    page.screenshot(path=artifacts / "audit-log-phone-unknown-number.png", full_page=False)
    context.close()
