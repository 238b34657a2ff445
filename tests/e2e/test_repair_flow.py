"""R-6.5, R-6.6 in the browser: a product goes to the factory from its work order, is received
with the accessories checklist and a photo, repaired, fails QA, is repaired again, passes and is
shipped back; the delivery confirmation closes it. Phone (390×844) and desktop (1280×800)
screenshots of each page in test-artifacts/e2e/repairs-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from aftersales.demo.seed import demo_photo
from aftersales.repairs.models import RepairOrder
from tests import factories
from tests.e2e.test_workorder_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db", "_plain_static")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _context(browser, viewport):
    if viewport == PHONE:
        return browser.new_context(
            viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2
        )
    return browser.new_context(viewport=DESKTOP, locale="zh-CN")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"


def _shot(page: Page, artifacts, name: str) -> None:
    _no_sideways_scroll(page)
    page.screenshot(path=artifacts / f"repairs-{name}.png", full_page=True)


def _status(page: Page):
    return page.locator("header .badge.fs-6")


def test_r6_5_repair_order_through_receiving_a_failed_and_a_passed_inspection_and_the_return(
    browser, live_server, artifacts, tmp_path
):
    agent = factories.UserFactory(role="agent", display_name="王客服")
    tech = factories.UserFactory(role="technician", display_name="赵师傅")
    qa = factories.UserFactory(role="qa", display_name="陈质检")
    wo = factories.make_work_order(agent)
    photo = tmp_path / "到货.jpg"
    photo.write_bytes(demo_photo(2))
    base = live_server.url

    desk = _context(browser, DESKTOP)
    page = desk.new_page()
    _login(page, base, agent.username)
    page.goto(f"{base}/work-orders/{wo.pk}/")
    page.get_by_role("link", name="返厂维修").click()
    page.fill("#id_fault", "不制冷，外机异响")
    page.get_by_role("button", name="创建返修单").click()
    expect(_status(page)).to_have_text("待收货")
    ro = RepairOrder.objects.get(work_order=wo)

    page.get_by_role("link", name="登记收货").click()
    page.get_by_role("button", name="登记收货").click()  # without the condition: refused, named
    expect(page.locator("#id_condition_error")).to_be_visible()
    page.fill("#id_condition", "外壳右侧有划痕")
    page.get_by_label("遥控器").check()
    page.get_by_label("说明书").check()
    page.set_input_files("#id_photos", str(photo))
    _shot(page, artifacts, "receive-desktop")
    page.get_by_role("button", name="登记收货").click()
    expect(_status(page)).to_have_text("已收货")
    expect(page.locator("img[alt='到货.jpg']")).to_be_visible()

    page.select_option("#id_assign-repairer_id", str(tech.pk))
    page.locator("#action-assign").get_by_role("button", name="保存").click()
    expect(_status(page)).to_have_text("已派修")
    desk.close()

    # The repairer on the phone: their queue, the diagnosis, the repair.
    phone = _context(browser, PHONE)
    page = phone.new_page()
    _login(page, base, tech.username)
    page.goto(f"{base}/repairs/mine/")
    expect(page.get_by_text(ro.number)).to_be_visible()
    _shot(page, artifacts, "queue-phone")
    page.get_by_text(ro.number).click()
    page.fill("#id_diagnose-diagnosis", "启动电容损坏")
    page.locator("#action-diagnose").get_by_role("button", name="保存").click()
    expect(_status(page)).to_have_text("维修中")
    page.fill("#id_repair_done-repair_notes", "更换启动电容")
    _shot(page, artifacts, "detail-repairing-phone")
    page.locator("#action-repair_done").get_by_role("button", name="保存").click()
    expect(_status(page)).to_have_text("待质检")

    # QA on the phone: fails it, with what is wrong.
    qa_phone = _context(browser, PHONE)
    qa_page = qa_phone.new_page()
    _login(qa_page, base, qa.username)
    qa_page.goto(f"{base}/repairs/{ro.pk}/")
    qa_page.get_by_role("link", name="质量检验").click()
    qa_page.get_by_label("不合格").check()
    qa_page.get_by_role("button", name="提交质检结果").click()  # no notes: refused
    expect(qa_page.locator("#id_notes_error")).to_be_visible()
    qa_page.get_by_label("不合格").check()
    qa_page.fill("#id_notes", "老化测试后仍有异响")
    _shot(qa_page, artifacts, "inspect-phone")
    qa_page.get_by_role("button", name="提交质检结果").click()
    expect(_status(qa_page)).to_have_text("维修中")
    expect(qa_page.locator(".list-group-item-danger")).to_contain_text("老化测试后仍有异响")

    page.reload()
    page.fill("#id_repair_done-repair_notes", "加装减震垫")
    page.locator("#action-repair_done").get_by_role("button", name="保存").click()
    expect(_status(page)).to_have_text("待质检")

    qa_page.goto(f"{base}/repairs/{ro.pk}/inspect/")
    qa_page.get_by_label("合格", exact=True).check()
    qa_page.get_by_role("button", name="提交质检结果").click()
    expect(_status(qa_page)).to_have_text("质检合格，待寄回")
    qa_phone.close()
    phone.close()

    # The agent ships it back and confirms the delivery.
    desk = _context(browser, DESKTOP)
    page = desk.new_page()
    _login(page, base, agent.username)
    page.goto(f"{base}/repairs/")
    expect(page.get_by_text(ro.number)).to_be_visible()
    _shot(page, artifacts, "board-desktop")
    page.goto(f"{base}/repairs/{ro.pk}/")
    page.fill("#id_ship-tracking_number", "EA123456789CN")
    page.fill("#id_ship-weight_kg", "8.5")
    page.locator("#action-ship").get_by_role("button", name="保存").click()
    expect(_status(page)).to_have_text("已寄回，运输中")
    page.get_by_role("link", name=re.compile("确认签收")).click()
    expect(page.locator("#id_note")).to_be_visible()  # the delivery form has loaded
    _shot(page, artifacts, "shipment-desktop")
    page.fill("#id_note", "客户已签收")
    page.get_by_role("button", name="确认签收").click()
    expect(_status(page)).to_have_text("已签收关闭")
    timeline = page.locator("[aria-labelledby='h-timeline'] li")
    expect(timeline.filter(has_text="质检不合格")).to_have_count(1)  # the failed round of the loop
    expect(timeline.filter(has_text="维修完成")).to_have_count(2)
    _shot(page, artifacts, "detail-closed-desktop")
    page.goto(f"{base}/work-orders/{wo.pk}/")
    expect(page.locator("#repairs")).to_contain_text(ro.number)
    expect(page.get_by_text("返修质检不合格").first).to_be_visible()
    desk.close()

    ro.refresh_from_db()
    assert ro.status == "closed"
    assert ro.inspections_failed == 1
    assert ro.photos.count() == 1


def test_r6_5_repair_pages_on_both_screens(browser, live_server, artifacts):
    """The board, the queue, a detail page and the shipment form fit a phone and a desktop."""
    from tests.repairs.conftest import People, walk

    people = People()
    for target in ("expected", "received", "repairing", "inspecting", "passed"):
        walk(people, factories.make_work_order(people.agent), to=target)
    ro = RepairOrder.objects.get(status="inspecting")
    wo = factories.make_work_order(people.agent)
    for viewport, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context = _context(browser, viewport)
        page = context.new_page()
        _login(page, live_server.url, people.agent.username)
        page.goto(f"{live_server.url}/repairs/")
        expect(page.locator(".repair-board section")).to_have_count(7)
        _shot(page, artifacts, f"board-{suffix}")
        page.goto(f"{live_server.url}/repairs/{ro.pk}/")
        _shot(page, artifacts, f"detail-{suffix}")
        page.goto(f"{live_server.url}/repairs/shipments/new/?work_order={wo.pk}")
        _shot(page, artifacts, f"shipment-form-{suffix}")
        context.close()
        context = _context(browser, viewport)
        page = context.new_page()
        _login(page, live_server.url, people.technician.username)
        page.goto(f"{live_server.url}/repairs/mine/")
        _shot(page, artifacts, f"queue-{suffix}")
        page.goto(f"{live_server.url}/repairs/{ro.pk}/")
        _shot(page, artifacts, f"detail-technician-{suffix}")
        context.close()
        context = _context(browser, viewport)
        page = context.new_page()
        _login(page, live_server.url, people.qa.username)
        page.goto(f"{live_server.url}/repairs/{ro.pk}/inspect/")
        _shot(page, artifacts, f"inspect-{suffix}")
        context.close()
