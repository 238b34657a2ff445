"""The main menu in headless Chromium (SPEC "Users and roles": each role sees its own menu).

At 1280×800 the menu fits on one row for every role, the administrator's (the most entries, the
rarely used ones grouped under 管理) included, and no label breaks across lines ("工/单",
"系统管/理"). Below that it collapses behind the toggler: at 390×844 the toggler opens it, and no
label breaks inside a word. Screenshots for the administrator and the technician at both sizes
go to test-artifacts/e2e/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.accounts.roles import Role
from tests import factories
from tests.e2e.test_workorder_flow import PHONE, _login

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

DESKTOP = {"width": 1280, "height": 800}
STAFF_ROLES = [role.value for role in Role if role != Role.CUSTOMER]

# Each label of the menu (the top row's links and toggles, and the entries of its dropdowns):
# how many lines its text takes (one line box per rect of its text) and its box's height
# against the height of one line of its text plus its padding.
LABELS = """
() => [...document.querySelectorAll(
    '#main-nav .navbar-nav > .nav-item > .nav-link, #main-nav .dropdown-item'
  )].filter(el => el.offsetParent !== null).map(el => {
    const cs = getComputedStyle(el);
    const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.5;
    // The line boxes of its visible text (a label only for screen readers is 1px wide).
    const tops = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.getBoundingClientRect().width <= 1) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
    }
    tops.sort((a, b) => a - b);
    const lines = tops.filter((top, i) => i === 0 || top - tops[i - 1] > line / 2);
    const padding = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom);
    const border = parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth);
    return {
      text: el.innerText.trim(), lines: lines.length,
      height: el.getBoundingClientRect().height, oneLine: Math.max(line + padding + border, parseFloat(cs.minHeight) || 0),
    };
  })
"""
# The top row: the brand and every top-level entry, with their vertical extent.
ROW = """
() => [document.querySelector('.app-navbar .navbar-brand'),
       ...document.querySelectorAll('#main-nav .navbar-nav > .nav-item')]
  .filter(el => el.offsetParent !== null)
  .map(el => { const r = el.getBoundingClientRect(); return {text: el.innerText.trim(), top: r.top, bottom: r.bottom}; })
"""


def _user(role: str):
    if role == Role.CUSTOMER:
        return factories.portal_user(factories.CustomerFactory())
    return factories.UserFactory(role=role, is_staff=role == Role.ADMIN, display_name=f"测试{role}")


def _assert_one_line(page: Page, where: str) -> list[str]:
    labels = page.evaluate(LABELS)
    assert labels, where
    for label in labels:
        # (an icon-only entry, the bell without unread notifications, has no line of text)
        assert label["lines"] <= 1, f"{where}: {label['text']!r} takes {label['lines']} lines"
        assert label["height"] <= label["oneLine"] + 1, f"{where}: {label['text']!r} is {label['height']}px high"
    return [label["text"] for label in labels]


def _open_dropdowns(page: Page) -> None:
    for toggle in page.locator("#main-nav .nav-item.dropdown > .dropdown-toggle").all():
        if toggle.is_visible():
            toggle.click()
            _assert_one_line(page, f"dropdown {toggle.inner_text()!r}")
            page.keyboard.press("Escape")


@pytest.mark.parametrize(
    ("role", "language"),
    [*((role, "zh") for role in [*STAFF_ROLES, Role.CUSTOMER.value]), (Role.ADMIN.value, "en")],
)
def test_the_menu_fits_on_one_row_at_1280(browser, live_server, artifacts, role, language):
    user = _user(role)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, live_server.url, user.username)
        if language == "en":  # the language switcher of the menu
            page.locator("#main-nav .dropdown-toggle[aria-label]").filter(has_text="简体中文").click()
            page.locator("#main-nav button[name=language][value=en]").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        page.wait_for_load_state("load")
        where = f"{role} ({language})"
        expect(page.locator(".navbar-toggler")).to_be_hidden()  # expanded, not collapsed
        _assert_one_line(page, where)
        row = page.evaluate(ROW)
        brand = row[0]
        for item in row[1:]:  # every entry beside the brand, none on a second row
            assert item["top"] >= brand["top"] - 12, (where, item, brand)
            assert item["bottom"] <= brand["bottom"] + 12, (where, item, brand)
        assert page.locator(".app-navbar").bounding_box()["height"] <= 72, where
        name = f"menu-{role}-{language}-1280"
        if role in (Role.ADMIN, Role.TECHNICIAN):
            page.screenshot(path=artifacts / f"{name}.png")
        _open_dropdowns(page)
        if role == Role.ADMIN:  # the rarely used pages, grouped
            group = page.locator("#main-nav .nav-item.dropdown", has_text="管理" if language == "zh" else "Manage")
            group.locator(".dropdown-toggle").click()
            expect(group.locator(".dropdown-item").first).to_be_visible()
            page.screenshot(path=artifacts / f"{name}-manage.png")
    finally:
        context.close()


@pytest.mark.parametrize("role", [Role.ADMIN.value, Role.TECHNICIAN.value, Role.SUPERVISOR.value])
def test_the_menu_collapses_at_390_and_the_toggler_opens_it(browser, live_server, artifacts, role):
    user = _user(role)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    try:
        page = context.new_page()
        _login(page, live_server.url, user.username)
        page.wait_for_load_state("load")
        menu = page.locator("#main-nav")
        expect(menu).to_be_hidden()
        nav = page.locator(".app-navbar").bounding_box()
        assert nav["height"] <= 72  # brand and toggler on one row
        page.locator(".navbar-toggler").click()
        expect(menu).to_be_visible()
        expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        labels = _assert_one_line(page, f"{role} at 390")
        assert any("工单" in text for text in labels)
        _open_dropdowns(page)
        if role == Role.ADMIN:
            admin_menu = page.locator("#main-nav .nav-item.dropdown", has_text="管理").first
            admin_menu.locator(".dropdown-toggle").click()
            expect(admin_menu.locator(".dropdown-menu")).to_be_visible()
            expect(admin_menu.locator(".dropdown-item", has_text="审计日志")).to_be_visible()
        if role in (Role.ADMIN, Role.TECHNICIAN):
            page.screenshot(path=artifacts / f"menu-{role}-zh-390.png", full_page=True)
    finally:
        context.close()
