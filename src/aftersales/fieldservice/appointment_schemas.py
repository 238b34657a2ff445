"""API schemas of appointments (R-6.1)."""

import datetime as dt

from ninja import Field, Schema

from aftersales.api.schemas import Id, Moment, Text, UserRef, named_choices
from aftersales.fieldservice.appointment_services import AGREED_WITH_MAX, TEXT_MAX
from aftersales.fieldservice.models import AgreedVia, AppointmentStatus

AppointmentAgreedVia = named_choices("AppointmentAgreedVia", AgreedVia)
AppointmentStatusEnum = named_choices("AppointmentStatus", AppointmentStatus)


class AppointmentIn(Schema):
    work_order_id: Id
    technician_id: Id = Field(description="An active field technician; the work order is assigned to them if needed.")
    starts_at: Moment
    ends_at: Moment
    agreed_with: Text(AGREED_WITH_MAX, 1) = Field(description="Who agreed the window (the customer's contact).")  # type: ignore[valid-type]
    agreed_via: AppointmentAgreedVia  # type: ignore[valid-type]
    agreed_at: Moment | None = Field(None, description="When it was agreed; now when omitted.")
    to_prepare: Text(TEXT_MAX) = Field("", description="What the customer should prepare; sent to them.")  # type: ignore[valid-type]
    note: Text(TEXT_MAX) = ""  # type: ignore[valid-type]


class RescheduleIn(Schema):
    starts_at: Moment
    ends_at: Moment
    technician_id: Id | None = Field(None, description="Another technician; the same one when omitted.")
    agreed_with: Text(AGREED_WITH_MAX, 1)  # type: ignore[valid-type]
    agreed_via: AppointmentAgreedVia  # type: ignore[valid-type]
    reason: Text(TEXT_MAX, 1)  # type: ignore[valid-type]


class CancelIn(Schema):
    agreed_with: Text(AGREED_WITH_MAX, 1)  # type: ignore[valid-type]
    agreed_via: AppointmentAgreedVia  # type: ignore[valid-type]
    reason: Text(TEXT_MAX, 1)  # type: ignore[valid-type]


class TechnicianOut(Schema):
    id: int
    name: str
    phone: str


class AppointmentChangeOut(Schema):
    from_starts_at: dt.datetime
    from_ends_at: dt.datetime
    to_starts_at: dt.datetime | None
    to_ends_at: dt.datetime | None
    from_technician: UserRef
    to_technician: UserRef | None
    agreed_with: str
    agreed_via: AppointmentAgreedVia  # type: ignore[valid-type]
    reason: str
    actor: UserRef
    at: dt.datetime


class AppointmentOut(Schema):
    id: int
    work_order_id: int
    work_order_number: str
    technician: TechnicianOut
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: AppointmentStatusEnum  # type: ignore[valid-type]
    agreed_with: str
    agreed_via: AppointmentAgreedVia  # type: ignore[valid-type]
    agreed_at: dt.datetime
    to_prepare: str
    note: str = Field(description="Internal; empty for customers.")
    reschedule_count: int
    reminder_sent_at: dt.datetime | None
    changes: list[AppointmentChangeOut] = Field(description="Reschedules and cancellation; empty for customers.")


class AppointmentListOut(Schema):
    items: list[AppointmentOut]
