from enum import StrEnum


class WorkOrderErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "illegal_transition"
    READ_ONLY = "work_order_read_only"
    INVALID_ASSIGNEE = "invalid_assignee"
    SET_BY_SYSTEM = "set_by_system"
