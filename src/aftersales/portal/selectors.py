"""Reads for the customer portal: the customer's own work orders and a customer-facing timeline.

Scope comes from the work-order selectors (a portal user sees only their organisation's
records, R-13.1); this module decides what of a timeline a customer is shown: status
changes and the texts addressed to the customer, never internal notes, communications
records or staff names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from aftersales.customers.models import InstalledProduct
from aftersales.customers.selectors import installed_product_scope
from aftersales.workorders.models import WorkOrderEvent
from aftersales.workorders.selectors import work_order_timeline
from aftersales.workorders.states import Action

# Status changes whose text is written for the customer: the resolution and what we wait for
# from them. A confirmation or reopening shows its text only when the customer wrote it; an
# agent's note on one (taken on the phone) is internal. Other texts are internal.
PUBLIC_TEXT_ACTIONS = frozenset({Action.RESOLVE, Action.WAIT_CUSTOMER})
CUSTOMER_TEXT_ACTIONS = frozenset({Action.CONFIRM, Action.REOPEN})


@dataclass(frozen=True)
class PortalEvent:
    at: dt.datetime
    kind: str  # "created" or "status"
    action: str
    to_status: str
    text: str
    by_customer: bool


def portal_timeline(*, actor: Any, work_order_id: int) -> list[PortalEvent]:
    """The customer-facing timeline of one of the actor's work orders, oldest first."""
    events = work_order_timeline(actor=actor, work_order_id=work_order_id).filter(
        kind__in=[WorkOrderEvent.Kind.CREATED, WorkOrderEvent.Kind.STATUS]
    )
    result = []
    for event in events:
        by_customer = event.actor.customer_id is not None and event.actor.customer_id == getattr(
            actor, "customer_id", None
        )
        public_text = event.action in PUBLIC_TEXT_ACTIONS or (by_customer and event.action in CUSTOMER_TEXT_ACTIONS)
        result.append(
            PortalEvent(
                at=event.at,
                kind=event.kind,
                action=event.action,
                to_status=event.to_status,
                text=event.text if public_text else "",
                by_customer=by_customer,
            )
        )
    return result


def portal_products(*, actor: Any) -> QuerySet[InstalledProduct]:
    """The installed products a customer may pick when submitting a request."""
    return installed_product_scope(actor=actor).order_by("product_model__code", "serial_number")
