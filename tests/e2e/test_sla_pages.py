"""R-4 in headless Chromium: a work order's SLA targets (the next one named, the rest folded), the
administrator's SLA policy page (a rule changed in hours, the preview of a sample request) and the
working calendar (a year's holidays entered as a range, deleting and confirming asked first).
Screenshots at 1280×800 and 390×844 go to test-artifacts/e2e/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.sla.models import CalendarDay, SlaPolicy
from aftersales.workorders import services
from tests import factories
from tests.e2e.test_workorder_flow import PHONE, _login
from tests.sla.conftest import at, seeded  # noqa: F401 - the 2025-2026 calendars

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.usefixtures("transactional_db", "_plain_static", "seeded"),
    pytest.mark.clock("2026-11-25T12:00:00+08:00"),  # written about November 2026 (2027 is not in the package)
]
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = (("desktop", DESKTOP), ("phone", PHONE))


def _page(browser, viewport) -> tuple[object, Page]:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    return context, context.new_page()


def _no_overflow(page: Page) -> None:
    """Nothing wider than the screen (a phone must not scroll sideways)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


def test_r4_7_work_order_targets_show_the_next_one_first(browser, live_server, artifacts):
    agent = factories.UserFactory(role="agent", display_name="王客服")
    tech = factories.UserFactory(role="technician", display_name="赵师傅")
    # P2 by phone five hours ago: the response (4 h) is an hour overdue, the rest is folded.
    wo = factories.make_work_order(
        agent, priority="P2", channel="phone", colour="green", received_at=at(2026, 11, 25, 7)
    )
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    for text in ("已与客户确认故障现象", "等待配件报价"):
        services.work_order_add_note(actor=tech, work_order_id=wo.pk, text=text)
    for name, viewport in VIEWPORTS:
        context, page = _page(browser, viewport)
        try:
            _login(page, live_server.url, tech.username)
            page.goto(f"{live_server.url}/work-orders/{wo.pk}/")
            targets = page.locator("#sla-targets")
            lead = targets.locator("#sla-next")
            expect(lead).to_contain_text("下一个时限")
            expect(lead).to_contain_text("响应")
            expect(lead).to_contain_text("已超时 1小时")
            expect(lead).to_contain_text("开始处理、处理人联系客户")
            folded = targets.locator("#sla-others")
            expect(folded.locator("li").first).to_be_hidden()  # folded until asked
            targets.scroll_into_view_if_needed()
            page.screenshot(path=artifacts / f"sla-targets-{name}.png")
            folded.locator("summary").first.click()
            expect(folded.locator("li", has_text="解决情况").first).to_be_visible()
            expect(folded.locator(":scope > ul > li", has_text="进度反馈")).to_have_count(1)  # the current round only
            targets.locator("#sla-history summary").click()
            expect(targets.locator("#sla-history li")).to_have_count(2)
            _no_overflow(page)
            page.screenshot(path=artifacts / f"sla-targets-{name}-unfolded.png", full_page=True)
            page.goto(f"{live_server.url}/work-orders/")
            expect(page.locator("body")).to_contain_text("响应")
            page.screenshot(path=artifacts / f"sla-list-{name}.png")
        finally:
            context.close()


