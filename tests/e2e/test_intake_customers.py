"""Headless Chromium at intake and on the customer form (R-1.1, R-2.3):

- the search-as-you-type pickers are worked with the keyboard: ArrowDown/ArrowUp move the active
  result (aria-activedescendant), Enter picks it without submitting anything, Escape closes;
- a new customer with an existing customer's phone (written differently) or name is warned
  about, the existing one can be used, or the new one created after "仍然创建";
- required fields carry the red asterisk read out as "必填".
Screenshots at 1280×800 and 390×844 go to test-artifacts/e2e/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.customers.models import Customer
from tests import factories
from tests.e2e.test_workorder_flow import _login, _ready

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _intake(page: Page, base: str) -> None:
    page.goto(f"{base}/work-orders/new/")
    _ready(page)


def test_r2_3_arrow_keys_and_enter_pick_a_customer_and_a_product(browser, live_server, artifacts):
    base = live_server.url
    agent = factories.UserFactory(role="agent")
    first = factories.CustomerFactory(name="张伟", phone="18850901576")
    second = factories.CustomerFactory(name="张伟国", phone="18850901577")
    product = factories.InstalledProductFactory(serial_number="SN2026KEY0001", customer=second)
    factories.InstalledProductFactory(serial_number="SN2026KEY0002", customer=first)
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, base, agent.username)
        _intake(page, base)
        search = page.locator("#customer-q")
        expect(search).to_have_attribute("role", "combobox")
        # A phone as it is said, with dashes; filled at once, so one search answers (typed key by key
        # on a loaded machine, a prefix's answer could replace the list after the arrow keys).
        search.fill("188-5090-157")
        options = page.locator("#customer-results [role=option]:not([aria-disabled])")
        expect(options).to_have_count(2)
        expect(search).to_have_attribute("aria-expanded", "true")

        search.press("ArrowDown")
        expect(options.nth(0)).to_have_class(re.compile(r"\bactive\b"))
        expect(search).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id") or "")
        search.press("ArrowDown")
        search.press("ArrowDown")  # past the last one: back to the first
        search.press("ArrowUp")  # and up again: the last one
        chosen = options.nth(1)
        expect(chosen).to_have_attribute("aria-selected", "true")
        chosen_id = chosen.get_attribute("id")
        page.screenshot(path=str(artifacts / "intake-keyboard-1280.png"))
        search.press("Enter")
        picked = page.locator("#picked input[name=customer_id]")
        wanted = next(c for c in (first, second) if f"customer-option-{c.pk}" == chosen_id)
        expect(picked).to_have_value(str(wanted.pk))
        expect(page.locator("#customer-results [role=option]")).to_have_count(0)  # the list closed
        expect(page).to_have_url(re.compile(r"/work-orders/new/$"))  # nothing was submitted

        # Escape closes a list without picking.
        search.fill("张伟")
        expect(options).to_have_count(2)
        search.press("ArrowDown")
        search.press("Escape")
        expect(page.locator("#customer-results [role=option]")).to_have_count(0)
        expect(search).to_have_attribute("aria-expanded", "false")
        expect(search).to_have_value("张伟")  # the first Escape only closes the list

        # The serial-number picker works the same way.
        serial = page.locator("#serial-q")
        serial.fill("SN2026KEY")  # at once, as above
        expect(page.locator("#product-results [role=option]")).to_have_count(2)
        serial.press("ArrowDown")
        active = page.locator("#product-results [role=option].active")
        expect(active).to_have_count(1)
        pick_serial = active.locator(".fw-semibold").inner_text()
        serial.press("Enter")
        expect(page.locator("#picked")).to_contain_text(pick_serial)
        expect(page.locator("#picked input[name=installed_product_id]")).to_have_count(1)
        assert pick_serial in {product.serial_number, "SN2026KEY0002"}
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_r1_1_intake_warns_of_a_duplicate_and_uses_the_existing_customer(browser, live_server, artifacts, viewport):
    base = live_server.url
    agent = factories.UserFactory(role="agent")
    existing = factories.CustomerFactory(name="张伟", phone="18850901576")
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, base, agent.username)
        _intake(page, base)
        # The customer search is marked as required, and read as "必填".
        label = page.locator("label[for=customer-q]")
        expect(label.locator(".text-danger")).to_have_text("*")
        expect(label.locator(".visually-hidden")).to_have_text(re.compile("必填"))

        page.locator("#new-customer-box summary").click()
        page.fill("#id_nc-name", "张 伟")
        page.fill("#id_nc-phone", "+86 188 5090 1576")
        page.locator("#new-customer button", has_text="创建客户").click()
        warning = page.locator("#duplicate-warning")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("此客户可能已存在")
        expect(warning).to_contain_text(existing.code)
        expect(warning).to_contain_text("电话相同")
        # It arrives above the button that was pressed, and is brought into view below the menu.
        page.wait_for_function(
            "() => { const box = document.querySelector('#duplicate-warning').getBoundingClientRect();"
            " return box.top >= 56 && box.top < innerHeight / 2; }"
        )
        page.screenshot(path=str(artifacts / f"intake-duplicate-{viewport}.png"))

        warning.get_by_role("button", name="使用此客户").click()
        expect(page.locator("#picked input[name=customer_id]")).to_have_value(str(existing.pk))
        assert Customer.objects.count() == 1
    finally:
        context.close()


def test_r1_1_intake_creates_the_customer_anyway_after_confirming(browser, live_server):
    base = live_server.url
    agent = factories.UserFactory(role="agent")
    existing = factories.CustomerFactory(name="张伟", phone="18850901576")
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, base, agent.username)
        _intake(page, base)
        page.locator("#new-customer-box summary").click()
        page.fill("#id_nc-name", "张伟")
        page.fill("#id_nc-phone", "139 0000 2222")
        page.locator("#new-customer button", has_text="创建客户").click()
        expect(page.locator("#duplicate-warning")).to_contain_text("名称相同")
        page.get_by_role("button", name="仍然创建").click()
        picked = page.locator("#picked input[name=customer_id]")
        expect(picked).to_have_count(1)
        created = Customer.objects.exclude(pk=existing.pk).get()
        expect(picked).to_have_value(str(created.pk))
        assert created.phone == "13900002222"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_r1_1_customer_form_warns_of_a_duplicate_and_opens_it(browser, live_server, artifacts, viewport):
    base = live_server.url
    agent = factories.UserFactory(role="agent")
    existing = factories.CustomerFactory(name="王芳", phone="057188881234", kind=Customer.Kind.PERSON)
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, base, agent.username)
        page.goto(f"{base}/customers/new/")
        expect(page.locator("label[for=id_name] .visually-hidden")).to_have_text(re.compile("必填"))
        page.fill("#id_name", "王 芳")
        page.fill("#id_phone", "(0571) 8888-1234")
        page.get_by_role("button", name="保存").click()
        warning = page.locator("#duplicate-warning")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("王芳")
        page.screenshot(path=str(artifacts / f"customer-form-duplicate-{viewport}.png"))
        if viewport == "desktop":
            warning.get_by_role("link", name="打开此客户").click()
            expect(page).to_have_url(re.compile(rf"/customers/{existing.pk}/$"))
        else:
            warning.get_by_role("button", name="仍然创建").click()
            expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
            assert Customer.objects.count() == 2
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_r3_7_the_resolve_form_marks_its_resolution_as_required(browser, live_server, artifacts, viewport):
    from tests.workorders.test_list_views import job

    agent = factories.UserFactory(role="agent")
    tech = factories.UserFactory(role="technician")
    wo = job(agent, tech, status="in_progress")
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    try:
        page = context.new_page()
        _login(page, live_server.url, tech.username)
        page.goto(f"{live_server.url}/work-orders/{wo.pk}/")
        _ready(page)
        resolve = page.locator("#action-resolve")
        label = resolve.locator("label", has_text="解决情况")
        expect(label.locator(".text-danger")).to_have_text("*")
        expect(label.locator(".visually-hidden")).to_have_text(re.compile("必填"))
        expect(resolve.locator("textarea[name$=resolution]")).to_have_attribute("aria-required", "true")
        resolve.evaluate("element => element.scrollIntoView({block: 'center'})")
        page.screenshot(path=str(artifacts / f"resolve-required-{viewport}.png"))
    finally:
        context.close()
