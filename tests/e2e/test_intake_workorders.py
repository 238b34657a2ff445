"""Headless Chromium at intake (R-2.3): what the customer and the product already have.

- picking a customer shows their open work orders (a customer with 25 cannot be missed) and
  those of the last 30 days; picking their product shows its own and warns of a repeat repair;
- "添加到此工单" puts the call on the open work order and lands there, creating nothing;
- the fault categories follow the chosen product's line; without one each names its line.
Screenshots at 1280×800 and 390×844 go to test-artifacts/e2e/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.workorders.models import Communication, WorkOrder
from tests import factories
from tests.e2e.test_workorder_flow import _login, _ready

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SUFFIX = {"desktop": "1280", "phone": "390"}


def _intake(page: Page, base: str) -> None:
    page.goto(f"{base}/work-orders/new/")
    _ready(page)


def _pick_product(page: Page, serial: str) -> None:
    page.locator("#serial-q").press_sequentially(serial)
    page.locator("#product-results button").first.click()
    expect(page.locator("#picked input[name=installed_product_id]")).to_have_count(1)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_r2_3_intake_shows_open_work_orders_and_adds_the_call_to_one(browser, live_server, artifacts, viewport):
    base = live_server.url
    agent = factories.UserFactory(role="agent")
    customer = factories.CustomerFactory(name="上海申联物业", phone="13912345678")
    product = factories.InstalledProductFactory(customer=customer, serial_number="SN2026HIST001")
    for n in range(24):
        factories.make_work_order(agent, product, installed_product_id=None, symptom=f"{n + 1} 号楼空调漏水")
    previous = factories.make_work_order(agent, product, symptom="外机异响，上周已报修")
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, base, agent.username)
        _intake(page, base)
        expect(page.locator("[data-testid=intake-history]")).to_have_count(0)  # nothing chosen yet

        search = page.locator("#customer-q")
        search.press_sequentially("申联")
        page.locator("#customer-results [role=option]").first.click()
        history = page.locator("[data-testid=intake-history]")
        expect(history.locator("[data-testid=open-count]")).to_contain_text("25")
        expect(history.locator("[data-testid=open-count]")).to_have_class(re.compile(r"alert-danger"))
        expect(history.locator("[data-testid=history-open]")).to_have_count(5)
        history.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"intake-history-customer-{SUFFIX[viewport]}.png"), full_page=True)

        _pick_product(page, "SN2026HIST")
        expect(history.locator("[data-testid=repeat-warning]")).to_be_visible()
        first_open = history.locator("[data-testid=history-open]").first
        expect(first_open).to_contain_text(previous.number)  # the product's own, first
        page.screenshot(path=str(artifacts / f"intake-history-product-{SUFFIX[viewport]}.png"), full_page=True)

        page.fill("#id_symptom", "客户来电催促：外机还在响")
        first_open.locator("[data-testid=add-to]").click()
        expect(page).to_have_url(re.compile(rf"/work-orders/{previous.pk}/$"))
        expect(page.locator(".alert-success, .toast, [role=status]").first).to_contain_text(previous.number)
        expect(page.get_by_text("客户来电催促：外机还在响").first).to_be_visible()
        page.screenshot(path=str(artifacts / f"intake-added-to-open-{SUFFIX[viewport]}.png"))
    finally:
        context.close()
    assert WorkOrder.objects.count() == 25  # nothing new
    (comm,) = Communication.objects.all()
    assert (comm.work_order_id, comm.direction, comm.kind) == (previous.pk, "in", "call")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_r2_3_fault_categories_follow_the_chosen_products_line(browser, live_server, artifacts, viewport):
    base = live_server.url
    agent = factories.UserFactory(role="agent")
    ac = factories.ProductLineFactory(code="ac", name="空调")
    heater = factories.ProductLineFactory(code="wh", name="热水器")
    purifier = factories.ProductLineFactory(code="wp", name="净水器")
    for line in (ac, heater, purifier):
        factories.FaultCategoryFactory(name="漏水", product_line=line)
    factories.FaultCategoryFactory(name="咨询使用方法", product_line=None)
    factories.InstalledProductFactory(
        serial_number="SN2026LINE001", product_model=factories.ProductModelFactory(product_line=heater)
    )
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, base, agent.username)
        _intake(page, base)
        select = page.locator("select[name=fault_category_id]")
        labels = [label.strip() for label in select.locator("option").all_inner_texts()]
        assert labels.count("漏水") == 0
        assert {"空调 · 漏水", "热水器 · 漏水", "净水器 · 漏水", "咨询使用方法"} <= set(labels)
        select.select_option(label="热水器 · 漏水")

        _pick_product(page, "SN2026LINE")
        expect(select.locator("option")).to_have_count(3)  # "—", the heater's 漏水, the general one
        labels = [label.strip() for label in select.locator("option").all_inner_texts()]
        assert set(labels[1:]) == {"漏水", "咨询使用方法"}
        expect(select).to_have_value(re.compile(r"\d+"))  # the heater's 漏水 stayed chosen
        select.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"intake-fault-by-line-{SUFFIX[viewport]}.png"))
    finally:
        context.close()
