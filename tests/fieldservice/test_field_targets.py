"""The field targets of R-4.4 as stored SLA targets: an emergency reached within 2 h (wall clock),
an appointment agreed within 24 h, the fault fixed at the first visit, a complex fault closed
within 3 working days (on the China calendar) — met, missed and breached like the others."""

from __future__ import annotations

import pytest
import time_machine

from aftersales.core.errors import ValidationFailed
from aftersales.fieldservice import visit_services as vs
from aftersales.sla.models import SlaBreach, TargetKind, WorkOrderTarget
from aftersales.workorders import services as wo_services
from aftersales.workorders.models import WorkOrder
from tests.factories import make_work_order
from tests.fieldservice.conftest import at
from tests.fieldservice.test_appointment_services import book
from tests.fieldservice.visit_helpers import jpeg, signature_png, upload

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-12-01T10:00:00+08:00")]


def field_order(people, *, priority="P2", service_type="repair", received_at=None):
    wo = make_work_order(
        people.agent, priority=priority, service_type=service_type, received_at=received_at or at(2026, 9, 29, 9)
    )
    WorkOrder.objects.filter(pk=wo.pk).update(assignee=people.technician, status="in_progress")
    wo.refresh_from_db()
    return wo


def target(wo, kind):
    return WorkOrderTarget.objects.filter(work_order=wo, kind=kind).first()


def visit_with_outcome(people, wo, *, fixed, arrived, signed):
    visit = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, now=arrived)
    vs.visit_record(
        actor=people.technician,
        visit_id=visit.pk,
        data={"diagnosis": "主板电源模块烧毁", "work_done": "更换电源模块", "fixed": fixed},
    )
    for stage in ("before", "after"):
        vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage=stage, file=upload(jpeg()), now=arrived)
    return vs.visit_sign(
        actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png(), now=signed
    )


def test_r4_4_intake_sets_the_arrival_for_an_emergency_and_the_appointment_otherwise(seeded, people):
    p1 = field_order(people, priority="P1", received_at=at(2026, 9, 29, 9))
    assert target(p1, TargetKind.ONSITE_ARRIVAL).due_at == at(2026, 9, 29, 11)  # 2 h, wall clock
    assert target(p1, TargetKind.APPOINTMENT_AGREED) is None
    p2 = field_order(people, priority="P2", received_at=at(2026, 9, 29, 9))
    assert target(p2, TargetKind.APPOINTMENT_AGREED).due_at == at(2026, 9, 30, 9)  # 24 h
    assert target(p2, TargetKind.ONSITE_ARRIVAL) is None
    remote = field_order(people, priority="P1", service_type="consultation")
    assert not WorkOrderTarget.objects.filter(
        work_order=remote, kind__in=[TargetKind.ONSITE_ARRIVAL, TargetKind.APPOINTMENT_AGREED]
    ).exists()


def test_r4_4_an_agreed_appointment_meets_its_target_a_late_one_is_a_breach(seeded, people):
    on_time = field_order(people, received_at=at(2026, 11, 15, 10))
    book(people, on_time, now=at(2026, 11, 16, 9))  # 23 h after receipt
    met = target(on_time, TargetKind.APPOINTMENT_AGREED)
    assert (met.met_at, met.breached) == (at(2026, 11, 16, 9), False)

    late = field_order(people, received_at=at(2026, 11, 14, 10))
    book(people, late, start=at(2026, 11, 18, 14), now=at(2026, 11, 16, 9))  # 47 h after receipt
    missed = target(late, TargetKind.APPOINTMENT_AGREED)
    assert missed.breached
    assert SlaBreach.objects.get(target=missed).overdue_seconds == 23 * 3600


def test_r4_4_checking_in_meets_the_emergency_arrival_and_starts_the_first_visit_fix(seeded, people):
    wo = field_order(people, priority="P1", received_at=at(2026, 9, 29, 9))
    vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, now=at(2026, 9, 29, 11, 30))
    arrival = target(wo, TargetKind.ONSITE_ARRIVAL)
    assert arrival.met_at == at(2026, 9, 29, 11, 30)
    assert arrival.breached  # half an hour late
    assert SlaBreach.objects.get(target=arrival).overdue_seconds == 30 * 60
    first = target(wo, TargetKind.FIRST_VISIT_FIX)
    assert (first.started_at, first.due_at, first.met_at) == (at(2026, 9, 29, 11, 30), at(2026, 9, 29, 19, 30), None)


def test_r4_4_remote_support_is_no_arrival(seeded, people):
    wo = field_order(people, priority="P1", received_at=at(2026, 9, 29, 9))
    vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, kind="remote", now=at(2026, 9, 29, 10))
    assert target(wo, TargetKind.ONSITE_ARRIVAL).met_at is None
    assert target(wo, TargetKind.FIRST_VISIT_FIX) is None


def test_r4_4_fixed_at_the_first_visit_is_met(seeded, people):
    wo = field_order(people)
    visit_with_outcome(people, wo, fixed=True, arrived=at(2026, 9, 29, 14), signed=at(2026, 9, 29, 16))
    first = target(wo, TargetKind.FIRST_VISIT_FIX)
    assert (first.met_at, first.breached) == (at(2026, 9, 29, 16), False)
    assert target(wo, TargetKind.COMPLEX_CLOSE) is None
    assert not SlaBreach.objects.filter(work_order=wo).exclude(kind=TargetKind.APPOINTMENT_AGREED).exists()


