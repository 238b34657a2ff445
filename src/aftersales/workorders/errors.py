from enum import StrEnum


class WorkOrderErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "illegal_transition"
    READ_ONLY = "work_order_read_only"
    INVALID_ASSIGNEE = "invalid_assignee"
    SET_BY_SYSTEM = "set_by_system"
    REPAIR_OPEN = "repair_order_open"  # cancelling while the product is at the factory
    # Attachments (workorders/attachments.py); a file over the size limit is 413 payload_too_large.
    ATTACHMENT_EMPTY = "attachment_empty"
    ATTACHMENT_TYPE = "attachment_type_not_allowed"
    ATTACHMENT_DAMAGED = "attachment_damaged"
    IMAGE_TOO_LARGE = "image_too_large"
