"""R-6.5: repair orders through their lifecycle, each rule at the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.core.errors import DomainError
from aftersales.core.models import OutboxMessage
from aftersales.repairs import services, shipping
from aftersales.repairs.deadlines import deadline_scan
from aftersales.repairs.models import Inspection, RepairOrder
from aftersales.workorders.models import Communication, WorkOrderEvent
from tests.factories import make_work_order
from tests.repairs.conftest import at, walk

pytestmark = pytest.mark.django_db


def _code(excinfo) -> str:
    return excinfo.value.code


def test_r6_5_repair_order_is_numbered_rr_year_sequence(people, work_order):
    ro = services.repair_order_create(actor=people.agent, work_order_id=work_order.pk)
    assert ro.number.startswith("RR-")
    assert ro.number.endswith("-000001")
    assert ro.status == "expected"
    assert ro.fault == work_order.symptom
    second = services.repair_order_create(actor=people.agent, work_order_id=make_work_order(people.agent).pk)
    assert second.number.endswith("-000002")


def test_r6_5_one_open_repair_order_per_work_order(people, work_order):
    services.repair_order_create(actor=people.agent, work_order_id=work_order.pk)
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_create(actor=people.agent, work_order_id=work_order.pk)
    assert _code(excinfo) == "repair_order_already_open"


def test_r6_5_receiving_records_condition_accessories_and_photos(people, work_order):
    from aftersales.demo.seed import demo_photo

    ro = services.repair_order_create(actor=people.agent, work_order_id=work_order.pk)
    photo = SimpleUploadedFile("到货.jpg", demo_photo(1), content_type="image/jpeg")
    services.repair_order_receive(
        actor=people.agent,
        repair_order_id=ro.pk,
        condition="外壳有划痕",
        accessories=["power_cord", "manual"],
        accessories_other="底座",
        photos=[photo],
    )
    ro.refresh_from_db()
    assert ro.status == "received"
    assert ro.received_by == people.agent
    assert ro.accessories == ["power_cord", "manual"]
    assert ro.accessories_other == "底座"
    assert ro.photos.count() == 1
    assert ro.photos.get().work_order_id == work_order.pk
    assert ro.deadline_at is not None
    assert ro.original_deadline_at == ro.deadline_at
    event = ro.events.get(action="receive")
    assert event.from_status == "expected"
    assert event.to_status == "received"
    assert WorkOrderEvent.objects.filter(work_order=work_order, action="repair_receive").exists()


def test_r6_5_receiving_refuses_unknown_accessories_and_missing_condition(people, work_order):
    ro = services.repair_order_create(actor=people.agent, work_order_id=work_order.pk)
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_receive(actor=people.agent, repair_order_id=ro.pk, condition="", accessories=[])
    assert "condition" in excinfo.value.fields
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_receive(actor=people.agent, repair_order_id=ro.pk, condition="好", accessories=["x"])
    assert "accessories" in excinfo.value.fields


def test_r6_5_repairer_must_be_a_repairer_role(people, work_order):
    ro = walk(people, work_order, to="received")
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_assign(actor=people.agent, repair_order_id=ro.pk, repairer_id=people.qa.pk)
    assert _code(excinfo) == "invalid_repairer"
    assert "repairer_id" in excinfo.value.fields
    services.repair_order_assign(actor=people.agent, repair_order_id=ro.pk, repairer_id=people.expert.pk)
    ro.refresh_from_db()
    assert ro.status == "assigned"
    assert ro.repairer == people.expert
    assert OutboxMessage.objects.filter(recipient=people.expert, kind="repair_assigned").exists()


def test_r6_5_only_the_named_repairer_diagnoses(people, work_order):
    ro = walk(people, work_order, to="assigned")
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_diagnose(actor=people.other_technician, repair_order_id=ro.pk, diagnosis="x")
    assert excinfo.value.status == 404  # another technician does not even see it
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_diagnose(actor=people.agent, repair_order_id=ro.pk, diagnosis="x")
    assert _code(excinfo) == "permission_denied"


def test_r6_5_failed_qa_sends_it_back_to_repair_and_the_loop_is_on_the_timeline(people, work_order):
    ro = walk(people, work_order, to="inspecting")
    with pytest.raises(DomainError) as excinfo:  # a failure says what is wrong
        services.repair_order_inspect(actor=people.qa, repair_order_id=ro.pk, result="fail", notes="")
    assert "notes" in excinfo.value.fields
    services.repair_order_inspect(actor=people.qa, repair_order_id=ro.pk, result="fail", notes="制冷量不足")
    ro.refresh_from_db()
    assert ro.status == "repairing"
    assert ro.inspections_failed == 1
    services.repair_order_repair_done(actor=people.technician, repair_order_id=ro.pk, repair_notes="补充冷媒")
    services.repair_order_inspect(actor=people.qa, repair_order_id=ro.pk, result="pass", notes="")
    ro.refresh_from_db()
    assert ro.status == "passed"
    actions = list(ro.events.values_list("action", "to_status"))
    assert actions[-4:] == [
        ("repair_done", "inspecting"),
        ("inspect_fail", "repairing"),
        ("repair_done", "inspecting"),
        ("inspect_pass", "passed"),
    ]
    assert list(Inspection.objects.filter(repair_order=ro).values_list("result", flat=True)) == ["fail", "pass"]
    assert OutboxMessage.objects.filter(recipient=people.technician, kind="repair_inspection_failed").exists()


def test_r6_5_inspection_only_by_qa_and_not_by_the_repairer(people, work_order):
    ro = walk(people, work_order, to="inspecting")
    for actor in (people.agent, people.technician, people.executive):
        with pytest.raises(DomainError) as excinfo:
            services.repair_order_inspect(actor=actor, repair_order_id=ro.pk, result="pass")
        assert excinfo.value.status in (403, 404)
    # An administrator may inspect, but not a repair they did themselves.
    ro.repairer = people.admin
    ro.save()
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_inspect(actor=people.admin, repair_order_id=ro.pk, result="pass")
    assert _code(excinfo) == "inspector_is_repairer"


def test_r6_5_illegal_transition_is_refused(people, work_order):
    ro = walk(people, work_order, to="received")
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_inspect(actor=people.qa, repair_order_id=ro.pk, result="pass")
    assert _code(excinfo) == "illegal_transition"
    assert excinfo.value.status == 409
    with pytest.raises(DomainError) as excinfo:
        shipping.repair_order_ship(actor=people.agent, repair_order_id=ro.pk, tracking_number="EA1234567")
    assert _code(excinfo) == "illegal_transition"


@pytest.mark.clock("2026-09-28T10:00:00+08:00")
def test_r6_5_deadline_ten_working_days_across_national_day(seeded, people, work_order):
    """Received Mon 28 Sep 2026 10:00: working days 29, 30 Sep, (1-7 Oct off), 8, 9, Sat 10 Oct
    (worked), 12, 13, 14, 15, 16 Oct: due Fri 16 Oct 10:00 (plain Mon-Fri would say 12 Oct)."""
    ro = services.repair_order_create(actor=people.agent, work_order_id=work_order.pk)
    services.repair_order_receive(
        actor=people.agent, repair_order_id=ro.pk, condition="完好", received_at=at(2026, 9, 28, 10)
    )
    ro.refresh_from_db()
    assert ro.deadline_at == at(2026, 10, 16, 10)
    assert ro.original_deadline_at == at(2026, 10, 16, 10)
    assert at(2026, 10, 13) < ro.deadline_warn_at < ro.deadline_at


@pytest.mark.clock("2026-09-28T10:00:00+08:00")
def test_r6_5_deadline_warns_once_and_reports_the_breach_once(seeded, people, work_order):
    ro = walk(people, work_order, to="assigned")
    ro.refresh_from_db()
    assert deadline_scan(now=ro.deadline_warn_at - dt.timedelta(minutes=1)) == {"warned": 0, "escalated": 0}
    assert deadline_scan(now=ro.deadline_warn_at) == {"warned": 1, "escalated": 0}
    assert deadline_scan(now=ro.deadline_warn_at) == {"warned": 0, "escalated": 0}
    assert OutboxMessage.objects.filter(recipient=people.technician, kind="repair_deadline_warning").count() >= 1
    assert deadline_scan(now=ro.deadline_at) == {"warned": 0, "escalated": 1}
    assert deadline_scan(now=ro.deadline_at + dt.timedelta(days=1)) == {"warned": 0, "escalated": 0}
    ro.refresh_from_db()
    assert ro.deadline_breached
    assert OutboxMessage.objects.filter(recipient=people.supervisor, kind="repair_deadline_breach").exists()


@pytest.mark.clock("2026-09-28T10:00:00+08:00")
def test_r6_5_agreement_moves_the_deadline_and_keeps_the_original(seeded, people, work_order):
    ro = walk(people, work_order, to="repairing")
    ro.refresh_from_db()
    original = ro.original_deadline_at
    new = at(2026, 10, 30, 17)
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_agree(
            actor=people.agent,
            repair_order_id=ro.pk,
            new_deadline_at=original - dt.timedelta(days=1),
            agreed_with="张经理",
            agreed_at=at(2026, 9, 28, 9),
            channel="phone",
        )
    assert _code(excinfo) == "agreement_not_later"
    with pytest.raises(DomainError) as excinfo:
        services.repair_order_agree(
            actor=people.agent, repair_order_id=ro.pk, new_deadline_at=new, agreed_with="", agreed_at=None, channel="x"
        )
    assert {"agreed_with", "agreed_at", "channel"} <= set(excinfo.value.fields)
    agreement = services.repair_order_agree(
        actor=people.technician,  # the repairer may record it too
        repair_order_id=ro.pk,
        new_deadline_at=new,
        agreed_with="张经理",
        agreed_at=at(2026, 9, 28, 9, 30),
        channel="phone",
        note="需等待压缩机到货",
    )
    ro.refresh_from_db()
    assert ro.deadline_at == new
    assert ro.original_deadline_at == original
    assert agreement.old_deadline_at == original
    assert ro.events.filter(action="agree").exists()
    assert WorkOrderEvent.objects.filter(work_order=work_order, action="repair_agreement").exists()
    # The warning follows the new date.
    assert deadline_scan(now=original + dt.timedelta(minutes=1))["escalated"] == 0


def test_r6_5_return_shipment_meets_the_deadline_and_delivery_closes_it(people, work_order):
    ro = walk(people, work_order, to="shipped")
    ro.refresh_from_db()
    assert ro.deadline_met_at is not None
    assert not ro.deadline_breached
    shipment = ro.shipments.get()
    assert shipment.contents == "product"
    assert shipment.carrier == "ems"
    shipping.shipment_confirm_delivery(actor=people.agent, shipment_id=shipment.pk, note="客户签收")
    ro.refresh_from_db()
    assert ro.status == "closed"
    assert ro.closed_at is not None
    with pytest.raises(DomainError) as excinfo:
        shipping.shipment_confirm_delivery(actor=people.agent, shipment_id=shipment.pk)
    assert _code(excinfo) == "shipment_already_delivered"


def test_r6_6_shipment_in_the_communication_log_with_ems_default_and_rail_when_heavy(people, work_order, settings):
    settings.SHIPMENT_RAIL_OVER_KG = 30
    light = shipping.shipment_create(
        actor=people.agent, work_order_id=work_order.pk, contents="parts", tracking_number="EA000000001CN"
    )
    heavy = shipping.shipment_create(
        actor=people.dispatcher,
        work_order_id=work_order.pk,
        contents="documents",
        tracking_number="RAIL-778899",
        weight_kg="45.5",
    )
    assert light.carrier == "ems"
    assert heavy.carrier == "rail"
    comm = Communication.objects.get(pk=light.communication_id)
    assert comm.kind == "parcel"
    assert comm.direction == "out"
    assert comm.reference == "EA000000001CN"
    assert comm.work_order_id == work_order.pk
    assert "发件记录" in comm.summary
    shipping.shipment_confirm_delivery(actor=people.agent, shipment_id=light.pk)
    light.refresh_from_db()
    assert light.delivered_at is not None
    assert light.delivery_confirmed_by == people.agent


def test_r6_6_shipment_input_is_checked(people, work_order):
    for values, field in [
        ({"contents": "cake", "tracking_number": "EA1234"}, "contents"),
        ({"contents": "parts", "tracking_number": ""}, "tracking_number"),
        ({"contents": "parts", "tracking_number": "单号 1"}, "tracking_number"),
        ({"contents": "parts", "tracking_number": "EA1234", "weight_kg": "-1"}, "weight_kg"),
        ({"contents": "parts", "tracking_number": "EA1234", "carrier": "pigeon"}, "carrier"),
    ]:
        with pytest.raises(DomainError) as excinfo:
            shipping.shipment_create(actor=people.agent, work_order_id=work_order.pk, **values)
        assert field in excinfo.value.fields, values


def test_r6_5_refusals_by_role(people, work_order, customer_user):
    for actor in (people.technician, people.qa, people.executive, customer_user):
        with pytest.raises(DomainError) as excinfo:
            services.repair_order_create(actor=actor, work_order_id=work_order.pk)
        assert excinfo.value.status == 403
        with pytest.raises(DomainError):
            shipping.shipment_create(
                actor=actor, work_order_id=work_order.pk, contents="parts", tracking_number="EA12345"
            )
    ro = walk(people, work_order, to="expected")
    for actor in (people.technician, people.qa, people.executive, customer_user):
        with pytest.raises(DomainError) as excinfo:
            services.repair_order_receive(actor=actor, repair_order_id=ro.pk, condition="好")
        assert excinfo.value.status in (403, 404)


def test_r6_5_idempotency_key_returns_the_same_repair_order(people, work_order):
    first = services.repair_order_create(actor=people.agent, work_order_id=work_order.pk, idempotency_key="k1")
    again = services.repair_order_create(actor=people.agent, work_order_id=work_order.pk, idempotency_key="k1")
    assert first.pk == again.pk
    assert RepairOrder.objects.count() == 1


def test_r6_5_a_retried_inspection_with_its_key_is_recorded_once(people, work_order):
    ro = walk(people, work_order, to="inspecting")
    for _ in range(2):
        services.repair_order_inspect(
            actor=people.qa, repair_order_id=ro.pk, result="fail", notes="异响", idempotency_key="qa-1"
        )
    ro.refresh_from_db()
    assert ro.inspections_failed == 1
    assert ro.inspections.count() == 1
    with pytest.raises(DomainError) as excinfo:  # the same key for another request is refused
        services.repair_order_inspect(actor=people.qa, repair_order_id=ro.pk, result="pass", idempotency_key="qa-1")
    assert excinfo.value.code == "idempotency_key_reused"
