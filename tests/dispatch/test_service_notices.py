"""R-5.3: the service notice (售后服务通知单): numbered SN-YYYY-NNNNNN without gaps, issued by who
may dispatch, frozen at issue time, re-issued with a new number (the earlier superseded), sent to
the technicians and the customer in Chinese, refused with codes."""

from __future__ import annotations

import pytest

from aftersales.audit.models import AccessLog
from aftersales.core.errors import DomainError, NotFound, PermissionDenied
from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import Channel
from aftersales.dispatch import notices
from aftersales.dispatch.models import ServiceNotice
from aftersales.workorders import services as work_orders
from aftersales.workorders.models import WorkOrder, WorkOrderEvent
from tests.dispatch.notice_helpers import CLOCK, NOW, booked
from tests.factories import PartFactory, UserFactory, portal_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock(CLOCK)]


def issue(world, wo, **kwargs):
    kwargs.setdefault("actor", world.dispatcher)
    return notices.service_notice_issue(work_order_id=wo.pk, now=NOW, **kwargs)


def test_r5_3_numbers_are_gap_free_and_a_refusal_gives_its_number_back(world):
    first, second = booked(world), booked(world, world.near)
    a = issue(world, first)
    with pytest.raises(DomainError):
        issue(world, second, parts=[{"code": "NO-SUCH", "quantity": 1}])  # refused after the lock
    b = issue(world, second)
    assert a.number == "SN-2026-000001"
    assert b.number == "SN-2026-000002"


def test_r5_3_the_notice_holds_what_the_document_shows(world):
    wo = booked(world)
    helper = world.near
    capacitor = PartFactory(code="CAP-35", name="压缩机电容 35μF", unit="个")
    notice = issue(
        world, wo, helper_ids=[helper.pk], tools="万用表、冷媒压力表", parts=[{"part_id": capacitor.pk, "quantity": 2}]
    )
    snap = notice.snapshot
    assert notice.lead_technician == world.best
    assert list(notice.helpers.all()) == [helper]
    assert notice.appointment is not None
    assert snap["customer"]["name"] == wo.customer.name
    assert snap["customer"]["address"] == wo.customer.address
    assert snap["product"]["serial_number"] == wo.installed_product.serial_number
    assert snap["fault"]["symptom"] == wo.symptom
    assert snap["appointment"]["window"] == "2026-11-21 09:00–11:00"
    assert snap["service_preferences"] == wo.customer.service_preferences
    assert [t["name"] for t in snap["technicians"]] == [str(world.best), str(helper)]
    assert snap["tools"] == "万用表、冷媒压力表"
    assert snap["parts"] == [
        {"id": capacitor.pk, "code": "CAP-35", "name": "压缩机电容 35μF", "unit": "个", "quantity": 2}
    ]
    event = WorkOrderEvent.objects.get(work_order=wo, action="service_notice")
    assert event.data["number"] == notice.number
    assert AccessLog.objects.filter(verb="service_notice_issue", object_id=str(notice.pk)).exists()


def test_r5_3_snapshot_unchanged_after_the_customer_is_edited(world):
    wo = booked(world)
    notice = issue(world, wo)
    customer = wo.customer
    customer.name, customer.address, customer.service_preferences = "新名字", "北京市朝阳区", "周末上门"
    customer.save()
    notice.refresh_from_db()
    assert notice.snapshot["customer"]["address"] == "上海市浦东新区张江路88号3栋1201室"
    assert notice.snapshot["service_preferences"] == "家中有老人，请上午上门"
    assert notice.snapshot["customer"]["name"] != "新名字"


def test_r5_3_reissue_gives_a_new_number_and_supersedes_the_first(world):
    wo = booked(world)
    first = issue(world, wo)
    second = issue(world, wo, tools="梯子")
    first.refresh_from_db()
    assert second.number != first.number
    assert first.superseded_by == second
    assert not first.is_current
    assert second.is_current
    assert ServiceNotice.objects.filter(work_order=wo, superseded_at__isnull=True).count() == 1


def test_r5_3_sent_to_technicians_and_customer_in_chinese(world):
    wo = booked(world, to_prepare="请提前关闭设备电源")
    notice = issue(world, wo, helper_ids=[world.near.pk])
    to_tech = OutboxMessage.objects.filter(kind="service_notice", recipient=world.best, channel=Channel.IN_APP).get()
    assert notice.number in to_tech.subject
    assert "服务通知单" in to_tech.subject
    assert f"/dispatch/notices/{notice.pk}/pdf/" in to_tech.body
    assert f"/field/work-orders/{wo.pk}/visit/" in to_tech.body
    assert OutboxMessage.objects.filter(kind="service_notice", recipient=world.near, channel=Channel.IN_APP).exists()
    sms = OutboxMessage.objects.filter(kind="service_notice", recipient__isnull=True).get()
    assert sms.channel == Channel.SMS
    assert str(world.best) in sms.body
    assert world.best.phone in sms.body
    assert "2026-11-21 09:00–11:00" in sms.body
    assert "请提前关闭设备电源" in sms.body
    assert "工程师" in sms.body or "技术员" in sms.body
    assert len(sms.body) <= 500


@pytest.mark.parametrize("status", ["closed", "cancelled", "resolved"])
def test_r5_3_no_notice_for_a_finished_work_order(world, status):
    wo = booked(world)
    WorkOrder.objects.filter(pk=wo.pk).update(status=status)
    with pytest.raises(DomainError) as refused:
        issue(world, wo)
    assert refused.value.code == "notice_work_order_closed"


