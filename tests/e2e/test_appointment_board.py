"""The dispatcher's week board and the technician's day, in headless Chromium (R-6.1).

A block dragged onto another technician's cell opens the move form (who agreed, how, why); after
it is sent the block is in the other row and the change is recorded. The technician's "today"
list at 390×844: jobs in order of appointment, the call and map links, no sideways scroll.
Screenshots in test-artifacts/e2e/ (appointment-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.fieldservice.appointment_services import appointment_book
from aftersales.fieldservice.models import Appointment, AppointmentChange
from tests import factories
from tests.e2e.test_csp import WATCH_VIOLATIONS
from tests.e2e.test_workorder_flow import _login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.usefixtures("transactional_db", "_plain_static"),
    # the jobs are half an hour from now and 40 minutes apart: late in the evening they fell on two days
    pytest.mark.clock("2026-12-01T10:00:00+08:00"),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def setup():
    agent = factories.UserFactory(role="agent")
    dispatcher = factories.UserFactory(role="dispatcher", display_name="调度周")
    first = factories.UserFactory(role="technician", display_name="维修李")
    second = factories.UserFactory(role="technician", display_name="维修赵")
    start = timezone.localtime() + dt.timedelta(minutes=30)
    jobs = []
    for offset in (2, 0):  # booked out of order: the page orders them
        wo = factories.make_work_order(agent)
        s = start + dt.timedelta(minutes=20 * offset)
        jobs.append(
            appointment_book(
                actor=dispatcher,
                work_order_id=wo.pk,
                technician_id=first.pk,
                starts_at=s,
                ends_at=s + dt.timedelta(minutes=15),
                agreed_with="张先生",
                agreed_via="phone",
            )
        )
    return dispatcher, first, second, jobs


@pytest.mark.parametrize("rows", [50, 1], ids=["one-slice", "slice-loaded-when-scrolled-to"])
def test_r6_1_drag_a_block_to_another_technician_and_record_the_agreement(
    browser, live_server, artifacts, setup, rows, monkeypatch
):
    """With one technician a slice, the second's row is fetched when the end of the first comes
    into view (htmx), and the drop onto it works as on a row of the page."""
    from aftersales.fieldservice import appointment_views

    monkeypatch.setattr(appointment_views, "BOARD_ROWS", rows)
    dispatcher, _first, second, jobs = setup
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.add_init_script(WATCH_VIOLATIONS)
        _login(page, live_server.url, dispatcher.username)
        page.goto(f"{live_server.url}/field/board/")
        block = page.locator(f'a.appt-block[data-appointment="{jobs[1].pk}"]')
        expect(block).to_be_visible()
        day = timezone.localtime(jobs[1].starts_at).date().isoformat()
        target = page.locator(f'td.board-cell[data-technician="{second.pk}"][data-day="{day}"]')
        block.drag_to(target)
        dialog = page.locator("#move-dialog")
        expect(dialog).to_be_visible()
        expect(dialog.locator("[name=technician_id]")).to_have_value(str(second.pk))
        dialog.locator("[name=reason]").fill("李师傅临时请假")
        page.screenshot(path=str(artifacts / f"appointment-board-move-{rows}.png"))
        dialog.get_by_role("button", name="改期").click()
        expect(page.locator(".alert-success, .alert")).to_contain_text("改期")
        expect(target.locator(f'a.appt-block[data-appointment="{jobs[1].pk}"]')).to_be_visible()
        page.screenshot(path=str(artifacts / f"appointment-board-{rows}.png"))
        assert page.evaluate("window.__cspViolations || []") == []
    finally:
        context.close()
    assert Appointment.objects.get(pk=jobs[1].pk).technician_id == second.pk
    assert AppointmentChange.objects.get(appointment_id=jobs[1].pk).reason == "李师傅临时请假"


def test_r6_1_today_on_the_phone_in_order_with_call_and_map(browser, live_server, artifacts, setup):
    _dispatcher, first, _second, jobs = setup
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = context.new_page()
        _login(page, live_server.url, first.username)
        page.goto(f"{live_server.url}/field/today/")
        cards = page.locator("ol.today-jobs > li")
        expect(cards).to_have_count(2)
        assert jobs[1].work_order.number in cards.nth(0).inner_text()  # the earlier appointment first
        expect(cards.nth(0).locator('a[href^="tel:"]')).to_be_visible()
        expect(cards.nth(0).locator('a[href*="uri.amap.com"]')).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
        page.screenshot(path=str(artifacts / "appointment-today.png"))
    finally:
        context.close()
