"""Customer property (用户备品, R-7.3) in headless Chromium: an agent receives an item with a photo
on the desktop; on a 390×844 phone the customer signs on the pad and the item is returned, the
signature kept; the customer sees it in the portal. Screenshots in test-artifacts/e2e/."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from PIL import Image
from playwright.sync_api import Page, expect

from aftersales.parts.models import CustomerProperty
from tests import factories
from tests.e2e.test_workorder_flow import PHONE, _login
from tests.workorders.attachment_samples import jpeg, media

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static", "media")]
__all__ = ["media"]
DESKTOP = {"width": 1280, "height": 800}


def _sign(page: Page) -> None:
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + w * (0.1 + step * 0.033), y + h * (0.3 + 0.4 * ((step % 4) / 3)), steps=3)
    page.mouse.up()


def test_r7_3_receive_then_return_with_a_signature_on_a_phone(browser, live_server, artifacts, tmp_path):
    base = live_server.url
    agent = factories.UserFactory(role="agent", display_name="王客服")
    product = factories.InstalledProductFactory(customer__name="刘建国")
    wo = factories.make_work_order(agent, product, symptom="投影仪无法开机")
    buyer = factories.portal_user(product.customer)
    photo = tmp_path / "收货.jpg"
    photo.write_bytes(jpeg((900, 600)))

    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        page = desktop.new_page()
        _login(page, base, agent.username)
        page.goto(f"{base}/customer-property/receive/")
        page.screenshot(path=artifacts / "property-receive.png", full_page=True)
        page.fill("#id_work_order", wo.number)
        page.fill("#id_description", "投影仪")
        page.fill("#id_serial_number", "PJ-2026-77")
        page.fill("#id_condition", "镜头盖完好，附电源线")
        page.set_input_files("#id_photos", str(photo))
        page.get_by_role("button", name="确认接收").click()
        expect(page.locator("#custody-history")).to_contain_text("由 王客服 接收")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#property-photos img')].every(i => i.complete && i.naturalWidth > 0)"
        )
        page.screenshot(path=artifacts / "property-detail.png", full_page=True)
        page.goto(f"{base}/customer-property/")
        expect(page.locator("#property-list")).to_contain_text("投影仪")
        page.screenshot(path=artifacts / "property-list.png", full_page=True)
    finally:
        desktop.close()
    item = CustomerProperty.objects.get()
    assert (item.customer_id, item.work_order_id, item.photos.count()) == (product.customer_id, wo.pk, 1)

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = phone.new_page()
        _login(page, base, agent.username)
        page.goto(f"{base}/customer-property/{item.pk}/")
        page.screenshot(path=artifacts / "property-detail-phone.png", full_page=True)
        page.get_by_role("link", name="归还客户").click()
        page.fill("#id_returned_to", "刘建国")
        page.get_by_role("button", name="确认归还").click()  # not signed yet
        expect(page.locator("#signature_wrapper")).to_contain_text("请客户在框内签名")
        page.screenshot(path=artifacts / "property-return-unsigned-phone.png", full_page=True)
        _sign(page)
        page.screenshot(path=artifacts / "property-return-signed-phone.png", full_page=True)
        page.get_by_role("button", name="确认归还").click()
        expect(page.locator("#custody-history")).to_contain_text("归还给 刘建国")
        signature = page.locator("#return-signature")
        expect(signature).to_be_visible()
        page.wait_for_function("() => document.querySelector('#return-signature').naturalWidth > 0")
        page.screenshot(path=artifacts / "property-returned-phone.png", full_page=True)
        page.goto(f"{base}/customer-property/")
        page.screenshot(path=artifacts / "property-list-phone.png", full_page=True)
    finally:
        phone.close()
    item.refresh_from_db()
    assert (item.status, item.returned_to) == ("returned", "刘建国")
    with default_storage.open(item.return_signature.name, "rb") as handle:
        drawn = Image.open(handle)
        drawn.load()
    assert drawn.format == "PNG"
    assert drawn.getchannel("A").getbbox() is not None  # the strokes are there

    portal = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, device_scale_factor=2)
    try:
        page = portal.new_page()
        _login(page, base, buyer.username)
        page.goto(f"{base}/portal/property/")
        expect(page.locator("#portal-property")).to_contain_text("投影仪")
        page.screenshot(path=artifacts / "portal-property-phone.png", full_page=True)
        page.get_by_text("投影仪").click()
        expect(page.locator("#custody-history")).to_contain_text("归还给 刘建国")
        page.screenshot(path=artifacts / "portal-property-detail-phone.png", full_page=True)
    finally:
        portal.close()