def test_r5_3_no_technician_assigned(world):
    wo = world.work_order()
    with pytest.raises(DomainError) as refused:
        issue(world, wo)
    assert refused.value.code == "notice_no_technician"
    assert not ServiceNotice.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"helper_ids": "x"}, "validation_error"),
        ({"helper_ids": [True]}, "validation_error"),
        ({"tools": "x" * 1001}, "validation_error"),
        ({"tools": "a\x00b"}, "validation_error"),
        ({"parts": [{"code": "NOPE", "quantity": 1}]}, "notice_part_unknown"),
        ({"parts": [{"quantity": 1}]}, "notice_part_unknown"),
        ({"parts": ["CAP"]}, "validation_error"),
        ({"parts": {"code": "CAP"}}, "validation_error"),
    ],
)
def test_r5_3_bad_input_is_refused_with_a_code(world, kwargs, code):
    wo = booked(world)
    with pytest.raises(DomainError) as refused:
        issue(world, wo, **kwargs)
    assert refused.value.code == code


@pytest.mark.parametrize("quantity", [0, -1, 1000, 1.5, "2", True, None])
def test_r5_3_bad_quantity(world, quantity):
    wo = booked(world)
    cap = PartFactory()
    with pytest.raises(DomainError) as refused:
        issue(world, wo, parts=[{"part_id": cap.pk, "quantity": quantity}])
    assert refused.value.code == "notice_part_quantity"


def test_r5_3_an_inactive_part_or_the_same_part_twice(world):
    wo = booked(world)
    old = PartFactory(active=False)
    cap = PartFactory()
    with pytest.raises(DomainError) as refused:
        issue(world, wo, parts=[{"part_id": old.pk, "quantity": 1}])
    assert refused.value.code == "notice_part_unknown"
    with pytest.raises(DomainError) as refused:
        issue(world, wo, parts=[{"part_id": cap.pk, "quantity": 1}, {"code": cap.code, "quantity": 2}])
    assert refused.value.code == "notice_part_twice"


def test_r5_3_helpers_must_be_active_technicians_other_than_the_lead(world):
    wo = booked(world)
    for helper, code in (
        (world.agent, "notice_helper_not_technician"),
        (UserFactory(role="technician", is_active=False), "notice_helper_not_technician"),
        (world.best, "notice_helper_is_lead"),
    ):
        with pytest.raises(DomainError) as refused:
            issue(world, wo, helper_ids=[helper.pk])
        assert refused.value.code == code
    with pytest.raises(DomainError) as refused:
        issue(world, wo, helper_ids=[2**40])
    assert refused.value.code == "notice_helper_not_technician"


@pytest.mark.certification_rule
def test_r5_3_a_helper_without_a_valid_certification_is_refused_r_5_2(world):
    wo = booked(world)
    with pytest.raises(DomainError) as refused:
        issue(world, wo, helper_ids=[world.expired.pk])
    assert refused.value.code not in ("", "validation_error")
    assert issue(world, wo, helper_ids=[world.near.pk]).helpers.count() == 1


def test_r5_3_who_may_issue(world):
    wo = booked(world)
    assert issue(world, wo, actor=world.supervisor).number.startswith("SN-2026-")
    for actor in (world.best, world.executive, world.qa):
        with pytest.raises(PermissionDenied):
            issue(world, wo, actor=actor)
    with pytest.raises(NotFound):
        issue(world, wo, actor=portal_user(wo.customer))


def test_r5_3_scope_technicians_see_their_own_customers_none(world):
    wo = booked(world)
    other = booked(world, world.far_tech)
    mine = issue(world, wo, helper_ids=[world.near.pk])
    theirs = issue(world, other)
    assert set(notices.notice_scope(actor=world.best)) == {mine}
    assert set(notices.notice_scope(actor=world.near)) == {mine}  # helping on it
    assert set(notices.notice_scope(actor=world.far_tech)) == {theirs}
    assert set(notices.notice_scope(actor=world.executive)) == {mine, theirs}
    assert not notices.notice_scope(actor=portal_user(wo.customer)).exists()
    issue(world, wo)  # re-issued without the helper: his superseded one is gone from his list
    assert not notices.notice_scope(actor=world.near).exists()


def test_r5_3_executives_see_phones_and_address_masked(world):
    wo = booked(world)
    notice = issue(world, wo)
    shown = notices.shown_snapshot(notice, world.executive)
    assert shown["customer"]["phone"] != wo.customer.phone
    assert shown["customer"]["address"] != wo.customer.address
    assert notices.shown_snapshot(notice, world.dispatcher)["customer"]["phone"] == wo.customer.phone


def test_r5_3_an_archived_work_order_is_read_only(world):
    wo = booked(world)
    WorkOrder.objects.filter(pk=wo.pk).update(status="archived", archived_at=NOW)
    with pytest.raises(DomainError) as refused:
        issue(world, wo)
    assert refused.value.code in ("read_only", "work_order_read_only", "notice_work_order_closed")


def test_r5_3_the_assignment_service_is_the_lead(world):
    wo = world.work_order()
    work_orders.work_order_assign(actor=world.dispatcher, work_order_id=wo.pk, assignee_id=world.near.pk)
    notice = issue(world, wo)
    assert notice.lead_technician == world.near
    assert notice.appointment is None
    assert notice.snapshot["appointment"] is None
