"""Reads of appointments, already scoped to the actor (R-13.1), and the free-slot search.

Scope (one rule for pages and API): staff with ``fieldservice.view_all_appointments``
(dispatchers, supervisors, executives) see every appointment; a technician their own; a customer
(portal user) those of their organisation's work orders; everyone else nothing. Out of scope is
"not found".

``next_free_slot`` and ``open_appointments`` are also called by the dispatch proposals (they take
ids, not an actor: the caller has already decided who may see the proposal).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from aftersales.core.db import moment, plain_rows
from aftersales.core.errors import NotFound
from aftersales.core.limits import MAX_ID
from aftersales.fieldservice import conf
from aftersales.fieldservice.models import Appointment, AppointmentChange, AppointmentStatus
from aftersales.sla import clocks
from aftersales.sla import selectors as sla_selectors

LIST_LIMIT = 500
# What takes a technician's time: a scheduled visit, and one that took place (a visit done early
# does not free the rest of its window for another booking). Cancelled ones free it.
OCCUPYING = (AppointmentStatus.SCHEDULED, AppointmentStatus.DONE)


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[local midnight, next local midnight) of ``day``."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=_tz())
    return start, start + dt.timedelta(days=1)


# ---- for dispatch (ids, no actor) -----------------------------------------------------------
def open_appointments(*, technician_id: int, day: dt.date) -> list[Appointment]:
    """The technician's scheduled appointments that overlap the local ``day``, by start."""
    start, end = day_bounds(day)
    return list(
        Appointment.objects.filter(
            technician_id=technician_id,
            status=AppointmentStatus.SCHEDULED,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("work_order")
        .order_by("starts_at", "id")
    )


def conflicting_appointment(
    *, technician_id: int, starts_at: dt.datetime, ends_at: dt.datetime, exclude_id: int | None = None
) -> Appointment | None:
    """The first scheduled or done appointment of the technician overlapping [starts_at, ends_at)."""
    qs = Appointment.objects.filter(
        technician_id=technician_id,
        status__in=OCCUPYING,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.select_related("work_order").order_by("starts_at", "id").first()


def slot_starts(*, day: dt.date, calendar_id: int | None = None) -> list[dt.datetime]:
    """The slot start times of a working ``day``: from each working period's start, one slot
    (``FIELD_SLOT_MINUTES``) after the other while the slot fits in the period. None on a day off."""
    if not clocks.is_working_day(day, calendar_id):
        return []
    return _period_slot_starts(day, _calendar_periods(calendar_id))


def _calendar_periods(calendar_id: int | None) -> list[tuple[dt.time, dt.time]]:
    cal_id = calendar_id if calendar_id is not None else sla_selectors.calendar_default_id()
    return sla_selectors.calendar_periods(calendar_id=cal_id)


def _period_slot_starts(day: dt.date, periods: list[tuple[dt.time, dt.time]]) -> list[dt.datetime]:
    step = dt.timedelta(minutes=conf.slot_minutes())
    tz = _tz()
    starts: list[dt.datetime] = []
    for p_start, p_end in periods:
        s = dt.datetime.combine(day, p_start, tzinfo=tz)
        end = dt.datetime.combine(day, p_end, tzinfo=tz) if p_end != dt.time() else s.replace(hour=0) + dt.timedelta(1)
        while s + step <= end:
            starts.append(s)
            s += step
    return starts


def next_free_slot(*, technician_id: int, now: dt.datetime, calendar_id: int | None = None) -> dt.datetime | None:
    """The start of the technician's first free slot at or after ``now`` on the working calendar
    (the default SLA calendar unless ``calendar_id``), within ``FIELD_SLOT_HORIZON_DAYS``; None
    when every slot is taken. A slot is free when no scheduled or done appointment overlaps it.
    Three queries at most (the appointments of the horizon, the default calendar's id and its
    periods; the calendar's days are cached by the SLA clocks)."""
    return next_free_slots(technicians={technician_id: calendar_id}, now=now)[technician_id]


def next_free_slots(*, technicians: dict[int, int | None], now: dt.datetime) -> dict[int, dt.datetime | None]:
    """``next_free_slot`` for several technicians at once (technician id -> calendar id, None
    for the default calendar), for the dispatch proposals (R-5.1): one query for all their
    scheduled or done appointments in the horizon, and each calendar's periods read once, so the
    number of queries grows neither with the number of technicians nor with the days searched."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not technicians:
        return {}
    local_now = now.astimezone(_tz())
    horizon = conf.slot_horizon_days()
    step = dt.timedelta(minutes=conf.slot_minutes())
    first_day = local_now.date()
    _, horizon_end = day_bounds(first_day + dt.timedelta(days=horizon - 1))
    busy_of: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {t: [] for t in technicians}
    rows = (
        Appointment.objects.filter(
            technician_id__in=list(technicians), status__in=OCCUPYING, starts_at__lt=horizon_end, ends_at__gt=now
        )
        .order_by("technician_id", "starts_at", "id")
        .values_list("technician_id", "starts_at", "ends_at")
    )
    for tech_id, b_start, b_end in plain_rows(rows):  # the driver's values: no per-value converters
        busy_of[tech_id].append((moment(b_start), moment(b_end)))
    periods: dict[int | None, list[tuple[dt.time, dt.time]]] = {}
    slots: dict[tuple[int | None, dt.date], list[dt.datetime]] = {}

    def day_slots(calendar_id: int | None, day: dt.date) -> list[dt.datetime]:
        # slot_starts, with each calendar's periods read once for all days and technicians.
        key = (calendar_id, day)
        if key not in slots:
            if not clocks.is_working_day(day, calendar_id):
                slots[key] = []
            else:
                if calendar_id not in periods:
                    periods[calendar_id] = _calendar_periods(calendar_id)
                slots[key] = _period_slot_starts(day, periods[calendar_id])
        return slots[key]

    found: dict[int, dt.datetime | None] = {}
    for tech_id, calendar_id in technicians.items():
        busy = busy_of[tech_id]
        ends = [b[1] for b in busy]  # sorted by start; ends are increasing enough to bisect a start
        found[tech_id] = None
        for offset in range(horizon):
            free = None
            for start in day_slots(calendar_id, first_day + dt.timedelta(days=offset)):
                if start < now:
                    continue
                end = start + step
                # Any busy window with start < end and end > start overlaps.
                i = bisect_left(ends, start)
                if not any(b_start < end and b_end > start for b_start, b_end in busy[max(0, i - 1) :]):
                    free = start
                    break
            if free is not None:
                found[tech_id] = free
                break
    return found


# ---- scoped reads (pages and API) -----------------------------------------------------------
def is_portal_user(actor: Any) -> bool:
    return bool(getattr(actor, "customer_id", None))


def appointment_scope(*, actor: Any) -> QuerySet[Appointment]:
    qs = Appointment.objects.all()
    if not getattr(actor, "is_authenticated", False):
        return qs.none()
    if is_portal_user(actor):
        return qs.filter(work_order__customer_id=actor.customer_id)
    if actor.has_perm("fieldservice.view_all_appointments"):
        return qs
    if actor.has_perm("fieldservice.view_appointment"):
        return qs.filter(technician=actor)
    return qs.none()


def appointment_get(*, actor: Any, appointment_id: int) -> Appointment:
    if isinstance(appointment_id, bool) or not isinstance(appointment_id, int) or not 0 < appointment_id <= MAX_ID:
        raise NotFound()
    appt = (
        appointment_scope(actor=actor)
        .select_related("work_order__customer", "technician", "created_by")
        .filter(pk=appointment_id)
        .first()
    )
    if appt is None:
        raise NotFound()
    return appt


def appointment_list(
    *,
    actor: Any,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    technician_id: int | None = None,
    work_order_id: int | None = None,
    status: str | None = None,
    limit: int = LIST_LIMIT,
) -> list[Appointment]:
    """Appointments overlapping [start, end) (either bound optional), by start; at most ``limit``."""
    qs = appointment_scope(actor=actor).select_related("work_order__customer", "technician")
    if start is not None:
        qs = qs.filter(ends_at__gt=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    if technician_id is not None:
        qs = qs.filter(technician_id=technician_id)
    if work_order_id is not None:
        qs = qs.filter(work_order_id=work_order_id)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("starts_at", "id")[:limit])


def appointment_changes(*, appointment: Appointment) -> list[AppointmentChange]:
    """The appointment's reschedules in order (the appointment was found through the scope)."""
    return list(appointment.changes.select_related("actor", "from_technician", "to_technician").order_by("at", "id"))


# ---- the dispatcher's week board and the technician's day ----------------------------------
BOARD_TECHNICIANS = 500
UNBOOKED_LIMIT = 50


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def board_technicians(*, region_id: int | None = None) -> list[Any]:
    """The board's rows: active field technicians by region, team and name (at most 500)."""
    from aftersales.fieldservice.appointment_services import technician_queryset

    qs = (
        technician_queryset()
        .select_related("region", "team")
        # what a row and a select show: 500 whole users (with their times to parse) were a fifth of the page
        .only("display_name", "first_name", "last_name", "username", "region__name", "team__name")
    )
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    return list(qs.order_by("region__name", "team__name", "display_name", "username", "pk")[:BOARD_TECHNICIANS])


class BoardBlock(NamedTuple):
    """An appointment as the board shows it (times local)."""

    pk: int
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    agreed_with: str
    number: str
    customer: str


def board_week(*, actor: Any, monday: dt.date, technicians: list[Any]) -> dict[tuple[int, dt.date], list[BoardBlock]]:
    """The week's appointments (scheduled and done) of ``technicians``, by (technician, local day)
    of their start: one query, read as plain rows (500 technicians' week is about 7,500
    appointments: as models with their work orders they cost a second, through the ORM's value
    converters still 90 ms)."""
    rows = (
        _week_appointments(actor=actor, monday=monday, technicians=technicians)
        .order_by("starts_at", "id")
        .values_list(
            "pk",
            "technician_id",
            "status",
            "starts_at",
            "ends_at",
            "agreed_with",
            "work_order__number",
            "work_order__customer__name",
        )
    )
    cells: dict[tuple[int, dt.date], list[BoardBlock]] = {}
    tz = _tz()
    for pk, technician_id, status, starts_at, ends_at, agreed_with, number, customer in plain_rows(rows):
        starts = moment(starts_at).astimezone(tz)
        block = BoardBlock(pk, status, starts, moment(ends_at).astimezone(tz), agreed_with, number, customer or "")
        cells.setdefault((technician_id, starts.date()), []).append(block)
    return cells


def _week_appointments(*, actor: Any, monday: dt.date, technicians: list[Any]) -> QuerySet[Appointment]:
    from aftersales.fieldservice.appointment_services import MAX_WINDOW

    start, _ = day_bounds(monday)
    end = start + dt.timedelta(days=7)
    # No window is longer than MAX_WINDOW (the booking service refuses it): the lower bound on the
    # start keeps the (technician, start) index to the week instead of all weeks before it.
    return (
        appointment_scope(actor=actor)
        .filter(
            technician_id__in=[t.pk for t in technicians],
            starts_at__gt=start - MAX_WINDOW,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .exclude(status=AppointmentStatus.CANCELLED)
    )


def board_week_count(*, actor: Any, monday: dt.date, technicians: list[Any]) -> int:
    """How many appointments ``board_week`` would give for all of ``technicians`` (the board
    shows its rows a slice at a time; the count is the whole week's)."""
    return _week_appointments(actor=actor, monday=monday, technicians=technicians).count()


def unbooked_work_orders(*, actor: Any, limit: int = UNBOOKED_LIMIT) -> list[Any]:
    """Open work orders waiting for a visit: not yet handled, without a scheduled appointment,
    the highest priority and the oldest first (the list beside the board)."""
    from aftersales.workorders.selectors import work_order_scope
    from aftersales.workorders.states import Status

    # Correlated: each candidate probes its own appointments (work-order index) until the page is
    # full; "NOT IN (every scheduled appointment)" read them all on each request (30 ms at 75,000).
    booked = Appointment.objects.filter(work_order=OuterRef("pk"), status=AppointmentStatus.SCHEDULED)
    return list(
        work_order_scope(actor=actor)
        .filter(status__in=[Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED])
        .exclude(Exists(booked))
        .select_related("customer", "assignee")
        .order_by("priority", "received_at", "id")[:limit]
    )


def technician_day(*, technician: Any, day: dt.date) -> list[Appointment]:
    """The technician's own appointments of ``day`` (scheduled and done), in order of the
    appointment, with what the "today" page shows (customer, contact, product)."""
    start, end = day_bounds(day)
    return list(
        Appointment.objects.filter(technician=technician, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("work_order__customer", "work_order__contact", "work_order__product_model")
        .order_by("starts_at", "id")
    )
