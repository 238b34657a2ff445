"""Appointments (R-6.1): an agreed window (who, when, how), the customer told through the outbox,
a reminder the day before (once), reschedule with the customer's agreement and reason, no
double-booking; and who may do it."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.errors import DomainError, NotFound, PermissionDenied
from aftersales.core.models import OutboxMessage
from aftersales.fieldservice import selectors
from aftersales.fieldservice.appointment_services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointments_remind_due,
)
from aftersales.fieldservice.models import AppointmentChange, AppointmentStatus
from aftersales.workorders.models import WorkOrder
from tests.factories import make_work_order
from tests.fieldservice.conftest import at

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 16, 9, 0)  # a Monday


def book(people, work_order, technician=None, start=None, hours=2, **kwargs):
    start = start or at(2026, 11, 17, 10, 30)
    values = {
        "actor": people.dispatcher,
        "work_order_id": work_order.pk,
        "technician_id": (technician or people.technician).pk,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=hours),
        "agreed_with": "张先生",
        "agreed_via": "phone",
        "to_prepare": "请清理空调下方空间",
        "now": NOW,
    }
    values.update(kwargs)
    return appointment_book(**values)


def test_r6_1_booking_records_the_agreement_assigns_and_tells_the_customer(seeded, people, work_order):
    appt = book(people, work_order)
    assert (appt.agreed_with, appt.agreed_via, appt.agreed_at) == ("张先生", "phone", NOW)
    assert appt.status == AppointmentStatus.SCHEDULED
    wo = WorkOrder.objects.get(pk=work_order.pk)
    assert wo.assignee_id == people.technician.pk  # booked for an unassigned work order: assigned
    assert wo.events.filter(action="appointment_booked").count() == 1
    to_customer = OutboxMessage.objects.get(kind="appointment_booked", recipient__isnull=True)
    assert "2026-11-17 10:30–12:30" in to_customer.body
    assert "维修李" in to_customer.body
    assert people.technician.phone in to_customer.body
    assert "请清理空调下方空间" in to_customer.body
    assert OutboxMessage.objects.filter(kind="appointment_booked", recipient=people.technician).exists()


def test_r6_1_a_technician_cannot_be_double_booked(seeded, people, work_order):
    book(people, work_order)
    other = make_work_order(people.agent)
    with pytest.raises(DomainError) as exc:
        book(people, other, start=at(2026, 11, 17, 11, 30))  # overlaps 10:30-12:30
    assert exc.value.code == "appointment_conflict"
    assert exc.value.status == 409
    assert "2026-11-17 10:30" in str(exc.value.message)
    # Back to back is fine, and so is another technician at the same time.
    book(people, other, start=at(2026, 11, 17, 12, 30))
    third = make_work_order(people.agent)
    book(people, third, technician=people.other_technician, start=at(2026, 11, 17, 10, 30))


def test_one_scheduled_appointment_per_work_order(seeded, people, work_order):
    book(people, work_order)
    with pytest.raises(DomainError) as exc:
        book(people, work_order, start=at(2026, 11, 18, 8, 30))
    assert exc.value.code == "appointment_exists"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"agreed_with": "  "}, "agreed_with"),
        ({"agreed_with": "张" * 101}, "agreed_with"),
        ({"agreed_via": "pigeon"}, "agreed_via"),
        ({"to_prepare": "x" * 501}, "to_prepare"),
        ({"ends_at": at(2026, 11, 17, 10, 30)}, "ends_at"),
        ({"ends_at": at(2026, 11, 17, 23, 30)}, "ends_at"),
        ({"starts_at": dt.datetime(2026, 11, 17, 10, 30)}, "starts_at"),  # noqa: DTZ001 (naive)
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"technician_id": "1"}, "technician_id"),
        ({"agreed_at": at(2026, 11, 17, 9)}, "agreed_at"),  # in the future
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(seeded, people, work_order, change, field):
    with pytest.raises(DomainError) as exc:
        book(people, work_order, **change)
    assert field in exc.value.fields
    assert not work_order.appointments.exists()
    assert WorkOrder.objects.get(pk=work_order.pk).assignee_id is None


def test_an_appointment_cannot_start_in_the_past(seeded, people, work_order):
    with pytest.raises(DomainError) as exc:
        book(people, work_order, start=at(2026, 11, 16, 8, 30))
    assert exc.value.code == "appointment_in_past"


def test_a_non_technician_or_unknown_technician_is_refused(seeded, people, work_order):
    with pytest.raises(DomainError) as exc:
        book(people, work_order, technician=people.agent)
    assert exc.value.status == 404
    assert "technician_id" in exc.value.fields
    with pytest.raises(DomainError):
        book(people, work_order, technician_id=2**62)


def test_a_closed_work_order_gets_no_appointment(seeded, people, work_order):
    WorkOrder.objects.filter(pk=work_order.pk).update(status="cancelled")
    with pytest.raises(DomainError) as exc:
        book(people, work_order)
    assert exc.value.code == "work_order_not_open"


@pytest.mark.parametrize("role", ["agent", "technician", "qa", "quality", "executive", "expert"])
def test_only_dispatchers_and_supervisors_book(seeded, people, work_order, role):
    actor = {
        "agent": people.agent,
        "technician": people.technician,
        "qa": people.qa,
        "quality": people.quality,
        "executive": people.executive,
        "expert": people.expert,
    }[role]
    with pytest.raises(PermissionDenied):
        book(people, work_order, actor=actor)


def test_a_customer_cannot_book(seeded, people, work_order, customer_user):
    with pytest.raises(PermissionDenied):
        book(people, work_order, actor=customer_user)


def test_supervisor_books_too(seeded, people, work_order):
    assert book(people, work_order, actor=people.supervisor).pk


def test_r6_1_reschedule_needs_agreement_and_reason_and_keeps_the_history(seeded, people, work_order):
    appt = book(people, work_order)
    move = {
        "actor": people.dispatcher,
        "appointment_id": appt.pk,
        "starts_at": at(2026, 11, 18, 14, 30),
        "ends_at": at(2026, 11, 18, 16, 30),
        "agreed_with": "张太太",
        "agreed_via": "sms",
        "now": NOW,
    }
    with pytest.raises(DomainError) as exc:
        appointment_reschedule(**move, reason=" ")
    assert "reason" in exc.value.fields
    moved = appointment_reschedule(**move, reason="客户周二要上班")
    assert (moved.starts_at, moved.agreed_with, moved.reschedule_count) == (at(2026, 11, 18, 14, 30), "张太太", 1)
    change = AppointmentChange.objects.get(appointment=appt)
    assert (change.from_starts_at, change.to_starts_at, change.reason) == (
        at(2026, 11, 17, 10, 30),
        at(2026, 11, 18, 14, 30),
        "客户周二要上班",
    )
    assert OutboxMessage.objects.filter(kind="appointment_moved", recipient__isnull=True).count() == 1
    assert work_order.events.filter(action="appointment_moved").count() == 1


def test_reschedule_to_another_technician_reassigns_and_refuses_a_busy_one(seeded, people, work_order):
    appt = book(people, work_order)
    busy = make_work_order(people.agent)
    book(people, busy, technician=people.other_technician, start=at(2026, 11, 18, 8, 30))
    move = {
        "actor": people.dispatcher,
        "appointment_id": appt.pk,
        "technician_id": people.other_technician.pk,
        "agreed_with": "张先生",
        "agreed_via": "phone",
        "reason": "李师傅请假",
        "now": NOW,
    }
    with pytest.raises(DomainError) as exc:
        appointment_reschedule(**move, starts_at=at(2026, 11, 18, 9), ends_at=at(2026, 11, 18, 10))
    assert exc.value.code == "appointment_conflict"
    appointment_reschedule(**move, starts_at=at(2026, 11, 18, 10, 30), ends_at=at(2026, 11, 18, 12, 30))
    assert WorkOrder.objects.get(pk=work_order.pk).assignee_id == people.other_technician.pk
    # The old slot is free again for the first technician.
    assert (
        selectors.conflicting_appointment(
            technician_id=people.technician.pk, starts_at=at(2026, 11, 17, 10, 30), ends_at=at(2026, 11, 17, 12, 30)
        )
        is None
    )


def test_a_technician_cannot_move_or_see_another_technicians_appointment(seeded, people, work_order):
    appt = book(people, work_order)
    with pytest.raises(PermissionDenied):
        appointment_reschedule(
            actor=people.technician,
            appointment_id=appt.pk,
            starts_at=at(2026, 11, 18, 8, 30),
            ends_at=at(2026, 11, 18, 10, 30),
            agreed_with="x",
            agreed_via="phone",
            reason="x",
            now=NOW,
        )
    assert selectors.appointment_get(actor=people.technician, appointment_id=appt.pk) == appt
    with pytest.raises(NotFound):
        selectors.appointment_get(actor=people.other_technician, appointment_id=appt.pk)


def test_cancel_frees_the_slot_and_cannot_be_repeated(seeded, people, work_order):
    appt = book(people, work_order)
    kwargs = {"actor": people.dispatcher, "appointment_id": appt.pk, "agreed_with": "张先生", "agreed_via": "phone"}
    appointment_cancel(**kwargs, reason="客户自行修好", now=NOW)
    assert selectors.open_appointments(technician_id=people.technician.pk, day=dt.date(2026, 11, 17)) == []
    with pytest.raises(DomainError) as exc:
        appointment_cancel(**kwargs, reason="again", now=NOW)
    assert exc.value.code == "appointment_not_scheduled"


def test_r6_1_the_reminder_goes_out_the_day_before_and_never_twice(seeded, people, work_order):
    appt = book(people, work_order)  # Tuesday 17 Nov
    assert appointments_remind_due(now=at(2026, 11, 16, 8, 0)) == 0  # before the reminder hour
    assert appointments_remind_due(now=at(2026, 11, 15, 12, 0)) == 0  # two days before
    assert appointments_remind_due(now=at(2026, 11, 16, 10, 0)) == 1
    assert appointments_remind_due(now=at(2026, 11, 16, 10, 10)) == 0
    reminders = OutboxMessage.objects.filter(kind="appointment_reminder")
    assert reminders.count() == 1
    assert "明天" in reminders.get().body
    # Moved to another day: reminded again for the new day, once.
    appointment_reschedule(
        actor=people.dispatcher,
        appointment_id=appt.pk,
        starts_at=at(2026, 11, 19, 8, 30),
        ends_at=at(2026, 11, 19, 10, 30),
        agreed_with="张先生",
        agreed_via="phone",
        reason="客户出差",
        now=at(2026, 11, 16, 11),
    )
    assert appointments_remind_due(now=at(2026, 11, 18, 9, 0)) == 1
    assert appointments_remind_due(now=at(2026, 11, 18, 9, 30)) == 0
    assert reminders.count() == 2


def test_r6_1_a_visit_done_keeps_its_window_taken(seeded, people, work_order):
    from aftersales.fieldservice.appointment_services import appointment_mark_done

    book(people, work_order)
    assert appointment_mark_done(work_order_id=work_order.pk) == 1
    with pytest.raises(DomainError) as exc:
        book(people, make_work_order(people.agent), start=at(2026, 11, 17, 11, 0))
    assert exc.value.code == "appointment_conflict"
