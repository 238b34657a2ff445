"""Error codes of repair orders and shipments (STYLE.md rule 5: tests assert codes)."""

from __future__ import annotations

from enum import StrEnum


class RepairErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "illegal_transition"
    INSPECTOR_IS_REPAIRER = "inspector_is_repairer"
    INVALID_REPAIRER = "invalid_repairer"
    WORK_ORDER_CLOSED = "work_order_not_open"
    REPAIR_ORDER_OPEN = "repair_order_already_open"
    DEADLINE_NOT_SET = "deadline_not_set"
    AGREEMENT_NOT_LATER = "agreement_not_later"
    ALREADY_DELIVERED = "shipment_already_delivered"
    NO_FACTORY_WAREHOUSE = "no_factory_warehouse"
    WRONG_WORK_ORDER = "repair_order_of_another_work_order"
