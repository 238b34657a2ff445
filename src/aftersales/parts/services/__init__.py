"""Every write of the parts app, re-exported by sub-domain (STYLE.md: services as a package).

``stock``: the ledger engine (receipts, transfers, adjustments, minimum levels, reorder alerts);
``catalogue``: parts and warehouses; ``reservations``: parts on work orders (R-7.2, R-3.7).
"""

from aftersales.parts.services.catalogue import part_create, part_update, warehouse_create
from aftersales.parts.services.reservations import (
    consume_for_work_order,
    release_for_work_order,
    work_order_part_release,
    work_order_part_reserve,
    work_order_part_set_charge,
)
from aftersales.parts.services.stock import (
    stock_adjust,
    stock_issue,
    stock_minimum_set,
    stock_receive,
    stock_transfer,
)

__all__ = [
    "consume_for_work_order",
    "part_create",
    "part_update",
    "release_for_work_order",
    "stock_adjust",
    "stock_issue",
    "stock_minimum_set",
    "stock_receive",
    "stock_transfer",
    "warehouse_create",
    "work_order_part_release",
    "work_order_part_reserve",
    "work_order_part_set_charge",
]
