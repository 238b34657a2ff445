"""For the apps that hang off a work order (SLA, and the later ones): one owner per table, so
they lock, record on the timeline and store on the work order through these, never by writing
its tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError, NotFound, ValidationFailed
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import WorkOrder, WorkOrderEvent
from aftersales.workorders.selectors import work_order_scope
from aftersales.workorders.services.common import MAX_TEXT, _event


def work_order_lock(*, actor: Any, work_order_id: int) -> WorkOrder:
    """Resolve the id through the actor's scope (404 outside it), lock the row and refuse an
    archived work order (R-13.3): another app takes this lock before its own rows (parent
    before child), in its own transaction."""
    wo = work_order_scope(actor=actor).select_for_update().filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound()
    if wo.is_read_only:
        raise DomainError(WorkOrderErrorCode.READ_ONLY, _("Archived work orders are read-only."), status=409)
    return wo


EVENT_ACTION_MAX = WorkOrderEvent._meta.get_field("action").max_length or 0


def work_order_event_record(
    *,
    actor: Any,
    work_order: WorkOrder,
    action: str,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> WorkOrderEvent:
    """A change another app made to a work order, on its timeline (R-3.5), e.g. an agreed SLA
    extension (R-3.6). The caller holds ``work_order_lock`` and has checked its own permission;
    the timeline checks what it needs itself."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("work_order_event_record runs inside the caller's transaction")
    if work_order.is_read_only:
        raise DomainError(WorkOrderErrorCode.READ_ONLY, _("Archived work orders are read-only."), status=409)
    if not 0 < len(action) <= EVENT_ACTION_MAX or (at is not None and timezone.is_naive(at)):
        raise ValueError(f"a timeline event needs an action name of 1 to {EVENT_ACTION_MAX} characters, an aware time")
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed({"text": _("The text is longer than %(max)d characters.") % {"max": MAX_TEXT}})
    return _event(work_order, actor, WorkOrderEvent.Kind.CHANGE, action=action, text=text, data=data, at=at)


SLA_TIMES = frozenset({"next_due_at", "queue_at"})


def work_order_sla_times_store(*, work_order: WorkOrder, **times: dt.datetime | None) -> None:
    """Store the times ``sla.targets`` computed on the work order (ARCHITECTURE: deadlines are
    stored, so "overdue" and the queue are indexed queries). Only these fields; no timeline
    event, they follow from changes already on it."""
    if not times or not set(times) <= SLA_TIMES:
        raise TypeError(f"work_order_sla_times_store stores {sorted(SLA_TIMES)}, not {sorted(times)}")
    WorkOrder.objects.filter(pk=work_order.pk).update(**times)
    for name, value in times.items():
        setattr(work_order, name, value)


# Labels of the actions other apps record on the timeline (``work_order_event_record``), by code:
# each app registers its own from its ``ready()``, so the timeline shows "返修收货", not a code.
TIMELINE_ACTIONS: dict[str, Any] = {}


def timeline_actions_register(labels: dict[str, Any]) -> None:
    TIMELINE_ACTIONS.update(labels)


# Checks another app makes before a work order is assigned (R-5.2: the staff app refuses a
# technician without a valid certification for the product line). Each takes the locked work
# order, the assignee and the moment, and raises a coded DomainError to refuse; the staff app
# registers its check from its ``ready()``, so the page, the API and automatic dispatch all meet it.
ASSIGN_CHECKS: list[Any] = []


def assign_checks_register(check: Any) -> None:
    if check not in ASSIGN_CHECKS:
        ASSIGN_CHECKS.append(check)


def assign_checks_run(*, work_order: WorkOrder, assignee: Any, now: dt.datetime | None = None) -> None:
    moment = now or timezone.now()
    for check in ASSIGN_CHECKS:
        check(work_order=work_order, assignee=assignee, now=moment)


# What another app does right after a work order is acknowledged, in the same transaction with
# the work order locked (dispatch: the automatic assignment of P2/P3 to the first eligible
# proposal when its setting is on, R-5.1). Each takes the actor and the work order and returns
# True when it changed the work order.
ACKNOWLEDGED_HOOKS: list[Any] = []


def acknowledged_hooks_register(hook: Any) -> None:
    if hook not in ACKNOWLEDGED_HOOKS:
        ACKNOWLEDGED_HOOKS.append(hook)


def acknowledged_hooks_run(*, actor: Any, work_order: WorkOrder) -> None:
    changed = False
    for hook in ACKNOWLEDGED_HOOKS:
        changed = bool(hook(actor=actor, work_order=work_order)) or changed
    if changed:
        work_order.refresh_from_db()  # a hook changed it through the services (True: re-read it)


# Where a work order's resolution comes from when another app holds the record of the work
# (fieldservice: the approved service report of a visit, R-6.4). Each source takes the locked work
# order and returns the resolution text, None when it has nothing to say about this work order,
# or raises a coded DomainError to refuse resolving it yet; ``work_order_resolve`` asks them.
RESOLUTION_SOURCES: list[Any] = []


def resolution_sources_register(source: Any) -> None:
    if source not in RESOLUTION_SOURCES:
        RESOLUTION_SOURCES.append(source)


def resolution_from_sources(*, work_order: WorkOrder) -> str | None:
    for source in RESOLUTION_SOURCES:
        text = source(work_order=work_order)
        if text is not None:
            return str(text)
    return None
