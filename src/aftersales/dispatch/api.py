"""Dispatch endpoints (R-5.1): proposals, the one-click assignment and the P1 approvals; thin
handlers over the same services and selectors as the dispatcher's and supervisor's pages."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from aftersales.api.schemas import PathId, json_answer, responses
from aftersales.core.errors import PermissionDenied
from aftersales.dispatch import automatic, escalations, notices, proposals, selectors, services
from aftersales.dispatch.models import DispatchApproval, Escalation, ServiceNotice
from aftersales.dispatch.schemas import (
    ApprovalDecideIn,
    ApprovalListOut,
    ApprovalOut,
    DispatchAssignIn,
    DispatchAssignOut,
    DispatchSettingsIn,
    DispatchSettingsOut,
    EscalationAnswerIn,
    EscalationIn,
    EscalationListOut,
    EscalationOut,
    ProposalListOut,
    ProposalOut,
    ServiceNoticeIn,
    ServiceNoticeListOut,
    ServiceNoticeOut,
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
    fields = ProposalOut.model_fields
    return json_answer({"items": [{name: getattr(p, name) for name in fields} for p in rows]})


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


@router.get("/dispatch/settings", response=responses({200: DispatchSettingsOut}))
def settings_get(request: HttpRequest) -> Any:
    if not (proposals.may_dispatch(request.user) or request.user.has_perm(automatic.CHANGE)):
        raise PermissionDenied()
    return {"auto_assign": automatic.dispatch_settings().auto_assign}


@router.put("/dispatch/settings", response=responses({200: DispatchSettingsOut}))
def settings_put(request: HttpRequest, payload: DispatchSettingsIn) -> Any:
    """Supervisors and administrators switch automatic assignment of P2/P3 on or off."""
    return {
        "auto_assign": automatic.dispatch_settings_update(
            actor=request.user, auto_assign=payload.auto_assign
        ).auto_assign
    }


def escalation_out(e: Escalation) -> dict[str, Any]:
    return {
        "id": e.pk,
        "work_order_id": e.work_order_id,
        "expert_id": e.expert_id,
        "expert_name": str(e.expert),
        "question": e.question,
        "asked_by_id": e.asked_by_id,
        "asked_at": e.asked_at,
        "answer": e.answer,
        "answered_at": e.answered_at,
    }


@router.post("/work-orders/{work_order_id}/escalations", response=responses({201: EscalationOut}))
def escalation_ask(request: HttpRequest, work_order_id: PathId, payload: EscalationIn) -> Any:
    """Put a hard problem to a technical expert (R-5.5); on the timeline, the expert is told."""
    esc = escalations.escalation_ask(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return Status(201, escalation_out(esc))


@router.get("/escalations", response=responses({200: EscalationListOut}))
def escalation_list(request: HttpRequest) -> Any:
    """The expert's questions, or those of the work orders the caller handles or dispatches."""
    rows = escalations.escalation_scope(actor=request.user).select_related("expert").order_by("-asked_at")[:200]
    return {"items": [escalation_out(e) for e in rows]}


@router.post("/escalations/{escalation_id}/answer", response=responses({200: EscalationOut}))
def escalation_answer(request: HttpRequest, escalation_id: PathId, payload: EscalationAnswerIn) -> Any:
    esc = escalations.escalation_answer(actor=request.user, escalation_id=escalation_id, answer=payload.answer)
    return escalation_out(Escalation.objects.select_related("expert").get(pk=esc.pk))


def notice_out(request: HttpRequest, n: ServiceNotice) -> dict[str, Any]:
    snap = notices.shown_snapshot(n, request.user)
    return {
        "id": n.pk,
        "number": n.number,
        "work_order_id": n.work_order_id,
        "work_order_number": n.work_order.number,
        "issued_by_id": n.issued_by_id,
        "issued_at": n.issued_at,
        "appointment_id": n.appointment_id,
        "current": n.is_current,
        "superseded_by_id": n.superseded_by_id,
        "technicians": snap["technicians"],
        "tools": n.tools,
        "parts": snap["parts"],
        "snapshot": snap,
        "pdf_url": reverse("api:service_notice_pdf", args=[n.pk]),
    }


@router.post("/work-orders/{work_order_id}/service-notices", response=responses({201: ServiceNoticeOut}))
def service_notice_issue(request: HttpRequest, work_order_id: PathId, payload: ServiceNoticeIn) -> Any:
    """Issue the work order's service notice (R-5.3): numbered, sent to the technicians and the
    customer; an earlier notice of the work order becomes superseded."""
    data = payload.dict()
    parts = [{k: v for k, v in line.items() if v is not None} for line in data["parts"]]
    notice = notices.service_notice_issue(
        actor=request.user, work_order_id=work_order_id, helper_ids=data["helper_ids"], tools=data["tools"], parts=parts
    )
    return Status(201, notice_out(request, notices.notice_get(actor=request.user, notice_id=notice.pk)))


@router.get("/work-orders/{work_order_id}/service-notices", response=responses({200: ServiceNoticeListOut}))
def service_notice_list(request: HttpRequest, work_order_id: PathId) -> Any:
    """The work order's notices, newest first."""
    _wo, rows = notices.notice_work_order_list(actor=request.user, work_order_id=work_order_id)
    return {"items": [notice_out(request, n) for n in rows]}


@router.get("/service-notices/{notice_id}", response=responses({200: ServiceNoticeOut}))
def service_notice_get(request: HttpRequest, notice_id: PathId) -> Any:
    return notice_out(request, notices.notice_get(actor=request.user, notice_id=notice_id))


@router.get("/service-notices/{notice_id}/pdf", response=responses({}), url_name="service_notice_pdf")
def service_notice_pdf(request: HttpRequest, notice_id: PathId) -> Any:
    """The notice as a one-page A4 PDF in Chinese, with the QR code of the work order."""
    from aftersales.dispatch.notice_documents import notice_pdf_response

    return notice_pdf_response(actor=request.user, notice_id=notice_id)
