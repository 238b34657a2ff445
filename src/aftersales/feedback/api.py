"""Feedback endpoints (R-8): batch-fault incidents, complaints, quality feedback, opinions.
Thin handlers over the services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from aftersales.api.schemas import PathId, responses
from aftersales.feedback import complaints, incidents, quality, selectors
from aftersales.feedback.incidents import TASK_LABELS
from aftersales.feedback.models import Complaint, Incident, Opinion, QualityFeedback
from aftersales.feedback.schemas import (
    AcknowledgeIn,
    AnswerIn,
    CloseIn,
    ComplaintIn,
    ComplaintOut,
    FollowUpIn,
    HandleIn,
    IncidentListOut,
    IncidentOut,
    IncidentQuery,
    OpinionIn,
    OpinionOut,
    QualityIn,
    QualityOut,
    QualityStepIn,
    ReadBackIn,
    TickIn,
)

router = Router(tags=["feedback"])
LIST_LIMIT = 50


def _incident_out(incident: Incident, tasks: list[Any]) -> dict[str, Any]:
    # The targets are the checklist items with a deadline (stored, warned and breached).
    return {
        "id": incident.pk,
        "product_model_id": incident.product_model_id,
        "batch": incident.batch,
        "level": incident.level,
        "reports": incident.reports,
        "opened_at": timezone.localtime(incident.opened_at),
        "status": incident.status,
        "targets": [
            {
                "id": t.pk,
                "level": t.level,
                "kind": t.kind,
                "label": str(TASK_LABELS.get(t.kind, t.kind)),
                "due_at": timezone.localtime(t.due_at) if t.due_at else None,
                "done_at": timezone.localtime(t.done_at) if t.done_at else None,
                "warned": t.warned_at is not None,
                "breached": t.breached_at is not None,
            }
            for t in tasks
            if t.due_at is not None
        ],
    }


def _require_incidents(request: HttpRequest) -> None:
    user: Any = request.user
    if getattr(user, "customer_id", None) or not user.has_perm(incidents.PERM_VIEW):
        raise Http404  # a customer never learns that incidents exist


@router.get("/incidents", response=responses({200: IncidentListOut}))
def incident_list(request: HttpRequest, query: Query[IncidentQuery]) -> Any:
    """Batch-fault incidents (R-8.4), newest first, in keyset pages (`next_cursor`); filter by
    product model, batch, status. Each with its targets: the deadlines of its levels' checklists."""
    _require_incidents(request)
    page = selectors.incident_page(
        actor=request.user,
        filters=selectors.IncidentFilters(
            product_model_id=query.product_model_id, batch=query.batch.strip(), status=query.status
        ),
        cursor=query.cursor,
        page_size=query.page_size,
    )
    rows = list(page.items)
    tasks = selectors.incident_tasks(rows, with_people=False)
    return {"items": [_incident_out(i, tasks[i.pk]) for i in rows], "next_cursor": page.next_cursor}


@router.get("/incidents/{incident_id}", response=responses({200: IncidentOut}))
def incident_get(request: HttpRequest, incident_id: PathId) -> Any:
    _require_incidents(request)
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    if incident is None:
        raise Http404
    return _incident_out(incident, selectors.incident_tasks([incident])[incident.pk])


@router.post("/incidents/{incident_id}/targets/{task_id}/done", response=responses({200: IncidentOut}))
def incident_task_done(request: HttpRequest, incident_id: PathId, task_id: PathId, payload: TickIn) -> Any:
    """The level's owner ticks a checklist item (a deadline met)."""
    _require_incidents(request)
    incidents.incident_task_tick(actor=request.user, incident_id=incident_id, task_id=task_id, note=payload.note)
    return incident_get(request, incident_id)


@router.post("/incidents/{incident_id}/close", response=responses({200: IncidentOut}))
def incident_close(request: HttpRequest, incident_id: PathId, payload: CloseIn) -> Any:
    _require_incidents(request)
    incidents.incident_close(actor=request.user, incident_id=incident_id, note=payload.note)
    return incident_get(request, incident_id)


# ---- complaints ---------------------------------------------------------------------------------


def _complaint(request: HttpRequest, work_order_id: int) -> Complaint:
    complaint = selectors.complaint_for(actor=request.user, work_order_id=work_order_id)
    if complaint is None:
        raise Http404
    return complaint


@router.get("/work-orders/{work_order_id}/complaint", response=responses({200: ComplaintOut}))
def complaint_get(request: HttpRequest, work_order_id: PathId) -> Any:
    """The complaint record of a work order of type complaint (R-8.1)."""
    return _complaint(request, work_order_id)


