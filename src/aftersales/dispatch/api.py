"""Dispatch endpoints (R-5.1): proposals, the one-click assignment and the P1 approvals; thin
handlers over the same services and selectors as the dispatcher's and supervisor's pages."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from aftersales.api.schemas import PathId, responses
from aftersales.core.errors import PermissionDenied
from aftersales.dispatch import automatic, proposals, selectors, services
from aftersales.dispatch.models import DispatchApproval
from aftersales.dispatch.schemas import (
    ApprovalDecideIn,
    ApprovalListOut,
    ApprovalOut,
    DispatchAssignIn,
    DispatchAssignOut,
    DispatchSettingsIO,
    ProposalListOut,
)

router = Router(tags=["dispatch"])


def approval_out(a: DispatchApproval) -> dict[str, Any]:
    return {
        "id": a.pk,
        "work_order_id": a.work_order_id,
        "work_order_number": a.work_order.number,
        "technician_id": a.technician_id,
        "technician_name": str(a.technician),
        "proposed_by_id": a.proposed_by_id,
        "proposed_at": a.proposed_at,
        "note": a.note,
        "status": a.status,
        "decided_by_id": a.decided_by_id,
        "decided_at": a.decided_at,
        "reason": a.reason,
    }


@router.get("/work-orders/{work_order_id}/dispatch/proposals", response=responses({200: ProposalListOut}))
def proposal_list(request: HttpRequest, work_order_id: PathId) -> Any:
    """Every active technician, eligible first, ranked, each with the reasons in words."""
    _wo, rows = proposals.proposals_for(actor=request.user, work_order_id=work_order_id)
    return {"items": [vars(p) for p in rows]}


@router.post("/work-orders/{work_order_id}/dispatch/assign", response=responses({200: DispatchAssignOut}))
def dispatch_assign(request: HttpRequest, work_order_id: PathId, payload: DispatchAssignIn) -> Any:
    """Assign to a proposed technician; a P1 from a dispatcher waits for a supervisor's approval."""
    result = services.dispatch_assign(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return {
        "outcome": result.outcome,
        "work_order_id": result.work_order.pk,
        "assignee_id": result.work_order.assignee_id,
        "approval_id": result.approval.pk if result.approval else None,
    }


@router.get("/dispatch/approvals", response=responses({200: ApprovalListOut}))
def approval_list(request: HttpRequest) -> Any:
    """P1 proposals waiting for a supervisor, oldest first."""
    return {"items": [approval_out(a) for a in selectors.approval_list(actor=request.user)]}


@router.post("/dispatch/approvals/{approval_id}/decide", response=responses({200: ApprovalOut}))
def approval_decide(request: HttpRequest, approval_id: PathId, payload: ApprovalDecideIn) -> Any:
    services.approval_decide(actor=request.user, approval_id=approval_id, **payload.dict())
    return approval_out(selectors.approval_get(actor=request.user, approval_id=approval_id))


@router.get("/dispatch/settings", response=responses({200: DispatchSettingsIO}))
def settings_get(request: HttpRequest) -> Any:
    if not (proposals.may_dispatch(request.user) or request.user.has_perm(automatic.CHANGE)):
        raise PermissionDenied()
    return {"auto_assign": automatic.dispatch_settings().auto_assign}


@router.put("/dispatch/settings", response=responses({200: DispatchSettingsIO}))
def settings_put(request: HttpRequest, payload: DispatchSettingsIO) -> Any:
    """Supervisors and administrators switch automatic assignment of P2/P3 on or off."""
    return {
        "auto_assign": automatic.dispatch_settings_update(
            actor=request.user, auto_assign=payload.auto_assign
        ).auto_assign
    }
