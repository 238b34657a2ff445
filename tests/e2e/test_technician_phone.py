"""A technician on the phone (390×844), in headless Chromium (R-3, R-3.5, R-4.7).

The list shows only their open jobs, what is due next first, with the resolved ones one tap away;
on a job's page the next step is on the first screen; "开始处理" applies in place (no navigation,
the scroll position stays, the status badge changes); the start form without a mode shows its
error below the radio group, clear of 备注. The same pages at 1280×800 too, and screenshots of
each in test-artifacts/e2e/ (technician-*.png).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import Status
from tests import factories
from tests.e2e.test_csp import WATCH_VIOLATIONS
from tests.e2e.test_workorder_flow import _login, _ready
from tests.workorders.test_list_views import due_order, job

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def setup():
    """A technician's jobs in every state, their SLA times as the services computed them."""
    agent = factories.UserFactory(role="agent", display_name="王客服")
    tech = factories.UserFactory(role="technician", display_name="赵师傅")
    jobs = {
        "assigned": job(agent, tech),
        "started": job(agent, tech, status="in_progress"),
        "paused": job(agent, tech, status="waiting_customer"),
        "resolved": job(agent, tech, status="resolved"),
        "closed": job(agent, tech, status="closed"),
    }
    return tech, jobs


def _due_first(jobs) -> list[str]:
    """The open jobs' numbers, what is due next first (R-4.7), then by queue time (R-4.8)."""
    open_ones = [WorkOrder.objects.get(pk=wo.pk) for key, wo in jobs.items() if key not in ("resolved", "closed")]
    by_pk = {wo.pk: wo.number for wo in open_ones}
    return [by_pk[pk] for pk in due_order(open_ones)]


def _phone(browser):
    return browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)


def _card_numbers(page: Page) -> list[str]:
    return page.locator(".wo-cards li .text-primary").all_inner_texts()


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"


def test_technician_list_on_the_phone_shows_only_my_open_jobs_due_first(browser, live_server, artifacts, setup):
    tech, jobs = setup
    context = _phone(browser)
    try:
        page = context.new_page()
        _login(page, live_server.url, tech.username)
        page.goto(f"{live_server.url}/work-orders/")
        expect(page.locator(".wo-tabs .nav-link.active")).to_have_text("我的待办")
        expect(page.locator(".wo-cards li")).to_have_count(3)
        assert _card_numbers(page) == _due_first(jobs)
        _no_sideways_scroll(page)
        page.screenshot(path=artifacts / "technician-list-phone.png", full_page=True)

        page.locator(".wo-tabs").get_by_role("link", name="已解决").click()
        expect(page.locator(".wo-tabs .nav-link.active")).to_have_text("已解决")
        expect(page.locator(".wo-cards li")).to_have_count(2)
        assert set(_card_numbers(page)) == {jobs["resolved"].number, jobs["closed"].number}
    finally:
        context.close()

    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = desktop.new_page()
        _login(page, live_server.url, tech.username)
        page.goto(f"{live_server.url}/work-orders/")
        rows = page.locator(".wo-table tbody tr td:first-child a")
        expect(rows).to_have_count(3)
        assert rows.all_inner_texts() == _due_first(jobs)
        page.screenshot(path=artifacts / "technician-list-desktop.png", full_page=True)
    finally:
        desktop.close()


def _in_viewport(page: Page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_technician_starts_a_job_in_place_on_the_phone(browser, live_server, artifacts, setup):
    tech, jobs = setup
    wo = jobs["assigned"]
    context = _phone(browser)
    try:
        page = context.new_page()
        page.add_init_script(WATCH_VIOLATIONS)
        _login(page, live_server.url, tech.username)
        page.goto(f"{live_server.url}/work-orders/{wo.pk}/")
        _ready(page)
        start = page.locator("#action-start button[type=submit]")
        expect(start).to_be_visible()
        assert _in_viewport(page, start), "the next step is not on the first screen"
        expect(page.locator("#action-start input[name=mode][value=on_site]")).to_be_checked()  # a repair
        _no_sideways_scroll(page)
        page.screenshot(path=artifacts / "technician-detail-phone.png")
        page.screenshot(path=artifacts / "technician-detail-phone-full.png", full_page=True)

        # A little way down the page, then start: the page is not navigated and does not move.
        scrolled = (
            "() => { window.scrollTo({top: 150, behavior: 'instant'}); window.__notReloaded = true; return scrollY; }"
        )
        assert page.evaluate(scrolled) == 150
        with page.expect_response(lambda r: "/do/start/" in r.url) as posted:
            start.click()
        assert posted.value.status == 200
        expect(page.locator("header .badge.fs-6")).to_have_text("处理中")
        expect(page.locator("#h-actions")).to_have_text(re.compile("下一步：解决"))
        expect(page.locator("section.wo-timeline")).to_contain_text("开始处理")
        assert page.evaluate("window.__notReloaded === true"), "the page was loaded again"
        assert abs(page.evaluate("window.scrollY") - 150) <= 2, "the scroll position moved"
        expect(page.locator("#messages .alert-success")).to_contain_text("已开始处理")
        assert page.evaluate("window.__cspViolations") == []
        page.screenshot(path=artifacts / "technician-detail-phone-started.png")
    finally:
        context.close()
    wo.refresh_from_db()
    assert wo.status == Status.IN_PROGRESS
    assert wo.handling_mode == "on_site"


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_start_without_a_mode_shows_the_error_below_the_group_clear_of_the_note(
    browser, live_server, artifacts, setup, viewport, name
):
    tech, jobs = setup
    wo: WorkOrder = jobs["assigned"]
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, live_server.url, tech.username)
        page.goto(f"{live_server.url}/work-orders/{wo.pk}/")
        _ready(page)
        if name == "desktop":
            page.screenshot(path=artifacts / "technician-detail-desktop.png", full_page=True)
        form = page.locator("#action-start form")
        form.locator("input[name=mode]:checked").evaluate("radio => { radio.checked = false; }")
        with page.expect_response(lambda r: "/do/start/" in r.url) as posted:
            form.locator("button[type=submit]").click()
        assert posted.value.status == 422
        error = page.locator("#id_start_mode_error")
        expect(error).to_have_text("请选择远程、上门或返厂。")
        group = page.locator("#id_start_mode")
        note_label = page.locator("label[for=id_start_note]")
        note = page.locator("#id_start_note")
        g, e, label, box = (x.bounding_box() for x in (group, error, note_label, note))
        assert g["y"] + g["height"] <= e["y"] + 1, "the error is not below the radio group"
        assert e["y"] + e["height"] <= label["y"] + 1, "the error covers 备注"
        assert label["y"] + label["height"] <= box["y"] + 1
        # Each choice on one line, its label beside its radio button, never split into characters.
        for choice in form.locator(".form-check").all():
            radio, text = choice.locator("input").bounding_box(), choice.locator("label").bounding_box()
            assert text["height"] < 2 * radio["height"] + 4, "a label wraps"
            assert text["x"] >= radio["x"] + radio["width"], "a label runs under its radio button"
            assert abs((text["y"] + text["height"] / 2) - (radio["y"] + radio["height"] / 2)) < radio["height"]
        assert group.locator("label").all_inner_texts() == ["远程", "上门", "返厂"]
        page.locator("#action-start").screenshot(path=artifacts / f"technician-start-error-{name}.png")
        page.screenshot(path=artifacts / f"technician-start-error-page-{name}.png")
    finally:
        context.close()
    wo.refresh_from_db()
    assert wo.status == Status.ASSIGNED
