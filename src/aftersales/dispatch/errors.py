"""Error codes of dispatch (STYLE.md rule 5: tests assert codes)."""

from __future__ import annotations

from enum import StrEnum


class DispatchErrorCode(StrEnum):
    NOT_PROPOSABLE = "technician_not_eligible"
    SENIOR_REQUIRED = "senior_required"
    # Service notices
    NOTICE_CLOSED = "notice_work_order_closed"
    NOTICE_NO_TECHNICIAN = "notice_no_technician"
    NOTICE_HELPER = "notice_helper_not_technician"
    NOTICE_HELPER_IS_LEAD = "notice_helper_is_lead"
    NOTICE_PART_UNKNOWN = "notice_part_unknown"
    NOTICE_PART_QUANTITY = "notice_part_quantity"
    NOTICE_PART_TWICE = "notice_part_twice"
