"""Error codes of the field-service app (STYLE.md rule 5: tests assert codes)."""

from __future__ import annotations

from enum import StrEnum


class AppointmentErrorCode(StrEnum):
    CONFLICT = "appointment_conflict"
    EXISTS = "appointment_exists"
    NOT_SCHEDULED = "appointment_not_scheduled"
    IN_PAST = "appointment_in_past"
    WORK_ORDER_CLOSED = "work_order_not_open"
    UNCHANGED = "appointment_unchanged"