def test_r4_9_an_administrator_edits_a_policy_and_previews_a_request(browser, live_server, artifacts):
    admin = factories.UserFactory(role="admin", display_name="系统管理员")
    p2 = SlaPolicy.objects.get(priority="P2", customer_category=None, product_line=None, service_type="")
    response = p2.rules.get(kind="response", applies_when="always")
    for name, viewport in VIEWPORTS:
        context, page = _page(browser, viewport)
        try:
            _login(page, live_server.url, admin.username)
            page.goto(f"{live_server.url}/sla/policies/")
            expect(page.locator("h1")).to_contain_text("SLA 策略")
            expect(page.locator("#policies")).to_contain_text("4小时")
            expect(page.locator("#policies")).to_contain_text("3 个工作日")
            _no_overflow(page)
            page.screenshot(path=artifacts / f"sla-policies-{name}.png", full_page=True)
            page.locator(".card", has_text=p2.name).get_by_role("link", name="编辑").click()
            expect(page).to_have_url(re.compile(rf"/sla/policies/{p2.pk}/$"))
            preview = page.locator("#preview-targets")
            expect(preview).to_contain_text("响应")  # loaded by htmx on arrival
            page.select_option("#id_preview_priority", "P3")
            expect(page.locator("#policy-preview")).to_contain_text("P3 一般（默认）")
            expect(preview).to_contain_text("个工作日")
            _no_overflow(page)
            page.screenshot(path=artifacts / f"sla-policy-{name}.png", full_page=True)
        finally:
            context.close()
    context, page = _page(browser, DESKTOP)
    try:
        _login(page, live_server.url, admin.username)
        page.goto(f"{live_server.url}/sla/policies/{p2.pk}/")
        rule = page.locator(f"#rule-{response.pk}")
        rule.locator(".sla-rule-edit summary").click()
        rule.locator("input[name=hours]").fill("3")
        rule.locator("input[name=minutes]").fill("30")
        rule.get_by_role("button", name="保存规则").click()
        expect(page.locator(".alert-success")).to_contain_text("规则已保存")
        expect(page.locator(f"#rule-{response.pk}")).to_contain_text("3小时30分钟")
        # The same target twice is refused on its field, in words.
        page.locator("#rule-add summary").click()
        form = page.locator("#rule-add form")
        form.locator("select[name=kind]").select_option("resolution")
        form.locator("input[name=hours]").fill("12")
        form.get_by_role("button", name="添加规则").click()
        expect(page.locator("#id_add_applies_when_error")).to_have_text(
            "本策略已有“解决情况 · 始终”的规则；请修改那一条。"
        )
        page.locator("#rule-add").scroll_into_view_if_needed()
        page.screenshot(path=artifacts / "sla-policy-desktop-refused.png")
    finally:
        context.close()
    response.refresh_from_db()
    assert response.duration_seconds == 3 * 3600 + 30 * 60


def test_r4_a_years_holidays_are_entered_as_a_range_and_deletion_is_asked(browser, live_server, artifacts):
    admin = factories.UserFactory(role="admin", display_name="系统管理员")
    for name, viewport in VIEWPORTS:
        CalendarDay.objects.filter(source="admin").delete()
        context, page = _page(browser, viewport)
        try:
            _login(page, live_server.url, admin.username)
            page.goto(f"{live_server.url}/sla/calendar/?year=2027")
            expect(page.locator("#year-warning")).to_have_count(1)
            expect(page.locator("main")).not_to_contain_text(
                "2027 年尚未导入官方日历"
            )  # the banner leaves it to the page
            _no_overflow(page)
            page.screenshot(path=artifacts / f"sla-calendar-{name}-unknown-year.png", full_page=True)
            # Confirming a year with no holiday asks first.
            page.get_by_role("button", name=re.compile("确认该年份")).click()
            expect(page.locator("#confirm-empty-year")).to_contain_text("该年份尚未录入任何节假日，仍要确认？")
            page.screenshot(path=artifacts / f"sla-calendar-{name}-confirm-asked.png")
            page.get_by_role("link", name="取消").click()
            form = page.locator("#days-add form")
            form.locator("select[name=kind]").select_option("holiday")
            form.locator("input[name=name]").fill("春节")
            form.locator("input[name=date_from]").fill("2027-02-06")
            form.locator("input[name=date_to]").fill("2027-02-14")
            form.get_by_role("button", name="录入").click()
            expect(page.locator(".alert-success")).to_contain_text("已录入 5 天（2027-02-08 至 2027-02-12）。")
            rows = page.locator("table tbody tr" if name == "desktop" else "#days-list > li")
            expect(rows).to_have_count(5)
            expect(rows.first).to_contain_text("法定节假日")
            expect(rows.first).to_contain_text("春节")
            # Deleting asks first: the button only unfolds the question.
            rows.first.locator("summary").click()
            expect(rows.first).to_contain_text("删除 2027-02-08？")
            _no_overflow(page)
            page.screenshot(path=artifacts / f"sla-calendar-{name}.png", full_page=True)
            rows.first.get_by_role("button", name="确认删除").click()
            expect(page.locator(".alert-success")).to_contain_text("已删除")
            expect(rows).to_have_count(4)
        finally:
            context.close()
    assert CalendarDay.objects.filter(source="admin", date__gte=dt.date(2027, 2, 9)).count() == 4
