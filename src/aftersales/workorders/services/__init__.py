"""Every write on work orders (R-2, R-3): intake, lifecycle, notes, communications.

Each function checks permission, validates, runs in one transaction, writes the timeline
event and the access-log row, and leaves side effects only through the outbox.

The modules: ``intake`` (work_order_create and what it proposes), ``lifecycle`` (who may do
what, and the state actions), ``communications``, ``hooks`` (for the apps that hang off a work
order) and ``common`` (text limits, the timeline writes). Import from here.
"""

from aftersales.workorders.services.common import (
    ATTACH,
    COMMUNICATION,
    DEMAND_MAX_LENGTH,
    MAX_TEXT,
    NOTE,
    PRIORITY,
    RESOLUTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    SYMPTOM_MAX_LENGTH,
)
from aftersales.workorders.services.communications import communication_record, work_order_add_request
from aftersales.workorders.services.hooks import work_order_event_record, work_order_lock, work_order_sla_times_store
from aftersales.workorders.services.intake import (
    propose_priority,
    received_at_refusal,
    work_order_create,
    work_orders_reindex_customer,
)
from aftersales.workorders.services.lifecycle import (
    HANDLER_ONLY,
    WAIT_ON,
    action_refusal,
    available_actions,
    work_order_acknowledge,
    work_order_add_note,
    work_order_archive,
    work_order_assign,
    work_order_cancel,
    work_order_close,
    work_order_confirm,
    work_order_reopen,
    work_order_resolve,
    work_order_resume,
    work_order_set_priority,
    work_order_start,
    work_order_wait,
)
from aftersales.workorders.services.product import product_change_refusal, work_order_product_change

__all__ = [
    "ATTACH",
    "COMMUNICATION",
    "DEMAND_MAX_LENGTH",
    "HANDLER_ONLY",
    "MAX_TEXT",
    "NOTE",
    "PRIORITY",
    "RESOLUTION_MAX_LENGTH",
    "SUMMARY_MAX_LENGTH",
    "SYMPTOM_MAX_LENGTH",
    "WAIT_ON",
    "action_refusal",
    "available_actions",
    "communication_record",
    "product_change_refusal",
    "propose_priority",
    "received_at_refusal",
    "work_order_acknowledge",
    "work_order_add_note",
    "work_order_add_request",
    "work_order_archive",
    "work_order_assign",
    "work_order_cancel",
    "work_order_close",
    "work_order_confirm",
    "work_order_create",
    "work_order_event_record",
    "work_order_lock",
    "work_order_product_change",
    "work_order_reopen",
    "work_order_resolve",
    "work_order_resume",
    "work_order_set_priority",
    "work_order_sla_times_store",
    "work_order_start",
    "work_order_wait",
    "work_orders_reindex_customer",
]
