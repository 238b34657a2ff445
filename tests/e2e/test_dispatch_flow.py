"""Dispatch in headless Chromium (R-5.1, R-5.2): from the work-order page a dispatcher opens its
proposals, sees the ranked list with the reasons in words (a technician whose certification has
expired is shown, not eligible, with the date), assigns with one click and the work order shows
the assignee; a P1 proposal goes to a supervisor, who approves it on the dispatch page.
Screenshots in test-artifacts/e2e/ (dispatch-*.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.dispatch.conftest import World
from tests.e2e.test_csp import WATCH_VIOLATIONS
from tests.e2e.test_workorder_flow import _login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.certification_rule,
    pytest.mark.clock("2026-11-20T10:00:00+08:00"),
    pytest.mark.usefixtures("transactional_db", "_plain_static"),
]

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def world() -> World:
    return World()


def test_r5_1_dispatcher_assigns_from_the_ranked_proposals(browser, live_server, artifacts, world):
    wo = world.work_order("P2")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = context.new_page()
        page.add_init_script(WATCH_VIOLATIONS)
        _login(page, live_server.url, world.dispatcher.username)
        page.goto(f"{live_server.url}/work-orders/{wo.pk}/")
        page.get_by_test_id("proposals-link").click()
        expect(page).to_have_url(re.compile(rf"/dispatch/work-orders/{wo.pk}/$"))
        items = page.locator(".list-group > .list-group-item")
        expect(items).to_have_count(5)
        first = items.nth(0)
        expect(first).to_contain_text("张一")
        expect(first).to_contain_text("擅长")  # skill match, in words
        expect(first.get_by_role("button", name="指派")).to_be_visible()
        expired = items.filter(has_text="赵四")
        expect(expired).to_contain_text("不可派")
        expect(expired).to_contain_text("证书已于 2026-10-31 过期")
        expect(expired.get_by_role("button")).to_have_count(0)  # no button for who may not take it
        page.screenshot(path=str(artifacts / "dispatch-proposals.png"), full_page=True)
        first.get_by_role("button", name="指派").click()
        expect(page).to_have_url(re.compile(rf"/work-orders/{wo.pk}/$"))
        expect(page.locator(".alert-success")).to_contain_text("已派给 张一")
        expect(page.locator("dt", has_text="处理人").locator("xpath=following-sibling::dd[1]")).to_have_text("张一")
        page.screenshot(path=str(artifacts / "dispatch-assigned.png"))
        assert page.evaluate("window.__cspViolations || []") == []
    finally:
        context.close()
    wo.refresh_from_db()
    assert wo.assignee_id == world.best.pk


def test_r5_1_p1_proposal_is_approved_by_a_supervisor(browser, live_server, artifacts, world):
    wo = world.work_order("P1")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, live_server.url, world.dispatcher.username)
        page.goto(f"{live_server.url}/dispatch/work-orders/{wo.pk}/")
        expect(page.locator(".alert-warning")).to_contain_text("P1")
        items = page.locator(".list-group > .list-group-item")
        expect(items.nth(0)).to_contain_text("张一")
        expect(items.filter(has_text="李二")).to_contain_text("不可派")  # not a senior technician
        items.nth(0).get_by_role("button", name="提交审批").click()
        expect(page.locator(".alert-success, .alert").first).to_contain_text("等待主管审批")
        expect(page.locator(".alert-info")).to_contain_text("张一")
        page.screenshot(path=str(artifacts / "dispatch-p1-proposed.png"))
    finally:
        context.close()
    wo.refresh_from_db()
    assert wo.assignee_id is None  # not before the approval

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, live_server.url, world.supervisor.username)
        page.goto(f"{live_server.url}/dispatch/")
        waiting = page.locator(".list-group-item", has_text=wo.number)
        expect(waiting).to_contain_text("张一")
        page.screenshot(path=str(artifacts / "dispatch-p1-approval.png"))
        waiting.get_by_role("button", name="批准").click()
        expect(page.locator(".alert").first).to_contain_text("已批准：已派给 张一")
    finally:
        context.close()
    wo.refresh_from_db()
    assert wo.assignee_id == world.best.pk
