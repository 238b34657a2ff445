"""Reads for the customer portal.

Scope and what a customer is shown of a work order and its timeline come from the work-order
selectors (``work_order_shown``, ``work_order_timeline``), which the API uses too (R-13.1).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from aftersales.customers.models import InstalledProduct
from aftersales.customers.selectors import installed_product_scope


def portal_products(*, actor: Any) -> QuerySet[InstalledProduct]:
    """The installed products a customer may pick when submitting a request."""
    return installed_product_scope(actor=actor).order_by("product_model__code", "serial_number")
