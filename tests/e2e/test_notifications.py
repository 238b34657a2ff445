"""Notifications in headless Chromium (issue 9): a notification in the menu is a link that opens
its work order, and the unread count goes down once it is read; a supervisor's repeated SLA
alerts are one row per work order, expandable; the outbox names the work order by its number;
the customer's page shows the promised times and the engineer. Screenshots at 1280×800 and
390×844 go to test-artifacts/e2e/.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from aftersales.core.outbox import Notice, notify_users
from aftersales.workorders.services import work_order_assign
from tests import factories
from tests.e2e.test_workorder_flow import PHONE, _login, _ready

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

DESKTOP = {"width": 1280, "height": 800}


def _alerts(user, wo, n: int) -> None:
    with transaction.atomic():
        notify_users(
            Notice(
                user=user,
                subject=f"SLA 超时：{wo.number} 响应 已超时",
                body=f"工单 {wo.number}（P2，处理人 王建国）未在期限内完成“响应”。",
                topic=f"workorder:{wo.pk}",
                channels=("in_app",),
                kind="sla_breach",
            )
            for _ in range(n)
        )


@pytest.fixture
def scene():
    agent = factories.UserFactory(role="agent", display_name="李客服")
    tech = factories.UserFactory(role="technician", display_name="王建国", phone="13812345678")
    supervisor = factories.UserFactory(role="supervisor", display_name="赵主管")
    product = factories.InstalledProductFactory(
        customer=factories.CustomerFactory(name="上海申联物业", phone="13912345678")
    )
    wo = factories.make_work_order(agent, product, channel="web", symptom="空调开机半小时后不制冷，室外机有异响")
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    other = factories.make_work_order(agent, symptom="热水器显示E4故障码")
    _alerts(supervisor, wo, 6)
    _alerts(supervisor, other, 3)
    return {"agent": agent, "tech": tech, "supervisor": supervisor, "wo": wo, "other": other}


def _errors(page: Page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: found.append(str(exc)))
    return found


def _open_bell(page: Page):
    bell = page.locator("#nav-inbox")
    bell.locator(".dropdown-toggle").click()
    items = bell.locator(".inbox-menu-item")
    expect(items.first).to_be_visible()  # loaded by htmx when the menu opened
    return items


def test_a_notification_in_the_menu_opens_its_work_order_and_the_count_goes_down(
    browser, live_server, artifacts, scene
):
    wo = scene["wo"]
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = context.new_page()
        errors = _errors(page)
        _login(page, live_server.url, scene["tech"].username)
        _ready(page)
        expect(page.locator("#nav-unread")).to_have_text(re.compile(r"^1\s*条未读$"))
        items = _open_bell(page)
        expect(items).to_have_count(1)
        link = items.first
        expect(link).to_contain_text(f"新工单 {wo.number} 已指派给您")
        assert link.get_attribute("href").startswith("/notifications/")
        page.screenshot(path=artifacts / "notifications-menu-desktop.png")
        link.click()
        expect(page).to_have_url(re.compile(rf"/work-orders/{wo.pk}/$"))
        expect(page.locator("h1, header").first).to_contain_text(wo.number)
        expect(page.locator("#nav-unread")).to_have_count(0)  # read: the count is gone
        assert not errors, errors
    finally:
        context.close()


def test_a_supervisors_alerts_are_one_row_per_work_order_on_the_phone(browser, live_server, artifacts, scene):
    wo, other = scene["wo"], scene["other"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    try:
        page = context.new_page()
        errors = _errors(page)
        _login(page, live_server.url, scene["supervisor"].username)
        _ready(page)
        page.locator(".navbar-toggler").click()
        expect(page.locator("#main-nav")).to_be_visible()
        # The menu has finished opening (Bootstrap's "collapsing" became "show") before the bell is
        # tapped: a tap during the transition can be lost on a loaded machine.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        bell = page.locator("#nav-inbox .dropdown-toggle")
        expect(bell).to_contain_text("通知")  # the label shows in the collapsed menu
        expect(page.locator("#nav-unread")).to_have_text(re.compile(r"^2\s*条未读$"))
        items = _open_bell(page)
        expect(items).to_have_count(2)
        expect(items.first).to_contain_text("×3")
        page.screenshot(path=artifacts / "notifications-menu-phone.png")

        page.goto(f"{live_server.url}/notifications/")
        _ready(page)
        rows = page.locator("#inbox > li")
        expect(rows).to_have_count(2)
        row = rows.filter(has_text=wo.number)
        expect(row).to_contain_text("×6")
        row.locator("details summary").click()
        expect(row.locator(".inbox-group-rows li")).to_have_count(6)
        page.screenshot(path=artifacts / "notifications-inbox-phone-expanded.png", full_page=True)
        row.locator("a.inbox-link").click()
        expect(page).to_have_url(re.compile(rf"/work-orders/{wo.pk}/$"))
        expect(page.locator("#nav-unread")).to_have_text(re.compile(r"^1\s*条未读$"))
        page.goto(f"{live_server.url}/notifications/")
        expect(page.locator("#inbox > li.inbox-unread")).to_have_count(1)
        expect(page.locator("#inbox > li.inbox-unread")).to_contain_text(other.number)
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screens_of_the_changed_pages(browser, live_server, artifacts, scene, size, viewport):
    """The inbox, the outbox (numbers, linked), the customer's page with the promise and the
    engineer, and the customer form with the preferred channel, at both sizes."""
    wo = scene["wo"]
    admin = factories.UserFactory(role="admin", is_staff=True, is_superuser=True, display_name="系统管理员")
    context = browser.new_context(viewport=viewport, locale="zh-CN", has_touch=size == "phone")
    try:
        page = context.new_page()
        errors = _errors(page)
        _login(page, live_server.url, scene["supervisor"].username)
        page.goto(f"{live_server.url}/notifications/")
        expect(page.locator("#inbox > li")).to_have_count(2)
        page.screenshot(path=artifacts / f"notifications-inbox-{size}.png", full_page=True)
        page.goto(f"{live_server.url}/notifications/outbox/")
        subject = page.locator(f"#msg-{wo.pk} .outbox-subject, .outbox-subject", has_text=wo.number).first
        expect(subject).to_be_visible()
        assert subject.get_attribute("href") == f"/work-orders/{wo.pk}/"
        expect(page.locator("main")).not_to_contain_text(f"workorder:{wo.pk}")
        page.screenshot(path=artifacts / f"notifications-outbox-{size}.png", full_page=True)
        context.clear_cookies()

        _login(page, live_server.url, admin.username)
        page.goto(f"{live_server.url}/customers/{wo.customer_id}/edit/")
        select = page.locator("#id_notification_channel")
        expect(select).to_be_visible()
        select.select_option("email")
        page.screenshot(path=artifacts / f"notifications-customer-form-{size}.png", full_page=True)
        context.clear_cookies()

        customer = factories.portal_user(wo.customer, display_name="申联物业前台")
        _login(page, live_server.url, customer.username)
        page.goto(f"{live_server.url}/portal/{wo.pk}/")
        promise = page.locator("#portal-promise")
        expect(promise).to_contain_text("承诺响应时间")
        expect(promise).to_contain_text("预计解决时间")
        expect(page.locator("#portal-engineer")).to_contain_text("王建国")
        expect(page.locator("#portal-engineer a[href='tel:13812345678']")).to_be_visible()
        page.screenshot(path=artifacts / f"notifications-portal-detail-{size}.png", full_page=True)
        assert not errors, errors
    finally:
        context.close()
