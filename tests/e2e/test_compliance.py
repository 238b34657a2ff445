"""R-4.7 in headless Chromium: a supervisor clicks a figure of the SLA compliance page and gets the
work-order list behind it, with the SLA filters shown. Screenshots of both pages at 1280×800 and
390×844 go to test-artifacts/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_workorder_flow import PHONE, _login
from tests.sla.conftest import seeded  # noqa: F401 - fixtures shared with the SLA tests
from tests.sla.test_compliance_links import history, people  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.usefixtures("transactional_db", "_plain_static", "seeded"),
    pytest.mark.clock("2026-11-25T12:00:00+08:00"),
]
DESKTOP = {"width": 1280, "height": 800}


def test_r4_7_a_compliance_figure_opens_its_work_orders(browser, live_server, artifacts, history, people):  # noqa: F811
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        try:
            page = context.new_page()
            _login(page, live_server.url, people["supervisor"].username)
            page.goto(f"{live_server.url}/sla/compliance/?month_from=2026-10&month_to=2026-11")
            page.wait_for_load_state("load")
            table = page.locator(".card", has_text="按优先级")
            expect(table.locator("thead")).to_contain_text("优先级")
            page.screenshot(path=artifacts / f"compliance-{name}.png", full_page=True)
            row = table.locator("tbody tr", has_text="2026-11").filter(has_text="P2")
            # The P2 row of November: ``ok`` and ``october`` met, ``mixed`` breached.
            expect(row.locator("a.compliance-figure").nth(1)).to_have_text("1")
            row.locator("a.compliance-figure").nth(1).click()
            expect(page).to_have_url(re.compile(r"/work-orders/\?.*target_outcome=breached"))
            page.wait_for_load_state("load")
            expect(page.locator("#f-target_outcome, #id_target_outcome").first).to_have_value("breached")
            shown = page.locator(".wo-table tbody tr") if name == "desktop" else page.locator(".wo-cards > li")
            expect(shown).to_have_count(1)
            expect(shown.first).to_contain_text(history["mixed"].number)
            page.screenshot(path=artifacts / f"compliance-list-{name}.png", full_page=True)
        finally:
            context.close()
