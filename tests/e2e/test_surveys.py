"""A customer answers the survey from the link on a phone (390×844), with no login; the scores
dashboard then shows the new score (R-9.2, R-9.4, R-9.6). Screenshots in test-artifacts/e2e/
(survey-*.png); no CSP violation, console error or request to another host on any page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.surveys import services
from aftersales.surveys.models import Answer
from tests import factories
from tests.e2e.test_csp import Watched
from tests.e2e.test_workorder_flow import _login
from tests.surveys.conftest import closed_work_order

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCORES = {"responsiveness": "9", "problem_solving": "3", "attitude": "10", "professionalism": "9", "communication": "8"}


def test_r9_2_customer_answers_on_the_phone_and_the_dashboard_shows_the_score(browser, live_server, artifacts):
    now = timezone.now()
    wo = closed_work_order(now - dt.timedelta(hours=2))
    invitation = services.invitation_create(work_order=wo, kind="after_close", now=now - dt.timedelta(hours=1))
    assert invitation is not None
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = phone.new_page()
        watched = Watched(page, live_server.url)
        page.goto(f"{live_server.url}/surveys/s/{invitation.token}/")
        expect(page.locator("h1")).to_have_text("我们做得怎么样？")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
        page.screenshot(path=artifacts / "survey-answer-phone.png", full_page=True)
        page.get_by_role("button", name="提交评价").click()  # nothing chosen: each score asks
        expect(page.locator(".invalid-feedback")).to_have_count(5)
        watched.console_errors.clear()  # the browser logs the form's 422, which is the answer here
        for name, value in SCORES.items():
            page.locator(f"label[for='id_{name}_{int(value) - 1}']").click()
        page.fill("#id_text", "上门及时，但是问题没有完全解决，还要再来一次")
        page.screenshot(path=artifacts / "survey-answer-filled-phone.png", full_page=True)
        page.get_by_role("button", name="提交评价").click()
        expect(page.locator("#survey-outcome")).to_have_text("感谢您的评价！")
        page.screenshot(path=artifacts / "survey-thanks-phone.png", full_page=True)
        watched.assert_clean("survey page")
        page.goto(f"{live_server.url}/surveys/s/{invitation.token}/")  # single use
        expect(page.locator("#survey-outcome")).to_have_text("已经回答过了")
    finally:
        phone.close()
    answer = Answer.objects.get(invitation=invitation)
    assert answer.valid
    assert answer.problem_solving == 3

    from aftersales.surveys.improvement import improvement_scan

    improvement_scan(month=timezone.localdate(answer.answered_at).replace(day=1))
    supervisor = factories.UserFactory(role="supervisor")
    year = timezone.localtime(answer.answered_at).year
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        try:
            page = context.new_page()
            watched = Watched(page, live_server.url)
            _login(page, live_server.url, supervisor.username)
            page.goto(f"{live_server.url}/surveys/scores/?year={year}&group=team")
            expect(page.locator("h1")).to_have_text("满意度得分")
            row = page.locator("table").first.locator("tbody tr").first
            expect(row).to_contain_text("3.00")  # the customer's problem-solving score
            expect(page.locator("#survey-chart svg")).to_be_visible()
            page.screenshot(path=artifacts / f"survey-dashboard-{name}.png", full_page=True)
            page.get_by_role("link", name="满意度改进清单").click()
            expect(page.locator("h1")).to_have_text("满意度改进清单")
            expect(page.locator("tbody")).to_contain_text("问题解决能力")  # 3.00 < 7 opened an item
            page.screenshot(path=artifacts / f"survey-improvement-{name}.png", full_page=True)
            watched.assert_clean(f"dashboard {name}")
        finally:
            context.close()


def test_r9_2_agent_phone_survey_page(browser, live_server, artifacts):
    agent = factories.UserFactory(role="agent")
    wo = closed_work_order(timezone.now() - dt.timedelta(hours=2))
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        try:
            page = context.new_page()
            watched = Watched(page, live_server.url)
            _login(page, live_server.url, agent.username)
            page.goto(f"{live_server.url}/surveys/phone/?number={wo.number}")
            expect(page.locator("h1")).to_have_text("电话回访")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
            page.screenshot(path=artifacts / f"survey-phone-survey-{name}.png", full_page=True)
            watched.assert_clean(f"phone survey {name}")
        finally:
            context.close()
