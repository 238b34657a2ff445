"""Reads of dispatch, scoped to the actor: the dispatcher's queue of work orders waiting for a
technician, and the P1 approvals (who may assign or approve sees them; others nothing)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from aftersales.core.errors import NotFound
from aftersales.dispatch.models import ApprovalStatus, DispatchApproval
from aftersales.dispatch.proposals import may_dispatch
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.selectors import work_order_scope
from aftersales.workorders.states import Status

QUEUE_LIMIT = 100
WAITING = (Status.NEW, Status.ACKNOWLEDGED)


def may_approve(actor: Any) -> bool:
    return not getattr(actor, "is_customer_user", True) and bool(actor.has_perm("dispatch.approve_dispatch"))


def approval_scope(*, actor: Any) -> QuerySet[DispatchApproval]:
    if not getattr(actor, "is_authenticated", False) or not (may_dispatch(actor) or may_approve(actor)):
        return DispatchApproval.objects.none()
    return DispatchApproval.objects.filter(work_order__in=work_order_scope(actor=actor))


def approval_list(
    *, actor: Any, status: str | None = ApprovalStatus.PENDING, limit: int = QUEUE_LIMIT
) -> list[DispatchApproval]:
    qs = approval_scope(actor=actor)
    if status:
        qs = qs.filter(status=status)
    return list(
        qs.select_related("work_order__customer", "technician", "proposed_by", "decided_by").order_by(
            "proposed_at", "id"
        )[:limit]
    )


def approval_get(*, actor: Any, approval_id: int) -> DispatchApproval:
    approval = approval_scope(actor=actor).select_related("work_order", "technician").filter(pk=approval_id).first()
    if approval is None:
        raise NotFound()
    return approval


def dispatch_queue(*, actor: Any, limit: int = QUEUE_LIMIT) -> list[WorkOrder]:
    """Open work orders nobody is assigned to yet, the most urgent first (P1, then by due time)."""
    if not may_dispatch(actor):
        return []
    return list(
        work_order_scope(actor=actor)
        .filter(status__in=WAITING, assignee__isnull=True)
        .select_related("customer__region", "product_line", "fault_category")
        .order_by("priority", "next_due_at", "received_at", "id")[:limit]
    )
