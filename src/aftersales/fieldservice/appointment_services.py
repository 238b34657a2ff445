"""Appointment writes (R-6.1): book, reschedule, cancel, and the day-before reminder.

Rules, the same for the board, the work-order page and the API (they all call these):

- Dispatchers and supervisors (``fieldservice.manage_appointment``) book, move and cancel; the
  work order must be open and in their scope. Booking for a technician who is not the work
  order's assignee assigns it to them first, through ``work_order_assign`` (so the staff app's
  certification check, R-5.2, refuses an ineligible technician here as well).
- A window is agreed with the customer: who agreed, how and when are required; a reschedule or a
  cancellation also needs the reason, and is kept as an ``AppointmentChange``.
- A technician is never double-booked: after locking the work order, the technician's user row
  is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write lock is already held since the
  transaction began, ``transaction_mode=IMMEDIATE``), then overlapping scheduled appointments are
  looked for. Two dispatchers booking the same technician at once: the second waits for the
  first's commit, sees its appointment and gets ``appointment_conflict``.
- The customer is told the window, the technician's name and phone and what to prepare, through
  the outbox; the technician hears of it in the app. A reminder goes out once, the day before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.fieldservice import appointment_notifications as notifications
from aftersales.fieldservice import conf, selectors
from aftersales.fieldservice.errors import AppointmentErrorCode
from aftersales.fieldservice.models import AgreedVia, Appointment, AppointmentChange, AppointmentStatus
from aftersales.fieldservice.models.appointments import window_text
from aftersales.workorders import services as work_orders
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import OPEN_STATUSES

MAX_WINDOW = dt.timedelta(hours=12)
MIN_WINDOW = dt.timedelta(minutes=15)
AGREED_WITH_MAX = Appointment._meta.get_field("agreed_with").max_length or 100
TEXT_MAX = 500
# An appointment may start a little before "now" (the form was opened a few minutes earlier).
PAST_GRACE = dt.timedelta(minutes=5)
# How far ahead one can book.
MAX_AHEAD = dt.timedelta(days=366)


def _require_manage(actor: Any) -> None:
    if (
        not getattr(actor, "is_authenticated", False)
        or selectors.is_portal_user(actor)
        or not actor.has_perm("fieldservice.manage_appointment")
    ):
        raise PermissionDenied()


def can_manage(actor: Any) -> bool:
    """Whether ``actor`` may book, move and cancel appointments (what the pages offer)."""
    try:
        _require_manage(actor)
    except PermissionDenied:
        return False
    return True


def _text(value: Any, field: str, *, limit: int, required: Any = None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed({field: _("Enter text.")})
    text: str = value.strip()
    if required is not None and not text:
        raise ValidationFailed({field: required})
    if len(text) > limit:
        raise ValidationFailed({field: _("The text is longer than %(max)d characters.") % {"max": limit}})
    return text


def _agreement(agreed_with: Any, agreed_via: Any) -> tuple[str, str]:
    who = _text(agreed_with, "agreed_with", limit=AGREED_WITH_MAX, required=_("Say who agreed the time."))
    if agreed_via not in AgreedVia.values:
        raise ValidationFailed({"agreed_via": _("Choose how the time was agreed.")})
    return who, str(agreed_via)


def _agreed_at(value: Any, *, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise ValidationFailed({"agreed_at": _("Give the time with its time zone.")})
    if value > now + dt.timedelta(minutes=1):
        raise ValidationFailed({"agreed_at": _("The time of the agreement cannot be in the future.")})
    if value < now - dt.timedelta(days=30):
        raise ValidationFailed({"agreed_at": _("The time of the agreement is more than 30 days ago.")})
    return value


def _window(starts_at: Any, ends_at: Any, *, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            raise ValidationFailed({field: _("Give the time with its time zone.")})
    if ends_at <= starts_at:
        raise ValidationFailed({"ends_at": _("The end must be after the start.")})
    if ends_at - starts_at < MIN_WINDOW:
        raise ValidationFailed({"ends_at": _("A visit window is at least 15 minutes.")})
    if ends_at - starts_at > MAX_WINDOW:
        raise ValidationFailed({"ends_at": _("A visit window is at most 12 hours.")})
    if starts_at < now - PAST_GRACE:
        raise DomainError(
            AppointmentErrorCode.IN_PAST,
            _("An appointment cannot start in the past."),
            {"starts_at": _("Choose a time from now on.")},
            status=422,
        )
    if starts_at > now + MAX_AHEAD:
        raise ValidationFailed({"starts_at": _("Book at most a year ahead.")})
    return starts_at, ends_at


def technician_queryset() -> Any:
    """Active field technicians (the rows of the board, the people one can book)."""
    return get_user_model().objects.filter(is_active=True, customer__isnull=True, groups__name="technician")


def _technician(technician_id: Any) -> Any:
    if isinstance(technician_id, bool) or not isinstance(technician_id, int):
        raise ValidationFailed({"technician_id": _("Choose a technician.")})
    technician = technician_queryset().filter(pk=technician_id).first()
    if technician is None:
        raise DomainError(
            "not_found",
            _("Choose an active field technician."),
            {"technician_id": _("Choose an active field technician.")},
            status=404,
        )
    return technician


def _lock_technicians(*ids: int) -> None:
    """Lock the technicians' user rows in id order (no deadlock between two moves)."""
    list(get_user_model().objects.select_for_update().filter(pk__in=set(ids)).order_by("pk").values_list("pk"))


