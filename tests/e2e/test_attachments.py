"""Attachments in headless Chromium (issue 9): a customer photographs the fault on a 390×844
phone and sees its thumbnail in the portal; the agent sees it beside the staff's internal photo
on the detail page, on a desktop and on a phone. Screenshots go to test-artifacts/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.workorders import attachments
from aftersales.workorders.models import Attachment
from tests import factories
from tests.e2e.test_workorder_flow import PHONE, _login
from tests.workorders.attachment_samples import jpeg, media, pdf, upload

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static", "media")]
__all__ = ["media"]

DESKTOP = {"width": 1280, "height": 800}


def _thumbnails_loaded(page: Page, count: int) -> None:
    """Wait until the browser has decoded ``count`` thumbnails (lazy images load once they are in
    view; a broken image would never get a natural width)."""
    for img in page.locator("#attachment-list img").all():
        img.scroll_into_view_if_needed()
    page.wait_for_function(
        "n => [...document.querySelectorAll('#attachment-list img')]"
        ".filter(img => img.complete && img.naturalWidth > 0).length === n",
        arg=count,
    )


def _screenshots(page: Page, section, artifacts, name: str) -> None:
    """The whole page from the top (the sticky menu where it belongs), and the attachments."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    section.screenshot(path=artifacts / f"{name}-section.png")


def test_customer_uploads_a_photo_on_the_phone_and_the_agent_sees_it(browser, live_server, artifacts):
    base = live_server.url
    agent = factories.UserFactory(role="agent", display_name="王客服")
    product = factories.InstalledProductFactory(customer__name="刘建国")
    wo = factories.make_work_order(agent, product, symptom="热水器底部漏水，地面有积水")
    customer = factories.portal_user(product.customer)
    attachments.attachment_add(actor=agent, work_order_id=wo.pk, file=upload(jpeg((900, 600)), "内部-检修前.jpg"))
    attachments.attachment_add(
        actor=agent, work_order_id=wo.pk, file=upload(pdf(), "上门服务报价单.pdf"), visible_to_customer=True
    )

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = phone.new_page()
        _login(page, base, customer.username)
        page.goto(f"{base}/portal/{wo.pk}/")
        section = page.locator("#attachments")
        expect(section).to_contain_text("照片和文件")
        expect(section).to_contain_text("上门服务报价单.pdf")
        expect(section).not_to_contain_text("内部-检修前")  # staff's internal photo
        page.set_input_files(
            "#attachment-form input[type=file]",
            files=[{"name": "漏水位置.jpg", "mimeType": "image/jpeg", "buffer": jpeg((1600, 1200), gps=True)}],
        )
        page.locator("#attachment-form button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/portal/{wo.pk}/#attachments$"))
        expect(page.locator(".alert-success")).to_contain_text("漏水位置.jpg")
        expect(section.locator("img[alt='漏水位置.jpg']")).to_be_visible()
        _thumbnails_loaded(page, 1)
        no_sideways = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert no_sideways, "the portal detail scrolls sideways on a 390 px phone"
        _screenshots(page, section, artifacts, "attachments-portal-phone")

        # A file that only says it is a photo gets the Chinese message and saves nothing.
        page.set_input_files(
            "#attachment-form input[type=file]",
            files=[{"name": "照片.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture at all"}],
        )
        page.locator("#attachment-form button[type=submit]").click()
        expect(page.locator("#attachment-form")).to_contain_text("不支持此类文件")
        page.screenshot(path=artifacts / "attachments-portal-phone-refused.png", full_page=True)
    finally:
        phone.close()
    assert Attachment.objects.filter(work_order=wo).count() == 3

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        try:
            page = context.new_page()
            _login(page, base, agent.username)
            page.goto(f"{base}/work-orders/{wo.pk}/#attachments")
            section = page.locator("#attachments")
            expect(section.locator("img[alt='漏水位置.jpg']")).to_be_visible()
            expect(section).to_contain_text("内部")
            expect(section).to_contain_text("客户可见")
            expect(section.locator("input[name=visible_to_customer]")).to_be_visible()
            _thumbnails_loaded(page, 2)
            expect(page.locator("section.wo-timeline")).to_contain_text("添加了附件（客户可见）")
            _screenshots(page, section, artifacts, f"attachments-staff-{name}")
        finally:
            context.close()
