"""SLA endpoints: the intake preview (R-2.5, R-4.9), compliance (R-4.7), a work order's targets
and extensions (R-3.6). Thin handlers over selectors and services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from aftersales.api.schemas import PathId, responses
from aftersales.sla import selectors, services
from aftersales.sla.schemas import (
    ComplianceOut,
    ComplianceQuery,
    ExtendIn,
    ExtensionOut,
    PreviewOut,
    PreviewQuery,
    TargetOut,
)
from aftersales.workorders.selectors import work_order_get

router = Router(tags=["sla"])


@router.get("/preview", response=responses({200: PreviewOut}))
def sla_preview(request: HttpRequest, query: Query[PreviewQuery]) -> Any:
    """The promised times a new request would get: first response, response, resolution."""
    targets = selectors.sla_preview(**query.dict())
    return {"targets": [_preview(t) for t in targets]}


def _preview(t: selectors.PreviewTarget) -> dict[str, Any]:
    return {"name": t.name, "due_at": t.due_at, "clock": t.clock, "duration_seconds": t.duration_seconds}


@router.get("/compliance", response=responses({200: ComplianceOut}))
def sla_compliance(request: HttpRequest, query: Query[ComplianceQuery]) -> Any:
    """Work orders per month and priority, team, assignee or target kind, counted once each: met
    when every target due that month was met in time, breached when one was missed (R-4.7)."""
    rows = selectors.sla_compliance(
        actor=request.user, month_from=query.month_from, month_to=query.month_to, by=query.by
    )
    return {"by": query.by, "rows": [_row(row) for row in rows]}


def _row(row: selectors.ComplianceRow) -> dict[str, Any]:
    return {
        "month": row.month.strftime("%Y-%m"),
        "key": row.key,
        "label": row.label,
        "met": row.met,
        "breached": row.breached,
        "met_rate": row.met_rate,
    }


@router.get("/work-orders/{work_order_id}/targets", response=responses({200: list[TargetOut]}))
def work_order_targets(request: HttpRequest, work_order_id: PathId) -> Any:
    """The SLA targets of one work order with their state now."""
    wo = work_order_get(actor=request.user, work_order_id=work_order_id)
    return [_target(view) for view in selectors.work_order_targets(actor=request.user, work_order=wo)]


def _target(view: selectors.TargetView) -> dict[str, Any]:
    t = view.target
    local = timezone.localtime
    return {
        "id": t.pk,
        "kind": t.kind,
        "label": view.label,
        "clock": t.clock,
        "state": view.state,
        "state_label": view.state_label,
        "started_at": local(t.started_at),
        "due_at": local(t.due_at),
        "original_due_at": local(t.original_due_at),
        "warn_at": local(t.warn_at),
        "met_at": local(t.met_at) if t.met_at else None,
        "paused_at": local(t.paused_at) if t.paused_at else None,
        "extended": t.extended,
        "seconds_left": view.seconds_left,
        "time_text": view.time_text,
    }


@router.post("/targets/{target_id}/extend", response=responses({201: ExtensionOut}))
def target_extend(request: HttpRequest, target_id: PathId, payload: ExtendIn) -> Any:
    """R-3.6: a new promised time agreed with the customer replaces the working due time."""
    extension = services.target_extend(actor=request.user, target_id=target_id, **payload.dict())
    return Status(201, extension)