def _check_free(*, technician: Any, starts_at: dt.datetime, ends_at: dt.datetime, exclude_id: int | None) -> None:
    other = selectors.conflicting_appointment(
        technician_id=technician.pk, starts_at=starts_at, ends_at=ends_at, exclude_id=exclude_id
    )
    if other is not None:
        start = timezone.localtime(other.starts_at)
        end = timezone.localtime(other.ends_at)
        raise DomainError(
            AppointmentErrorCode.CONFLICT,
            _("%(name)s already has an appointment from %(start)s to %(end)s (%(number)s).")
            % {
                "name": str(technician),
                "start": f"{timezone.localtime(other.starts_at):%Y-%m-%d %H:%M}",
                "end": f"{timezone.localtime(other.ends_at):%H:%M}"
                if end.date() == start.date()
                else f"{timezone.localtime(other.ends_at):%Y-%m-%d %H:%M}",
                "number": other.work_order.number,
            },
            {"starts_at": _("The technician is busy at this time.")},
            status=409,
        )


def _open_work_order(wo: WorkOrder) -> None:
    if wo.status not in OPEN_STATUSES:
        raise DomainError(
            AppointmentErrorCode.WORK_ORDER_CLOSED,
            _("Only an open work order can have an appointment."),
            {"work_order_id": _("This work order is no longer open.")},
            status=409,
        )


def _ensure_assigned(*, actor: Any, work_order_id: int, technician: Any, wo: WorkOrder) -> WorkOrder:
    """Assign the work order to ``technician`` unless it already is (R-5.2 checks run there)."""
    if wo.assignee_id == technician.pk:
        return wo
    if not actor.has_perm("workorders.assign_workorder"):
        raise PermissionDenied(_("Only someone who may assign work orders can book another technician."))
    work_orders.work_order_assign(actor=actor, work_order_id=work_order_id, assignee_id=technician.pk)
    return work_orders.work_order_lock(actor=actor, work_order_id=work_order_id)


