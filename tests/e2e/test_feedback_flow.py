"""Complaints and incidents in headless Chromium (R-8.1, R-3.4, R-8.4).

An agent records a red complaint on the phone (390×844) with its read-back before the
acknowledgement (refused before it); the supervisor gets the red alert in the inbox; QA records
the follow-up call; the incident page of a batch past level II shows its chart (ECharts, no CSP
violation), checklist and work orders. Screenshots in test-artifacts/e2e/feedback-*.png.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.feedback import complaints
from aftersales.feedback.models import Complaint, Incident
from tests import factories
from tests.e2e.test_csp import WATCH_VIOLATIONS
from tests.e2e.test_workorder_flow import _login
from tests.feedback.conftest import report

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _context(browser, viewport):
    phone = viewport == PHONE
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1
    )
    context.add_init_script(WATCH_VIOLATIONS)
    return context


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"


def test_r8_1_agent_records_a_red_complaint_on_the_phone_supervisor_is_alerted_qa_follows_up(
    browser, live_server, artifacts
):
    agent = factories.UserFactory(role="agent", display_name="王客服")
    supervisor = factories.UserFactory(role="supervisor", display_name="李主管")
    qa = factories.UserFactory(role="qa", display_name="陈质检")
    product = factories.InstalledProductFactory()
    wo = factories.make_work_order(agent, product, service_type="complaint", colour="red", symptom="工程师迟到两小时")

    context = _context(browser, PHONE)
    try:
        page = context.new_page()
        _login(page, live_server.url, agent.username)
        page.goto(f"{live_server.url}/work-orders/{wo.pk}/")
        page.get_by_test_id("complaint-link").get_by_role("link").click()
        form = page.get_by_test_id("complaint-record-form")
        form.get_by_label("服务").check()
        form.get_by_label("投诉内容").fill("工程师迟到两小时，未提前通知，态度生硬")
        form.get_by_label("愤怒").check()
        form.get_by_label("客户期望的解决方式").fill("上门道歉并尽快修好")
        _no_sideways_scroll(page)
        page.screenshot(path=artifacts / "feedback-complaint-record-phone.png", full_page=True)
        form.get_by_role("button", name="记录投诉").click()
        expect(page.get_by_test_id("complaint-content")).to_contain_text("工程师迟到两小时")

        # Acknowledging before the read-back is refused, on the form.
        page.get_by_label("告知客户的预计处理时间").fill(
            (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        )
        page.get_by_role("button", name="受理投诉").click()
        expect(page.locator(".alert-danger, .invalid-feedback").first).to_contain_text("复述")
        page.screenshot(path=artifacts / "feedback-complaint-refused-phone.png", full_page=True)

        page.get_by_label("确认人（客户姓名）").fill("张女士")
        page.get_by_role("button", name="客户已确认").click()
        expect(page.get_by_test_id("read-back-done")).to_contain_text("张女士")
        page.get_by_label("告知客户的预计处理时间").fill(
            (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        )
        page.get_by_role("button", name="受理投诉").click()
        expect(page.get_by_test_id("ack-done")).to_be_visible()
        _no_sideways_scroll(page)
        page.screenshot(path=artifacts / "feedback-complaint-acknowledged-phone.png", full_page=True)
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()
    complaint = Complaint.objects.get(work_order=wo)
    assert complaint.read_back_at < complaint.acknowledged_at
    # The emergency handling of the red complaint (its page is the same; tested in test_complaints).
    complaints.complaint_handle(
        actor=supervisor,
        work_order_id=wo.pk,
        owner_id=supervisor.pk,
        investigation="调度排班冲突",
        proposed_solution="上门道歉并免费保养一次",
        agreed_by_name="张女士",
        agreed_how="phone",
        agreed_at=timezone.now(),
    )

    context = _context(browser, DESKTOP)
    try:
        page = context.new_page()
        _login(page, live_server.url, supervisor.username)
        page.goto(f"{live_server.url}/notifications/")
        expect(page.locator("main")).to_contain_text(f"红色投诉 {wo.number}")
        page.screenshot(path=artifacts / "feedback-supervisor-red-alert.png", full_page=True)
    finally:
        context.close()

    context = _context(browser, PHONE)
    try:
        page = context.new_page()
        _login(page, live_server.url, qa.username)
        page.goto(f"{live_server.url}/feedback/complaints/{wo.pk}/")
        form = page.get_by_test_id("follow-up-form")
        form.get_by_label("满意度（1–10）").fill("8")
        form.get_by_label("客户原话").fill("道歉很诚恳，问题已解决")
        form.get_by_role("button", name="记录回访").click()
        expect(page.get_by_test_id("follow-up-done")).to_contain_text("8/10")
        _no_sideways_scroll(page)
        page.screenshot(path=artifacts / "feedback-follow-up-phone.png", full_page=True)
    finally:
        context.close()
    assert Complaint.objects.get(work_order=wo).satisfaction == 8


def test_r8_4_incident_page_past_level_ii_with_its_chart(browser, live_server, artifacts):
    agent = factories.UserFactory(role="agent")
    supervisor = factories.UserFactory(role="supervisor", display_name="李主管")
    factories.UserFactory(role="expert", display_name="总部技术部")
    model = factories.ProductModelFactory()
    now = timezone.now()
    for i in range(55):
        report(agent, model, received_at=now - dt.timedelta(hours=(55 - i) * 2))
    incident = Incident.objects.get(product_model=model)
    assert incident.level == "II"

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = _context(browser, viewport)
        try:
            page = context.new_page()
            _login(page, live_server.url, supervisor.username)
            page.goto(f"{live_server.url}/feedback/incidents/")
            expect(page.get_by_test_id("incident-list")).to_contain_text(model.code)
            page.screenshot(path=artifacts / f"feedback-incidents-{name}.png", full_page=True)
            page.goto(f"{live_server.url}/feedback/incidents/{incident.pk}/")
            expect(page.get_by_test_id("incident-level")).to_have_text("II 级")
            expect(page.locator("#incident-chart svg")).to_be_visible()
            expect(page.get_by_test_id("level-history")).to_contain_text("I 级")
            if viewport == PHONE:
                _no_sideways_scroll(page)
            if viewport == DESKTOP:  # the supervisor owns level I and ticks its first item
                page.get_by_test_id("task-detection").get_by_role("button", name="勾选").click()
            expect(page.get_by_test_id("task-detection")).to_contain_text("李主管")
            page.screenshot(path=artifacts / f"feedback-incident-{name}.png", full_page=True)
            assert page.evaluate("window.__cspViolations") == []
        finally:
            context.close()
