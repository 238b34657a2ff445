"""Appointment endpoints (R-6.1): thin handlers over the same services and selectors as the board
and the work-order page. Dispatchers and supervisors book, move and cancel; the desk, QA,
quality and executives read; a technician reads their own; a customer's token reads their
organisation's (without the internal note and history)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from aftersales.api.schemas import Moment, PathId, QueryId, responses
from aftersales.fieldservice import appointment_services as services
from aftersales.fieldservice import selectors
from aftersales.fieldservice.appointment_schemas import (
    AppointmentIn,
    AppointmentListOut,
    AppointmentOut,
    AppointmentStatusEnum,
    CancelIn,
    RescheduleIn,
)
from aftersales.fieldservice.models import Appointment

router = Router(tags=["appointments"])


class AppointmentListQuery(Schema):
    start: Moment | None = None
    end: Moment | None = None
    technician_id: QueryId | None = None
    work_order_id: QueryId | None = None
    status: AppointmentStatusEnum | None = None  # type: ignore[valid-type]


def appointment_out(actor: Any, appt: Appointment, *, history: bool = True) -> dict[str, Any]:
    portal = selectors.is_portal_user(actor)
    tech = appt.technician
    return {
        "id": appt.pk,
        "work_order_id": appt.work_order_id,
        "work_order_number": appt.work_order.number,
        "technician": {"id": tech.pk, "name": str(tech), "phone": tech.phone},
        "starts_at": appt.starts_at,
        "ends_at": appt.ends_at,
        "status": appt.status,
        "agreed_with": appt.agreed_with,
        "agreed_via": appt.agreed_via,
        "agreed_at": appt.agreed_at,
        "to_prepare": appt.to_prepare,
        "note": "" if portal else appt.note,
        "reschedule_count": appt.reschedule_count,
        "reminder_sent_at": appt.reminder_sent_at,
        "changes": [] if portal or not history else selectors.appointment_changes(appointment=appt),
    }


def _detail(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    appt = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    return appointment_out(request.user, appt)


@router.get("/appointments", response=responses({200: AppointmentListOut}))
def appointment_list(request: HttpRequest, query: Query[AppointmentListQuery]) -> Any:
    """The appointments the caller may see overlapping [start, end), by start (at most 500)."""
    rows = selectors.appointment_list(
        actor=request.user,
        start=query.start,
        end=query.end,
        technician_id=query.technician_id,
        work_order_id=query.work_order_id,
        status=str(query.status) if query.status else None,
    )
    # The list leaves out each appointment's history (one query per row); the detail has it.
    return {"items": [appointment_out(request.user, a, history=False) for a in rows]}


@router.post("/appointments", response=responses({201: AppointmentOut}))
def appointment_book(request: HttpRequest, payload: AppointmentIn) -> Any:
    """Book the window agreed with the customer; ``appointment_conflict`` (409) when the
    technician is busy then, ``appointment_exists`` when the work order already has one."""
    appt = services.appointment_book(actor=request.user, **payload.dict())
    return Status(201, _detail(request, appt.pk))


@router.get("/appointments/{appointment_id}", response=responses({200: AppointmentOut}))
def appointment_get(request: HttpRequest, appointment_id: PathId) -> Any:
    return _detail(request, appointment_id)


@router.post("/appointments/{appointment_id}/reschedule", response=responses({200: AppointmentOut}))
def appointment_reschedule(request: HttpRequest, appointment_id: PathId, payload: RescheduleIn) -> Any:
    """Move it with the customer's agreement and the reason (and optionally to another technician)."""
    services.appointment_reschedule(actor=request.user, appointment_id=appointment_id, **payload.dict())
    return _detail(request, appointment_id)


@router.post("/appointments/{appointment_id}/cancel", response=responses({200: AppointmentOut}))
def appointment_cancel(request: HttpRequest, appointment_id: PathId, payload: CancelIn) -> Any:
    services.appointment_cancel(actor=request.user, appointment_id=appointment_id, **payload.dict())
    return _detail(request, appointment_id)