def appointment_book(
    *,
    actor: Any,
    work_order_id: int,
    technician_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    agreed_with: str,
    agreed_via: str,
    agreed_at: dt.datetime | None = None,
    to_prepare: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Book the window agreed with the customer for ``technician_id`` to visit (R-6.1)."""
    _require_manage(actor)
    now = now or timezone.now()
    starts_at, ends_at = _window(starts_at, ends_at, now=now)
    who, via = _agreement(agreed_with, agreed_via)
    agreed_at = _agreed_at(agreed_at, now=now)
    to_prepare = _text(to_prepare, "to_prepare", limit=TEXT_MAX)
    note = _text(note, "note", limit=TEXT_MAX)
    with transaction.atomic():
        wo = work_orders.work_order_lock(actor=actor, work_order_id=work_order_id)
        _open_work_order(wo)
        technician = _technician(technician_id)
        if Appointment.objects.filter(work_order=wo, status=AppointmentStatus.SCHEDULED).exists():
            raise DomainError(
                AppointmentErrorCode.EXISTS,
                _("This work order already has an appointment; reschedule it instead."),
                {"work_order_id": _("Already has an appointment.")},
                status=409,
            )
        wo = _ensure_assigned(actor=actor, work_order_id=work_order_id, technician=technician, wo=wo)
        _lock_technicians(technician.pk)
        _check_free(technician=technician, starts_at=starts_at, ends_at=ends_at, exclude_id=None)
        appt = Appointment.objects.create(
            work_order=wo,
            technician=technician,
            starts_at=starts_at,
            ends_at=ends_at,
            agreed_with=who,
            agreed_via=via,
            agreed_at=agreed_at,
            to_prepare=to_prepare,
            note=note,
            created_by=actor,
        )
        work_orders.work_order_event_record(
            actor=actor,
            work_order=wo,
            action="appointment_booked",
            text=window_text(starts_at, ends_at),
            data={
                "appointment": appt.pk,
                "technician": technician.pk,
                "technician_name": str(technician),
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "agreed_with": who,
                "agreed_via": via,
            },
            at=now,
        )
        _on_agreed(wo, now=agreed_at)
        record(actor=actor, action="create", obj=appt, detail={"work_order": wo.pk, "technician": technician.pk})
        notifications.appointment_booked(appt)
    return appt


def _on_agreed(wo: WorkOrder, *, now: dt.datetime) -> None:
    """R-4.4: an agreed appointment meets the "appointment agreed" target (sla app)."""
    from aftersales.sla import targets as sla_targets

    sla_targets.on_appointment_agreed(wo, at=now)


def _locked_appointment(*, actor: Any, appointment_id: int) -> tuple[Appointment, WorkOrder]:
    """Find the appointment through the actor's scope, lock its work order, then the row."""
    if isinstance(appointment_id, bool) or not isinstance(appointment_id, int):
        raise NotFound()
    found = selectors.appointment_scope(actor=actor).filter(pk=appointment_id).values_list("work_order_id", flat=True)
    work_order_id = next(iter(found), None)
    if work_order_id is None:
        raise NotFound()
    wo = work_orders.work_order_lock(actor=actor, work_order_id=work_order_id)
    appt = Appointment.objects.select_for_update().select_related("technician").get(pk=appointment_id)
    if appt.status != AppointmentStatus.SCHEDULED:
        raise DomainError(
            AppointmentErrorCode.NOT_SCHEDULED,
            _("This appointment is no longer scheduled."),
            status=409,
        )
    return appt, wo


def appointment_reschedule(
    *,
    actor: Any,
    appointment_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    agreed_with: str,
    agreed_via: str,
    reason: str,
    technician_id: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move an appointment to another window (and/or technician) with the customer's agreement
    and the reason (R-6.1); the board's drag and drop ends here."""
    _require_manage(actor)
    now = now or timezone.now()
    starts_at, ends_at = _window(starts_at, ends_at, now=now)
    who, via = _agreement(agreed_with, agreed_via)
    reason = _text(reason, "reason", limit=TEXT_MAX, required=_("Give the reason for the new time."))
    with transaction.atomic():
        appt, wo = _locked_appointment(actor=actor, appointment_id=appointment_id)
        _open_work_order(wo)
        old_technician = appt.technician
        technician = old_technician if technician_id is None else _technician(technician_id)
        if technician.pk == old_technician.pk and (starts_at, ends_at) == (appt.starts_at, appt.ends_at):
            raise DomainError(
                AppointmentErrorCode.UNCHANGED,
                _("The new time is the same as the old one."),
                {"starts_at": _("Choose another time or technician.")},
                status=422,
            )
        wo = _ensure_assigned(actor=actor, work_order_id=wo.pk, technician=technician, wo=wo)
        _lock_technicians(technician.pk, old_technician.pk)
        _check_free(technician=technician, starts_at=starts_at, ends_at=ends_at, exclude_id=appt.pk)
        change = AppointmentChange.objects.create(
            appointment=appt,
            from_starts_at=appt.starts_at,
            from_ends_at=appt.ends_at,
            to_starts_at=starts_at,
            to_ends_at=ends_at,
            from_technician=old_technician,
            to_technician=technician,
            agreed_with=who,
            agreed_via=via,
            reason=reason,
            actor=actor,
            at=now,
        )
        old_window = window_text(appt.starts_at, appt.ends_at)
        # A new day needs its own reminder; the same day keeps the one already sent.
        if timezone.localtime(appt.starts_at).date() != timezone.localtime(starts_at).date():
            appt.reminder_sent_at = None
        appt.starts_at, appt.ends_at, appt.technician = starts_at, ends_at, technician
        appt.agreed_with, appt.agreed_via, appt.agreed_at = who, via, now
        appt.reschedule_count += 1
        appt.save()
        work_orders.work_order_event_record(
            actor=actor,
            work_order=wo,
            action="appointment_moved",
            text=f"{old_window} → {window_text(starts_at, ends_at)}: {reason}",
            data={
                "appointment": appt.pk,
                "change": change.pk,
                "technician": technician.pk,
                "technician_name": str(technician),
                "agreed_with": who,
                "agreed_via": via,
            },
            at=now,
        )
        record(
            actor=actor,
            action="change",
            verb="reschedule",
            obj=appt,
            detail={"change": change.pk, "technician": technician.pk},
        )
        notifications.appointment_moved(appt, change=change, previous_technician=old_technician)
    return appt


def appointment_cancel(
    *,
    actor: Any,
    appointment_id: int,
    agreed_with: str,
    agreed_via: str,
    reason: str,
    now: dt.datetime | None = None,
) -> Appointment:
    """Cancel a scheduled appointment with the customer's agreement and the reason."""
    _require_manage(actor)
    now = now or timezone.now()
    who, via = _agreement(agreed_with, agreed_via)
    reason = _text(reason, "reason", limit=TEXT_MAX, required=_("Give the reason for cancelling."))
    with transaction.atomic():
        appt, wo = _locked_appointment(actor=actor, appointment_id=appointment_id)
        change = AppointmentChange.objects.create(
            appointment=appt,
            from_starts_at=appt.starts_at,
            from_ends_at=appt.ends_at,
            from_technician=appt.technician,
            agreed_with=who,
            agreed_via=via,
            reason=reason,
            actor=actor,
            at=now,
        )
        appt.status = AppointmentStatus.CANCELLED
        appt.cancel_reason = reason
        appt.save()
        work_orders.work_order_event_record(
            actor=actor,
            work_order=wo,
            action="appointment_cancel",
            text=f"{window_text(appt.starts_at, appt.ends_at)}: {reason}",
            data={"appointment": appt.pk, "change": change.pk, "agreed_with": who, "agreed_via": via},
            at=now,
        )
        record(actor=actor, action="change", verb="cancel_appointment", obj=appt, detail={"change": change.pk})
        notifications.appointment_cancelled(appt)
    return appt


def appointment_mark_done(*, work_order_id: int, now: dt.datetime | None = None) -> int:
    """The visit of the work order happened (the visit service calls this at check-in, inside
    its transaction): its scheduled appointment is done. Returns how many rows changed (0 or 1)."""
    return Appointment.objects.filter(work_order_id=work_order_id, status=AppointmentStatus.SCHEDULED).update(
        status=AppointmentStatus.DONE, updated_at=now or timezone.now()
    )


# ---- the day-before reminder (Huey periodic job) ----------------------------------------------
def appointments_remind_due(*, now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Remind the customers of tomorrow's scheduled appointments, once each (R-6.1).

    From ``FIELD_REMINDER_HOUR`` local time, every scheduled appointment starting tomorrow that
    has no reminder yet is claimed by a conditional UPDATE (``reminder_sent_at`` NULL → now) and
    its message written to the outbox in the same transaction: a second run, or two workers at
    once, find nothing left to claim. Returns how many reminders were written."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < conf.reminder_hour():
        return 0
    tomorrow = local.date() + dt.timedelta(days=1)
    start, end = selectors.day_bounds(tomorrow)
    due = Q(status=AppointmentStatus.SCHEDULED, reminder_sent_at__isnull=True, starts_at__gte=start, starts_at__lt=end)
    ids = list(Appointment.objects.filter(due).order_by("starts_at", "id").values_list("pk", flat=True)[:batch_size])
    sent = 0
    for pk in ids:
        with transaction.atomic():
            if not Appointment.objects.filter(due, pk=pk).update(reminder_sent_at=now):
                continue  # another run claimed it
            appt = Appointment.objects.select_related("work_order__customer", "work_order__contact", "technician").get(
                pk=pk
            )
            notifications.appointment_reminder(appt)
            sent += 1
    return sent