@router.post("/work-orders/{work_order_id}/complaint", response=responses({201: ComplaintOut}))
def complaint_record(request: HttpRequest, work_order_id: PathId, payload: ComplaintIn) -> Any:
    """Record the complaint; a red one is reported to the supervisors at once."""
    complaint = complaints.complaint_record(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return Status(201, complaint)


@router.post("/work-orders/{work_order_id}/complaint/read-back", response=responses({200: ComplaintOut}))
def complaint_read_back(request: HttpRequest, work_order_id: PathId, payload: ReadBackIn) -> Any:
    return complaints.complaint_read_back(actor=request.user, work_order_id=work_order_id, **payload.dict())


@router.post("/work-orders/{work_order_id}/complaint/acknowledge", response=responses({200: ComplaintOut}))
def complaint_acknowledge(request: HttpRequest, work_order_id: PathId, payload: AcknowledgeIn) -> Any:
    """Refused with ``complaint_not_read_back`` before the read-back."""
    return complaints.complaint_acknowledge(actor=request.user, work_order_id=work_order_id, **payload.dict())


@router.post("/work-orders/{work_order_id}/complaint/handling", response=responses({200: ComplaintOut}))
def complaint_handle(request: HttpRequest, work_order_id: PathId, payload: HandleIn) -> Any:
    return complaints.complaint_handle(actor=request.user, work_order_id=work_order_id, **payload.dict())


@router.post("/work-orders/{work_order_id}/complaint/follow-up", response=responses({200: ComplaintOut}))
def complaint_follow_up(request: HttpRequest, work_order_id: PathId, payload: FollowUpIn) -> Any:
    """The follow-up call (回访) by QA with the customer's satisfaction."""
    return complaints.complaint_follow_up(actor=request.user, work_order_id=work_order_id, **payload.dict())


# ---- quality feedback ---------------------------------------------------------------------------


def _quality_out(form: QualityFeedback) -> dict[str, Any]:
    return {
        "id": form.pk,
        "number": form.number,
        "work_order_id": form.work_order_id,
        "product_model_id": form.product_model_id,
        "batch": form.batch,
        "serials": [s for s in form.serials.splitlines() if s],
        "symptom": form.symptom,
        "frequency": form.frequency,
        "assessment": form.assessment,
        "status": form.status,
        "cause_analysis": form.cause_analysis,
        "corrective_action": form.corrective_action,
        "verification": form.verification,
        "raised_by_id": form.raised_by_id,
        "raised_at": form.raised_at,
        "overdue_at": form.overdue_at,
        "overdue": form.status != QualityFeedback.Status.CLOSED and form.overdue_at <= timezone.now(),
        "closed_at": form.closed_at,
    }


@router.get("/quality-feedback", response=responses({200: list[QualityOut]}))
def quality_list(request: HttpRequest) -> Any:
    """Quality feedback (R-8.3): the quality department sees all, a raiser their own; newest 100."""
    return [_quality_out(f) for f in selectors.quality_list(actor=request.user)[:LIST_LIMIT]]


@router.post("/quality-feedback", response=responses({201: QualityOut}))
def quality_raise(request: HttpRequest, payload: QualityIn) -> Any:
    return Status(201, _quality_out(quality.quality_raise(actor=request.user, **payload.dict())))


@router.get("/quality-feedback/{feedback_id}", response=responses({200: QualityOut}))
def quality_get(request: HttpRequest, feedback_id: PathId) -> Any:
    form = selectors.quality_get(actor=request.user, feedback_id=feedback_id)
    if form is None:
        raise Http404
    return _quality_out(form)


@router.post("/quality-feedback/{feedback_id}/steps", response=responses({200: QualityOut}))
def quality_step(request: HttpRequest, feedback_id: PathId, payload: QualityStepIn) -> Any:
    """The quality department's cause analysis, corrective action, verification and close, in order."""
    return _quality_out(quality.quality_step(actor=request.user, feedback_id=feedback_id, **payload.dict()))


# ---- opinions -----------------------------------------------------------------------------------


@router.get("/opinions", response=responses({200: list[OpinionOut]}))
def opinion_list(request: HttpRequest) -> Any:
    return list(selectors.opinion_list(actor=request.user)[:LIST_LIMIT])


@router.post("/opinions", response=responses({201: OpinionOut}))
def opinion_record(request: HttpRequest, payload: OpinionIn) -> Any:
    """An opinion, suggestion or praise from any channel, routed to a department (R-8.2)."""
    return Status(201, quality.opinion_record(actor=request.user, **payload.dict()))


@router.post("/opinions/{opinion_id}/answer", response=responses({200: OpinionOut}))
def opinion_answer(request: HttpRequest, opinion_id: PathId, payload: AnswerIn) -> Opinion:
    return quality.opinion_answer(actor=request.user, opinion_id=opinion_id, **payload.dict())