def test_r4_4_not_fixed_is_a_breach_and_the_complex_fault_gets_3_working_days_across_national_day(seeded, people):
    wo = field_order(people)
    visit_with_outcome(people, wo, fixed=False, arrived=at(2026, 9, 30, 14), signed=at(2026, 9, 30, 15))
    first = target(wo, TargetKind.FIRST_VISIT_FIX)
    assert (first.met_at, first.breached) == (at(2026, 9, 30, 15), True)
    assert SlaBreach.objects.filter(target=first, met_at=at(2026, 9, 30, 15)).count() == 1
    complex_close = target(wo, TargetKind.COMPLEX_CLOSE)
    assert complex_close.started_at == at(2026, 9, 30, 15)
    # 1–7 October are the holiday: Thursday 8, Friday 9 and Saturday 10 (a make-up working day).
    assert complex_close.due_at == at(2026, 10, 10, 15)
    wo.refresh_from_db()
    assert wo.next_due_at <= complex_close.due_at


def test_r4_4_a_second_visit_changes_nothing_and_the_resolution_closes_the_complex_fault(seeded, people):
    wo = field_order(people)
    visit_with_outcome(people, wo, fixed=False, arrived=at(2026, 9, 30, 14), signed=at(2026, 9, 30, 15))
    visit_with_outcome(people, wo, fixed=True, arrived=at(2026, 10, 8, 9), signed=at(2026, 10, 8, 11))
    assert WorkOrderTarget.objects.filter(work_order=wo, kind=TargetKind.FIRST_VISIT_FIX).count() == 1
    assert target(wo, TargetKind.FIRST_VISIT_FIX).breached
    assert WorkOrderTarget.objects.filter(work_order=wo, kind=TargetKind.COMPLEX_CLOSE).count() == 1
    assert target(wo, TargetKind.COMPLEX_CLOSE).met_at is None
    from aftersales.sla import targets as sla_targets

    sla_targets.on_resolved(wo, at=at(2026, 10, 9, 10))
    closed = target(wo, TargetKind.COMPLEX_CLOSE)
    assert (closed.met_at, closed.breached) == (at(2026, 10, 9, 10), False)


def test_r4_4_an_unrecorded_outcome_leaves_the_first_visit_target_to_the_watcher(seeded, people):
    wo = field_order(people)
    visit_with_outcome(people, wo, fixed=None, arrived=at(2026, 9, 29, 14), signed=at(2026, 9, 29, 16))
    first = target(wo, TargetKind.FIRST_VISIT_FIX)
    assert (first.met_at, first.due_at) == (None, at(2026, 9, 29, 22))


def test_r4_4_raised_to_p1_before_anyone_went_the_arrival_counts_from_then(seeded, people):
    wo = field_order(people, priority="P2", received_at=at(2026, 11, 16, 9))
    with time_machine.travel(at(2026, 11, 16, 10), tick=False):
        wo_services.work_order_set_priority(actor=people.agent, work_order_id=wo.pk, priority="P1", reason="燃气泄漏")
    arrival = target(wo, TargetKind.ONSITE_ARRIVAL)
    assert (arrival.started_at, arrival.due_at) == (at(2026, 11, 16, 10), at(2026, 11, 16, 12))
    assert target(wo, TargetKind.APPOINTMENT_AGREED).cancelled_at == at(2026, 11, 16, 10)  # P1 has no such rule


def test_r4_4_the_outcome_is_part_of_the_signed_content_and_checked(seeded, people):
    wo = field_order(people)
    with pytest.raises(ValidationFailed) as refused:
        vs.visit_record(actor=people.technician, visit_id=0, data={"fixed": "yes"})
    assert "fixed" in refused.value.fields
    visit = visit_with_outcome(people, wo, fixed=True, arrived=at(2026, 9, 29, 14), signed=at(2026, 9, 29, 16))
    assert vs.report_content(visit)["fixed"] is True
    assert vs.content_intact(visit)


def test_r4_4_the_outcome_through_the_api_and_the_page(seeded, people):
    from django.test import Client

    wo = field_order(people)
    visit = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, now=at(2026, 9, 29, 14))
    tech = Client()
    tech.force_login(people.technician)
    answer = tech.patch(f"/api/v1/visits/{visit.pk}", {"fixed": "yes"}, content_type="application/json")
    assert answer.status_code == 422
    assert "fixed" in answer.content.decode()
    answer = tech.patch(f"/api/v1/visits/{visit.pk}", {"fixed": False}, content_type="application/json")
    assert (answer.status_code, answer.json()["fixed"]) == (200, False)
    page = tech.get(f"/field/visits/{visit.pk}/").content.decode()
    assert "本次是否修复" in page
    answer = tech.post(f"/field/visits/{visit.pk}/do/record/", {"diagnosis": "电源模块", "fixed": "1"})
    assert answer.status_code == 302
    visit.refresh_from_db()
    assert visit.fixed is True
