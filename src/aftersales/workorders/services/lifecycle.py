"""Who may do what on a work order now (the one rule behind every action and the actions
offered), and the lifecycle moves (R-3.5 .. R-3.8).

Each function checks permission, validates, runs in one transaction, writes the timeline
event and the access-log row, and leaves side effects only through the outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.catalog.models import Priority, ServiceType
from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed
from aftersales.feedback.counting import fault_report_move
from aftersales.parts import services as parts_services  # reserved parts are used on resolve
from aftersales.sla import targets as sla_targets  # SLA hooks: see sla/targets.py
from aftersales.workorders import notifications
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import WorkOrder, WorkOrderEvent
from aftersales.workorders.selectors import assignable_users, is_portal_user
from aftersales.workorders.services.common import (
    ATTACH,
    COMMUNICATION,
    NOTE,
    PRIORITY,
    _event,
    _illegal,
    _move,
    _not_found,
    _optional_text,
    _required_reason,
)
from aftersales.workorders.services.hooks import (
    acknowledged_hooks_run,
    assign_checks_run,
    resolution_from_sources,
    work_order_lock,
)
from aftersales.workorders.states import TRANSITIONS, Action, HandlingMode, Status

# ---------------------------------------------------------------------------------------
# who may do what, now: the one rule behind every action and the actions offered


def _may_handle(actor: Any, wo: WorkOrder) -> bool:
    if not actor.has_perm("workorders.handle_workorder"):
        return False
    return bool(wo.assignee_id == actor.pk or actor.has_perm("workorders.view_all_workorders"))


def _perm(name: str) -> Callable[[Any, WorkOrder], bool]:
    return lambda actor, wo: bool(actor.has_perm(f"workorders.{name}"))


def _either(*rules: Callable[[Any, WorkOrder], bool]) -> Callable[[Any, WorkOrder], bool]:
    return lambda actor, wo: any(rule(actor, wo) for rule in rules)


# What a member of staff's role must allow for each action (permissions, not role names, so an
# administrator can change a role). Handling is for the assigned handler or a supervisor.
STAFF_RULES: dict[str, Callable[[Any, WorkOrder], bool]] = {
    Action.ACKNOWLEDGE: _either(_perm("add_workorder"), _perm("handle_workorder")),
    Action.ASSIGN: _perm("assign_workorder"),
    Action.START: _may_handle,
    Action.WAIT_CUSTOMER: _may_handle,
    Action.WAIT_PARTS: _may_handle,
    Action.RESUME: _may_handle,
    Action.RESOLVE: _may_handle,
    Action.CONFIRM: _either(_perm("close_workorder"), _may_handle),
    Action.CLOSE: _perm("close_workorder"),
    # QA reopens when the follow-up call hears the problem is back (surveys.followup, R-8.1).
    Action.REOPEN: _either(
        _perm("close_workorder"),
        _perm("handle_workorder"),
        lambda actor, wo: bool(actor.has_perm("surveys.make_follow_up_call")),
    ),
    Action.ARCHIVE: _perm("archive_workorder"),
    Action.CANCEL: _perm("close_workorder"),  # the desk that closes also withdraws a request
    NOTE: _either(_may_handle, _perm("record_communication")),
    ATTACH: _either(_may_handle, _perm("record_communication")),  # photos and documents, like a note
    COMMUNICATION: _perm("record_communication"),
    PRIORITY: _either(_perm("assign_workorder"), _perm("add_workorder")),
}
HANDLER_ONLY = frozenset({Action.START, Action.WAIT_CUSTOMER, Action.WAIT_PARTS, Action.RESUME, Action.RESOLVE})
# A customer confirms or reopens their own resolved request in the portal, nothing else;
# later, they call and an agent reopens it.
CUSTOMER_ACTIONS = frozenset({Action.CONFIRM, Action.REOPEN})


def action_refusal(*, actor: Any, action: str, wo: WorkOrder) -> DomainError | None:
    """Why ``actor`` may not do ``action`` on ``wo`` now, or None when they may.

    The one rule for every action and every role: each service raises what this returns (after
    the scope, which answers 404), and ``available_actions`` lists the lifecycle actions it lets
    through, so what a page or the API offers is exactly what the services accept.
    """
    refusal = _refusal(actor, action, wo)
    return None if refusal is None else refusal()


def _refusal(actor: Any, action: str, wo: WorkOrder) -> Callable[[], DomainError] | None:
    """``action_refusal``'s rule, giving the error to raise only when asked: the actions offered
    ask it a dozen times for every work order answered, and most of the answers are refusals."""
    if wo.is_read_only:
        return lambda: DomainError(WorkOrderErrorCode.READ_ONLY, _("Archived work orders are read-only."), status=409)
    if is_portal_user(actor):
        if action == ATTACH:  # a photo of the fault, a receipt: on their own request, at any stage
            return None if actor.has_perm("workorders.submit_request") else PermissionDenied
        if action not in CUSTOMER_ACTIONS or not actor.has_perm("workorders.confirm_own_workorder"):
            return PermissionDenied
        return None if wo.status == Status.RESOLVED else lambda: _illegal(wo, action)
    if not STAFF_RULES[action](actor, wo):
        if action in HANDLER_ONLY:
            return lambda: PermissionDenied(_("Only the assigned handler or a supervisor can do this."))
        return PermissionDenied
    if action == PRIORITY:
        if not wo.is_open:
            return lambda: DomainError(
                WorkOrderErrorCode.ILLEGAL_TRANSITION, _("Only an open work order can be re-prioritised."), status=409
            )
        return None
    if action in TRANSITIONS and wo.status not in TRANSITIONS[action][0]:
        return lambda: _illegal(wo, action)
    return None


def available_actions(*, actor: Any, wo: WorkOrder) -> list[str]:
    """The lifecycle actions ``actor`` may take on ``wo`` now: those action_refusal lets through."""
    return [str(action) for action in TRANSITIONS if _refusal(actor, action, wo) is None]


def _locked(actor: Any, work_order_id: int, action: str) -> WorkOrder:
    """The work order locked (``work_order_lock``: scope, one query without joins) for ``action``,
    refused as action_refusal refuses it. Every work-order action of this app passes here."""
    wo = work_order_lock(actor=actor, work_order_id=work_order_id)
    refusal = action_refusal(actor=actor, action=action, wo=wo)
    if refusal is not None:
        raise refusal
    return wo


# ---------------------------------------------------------------------------------------
# lifecycle


def work_order_acknowledge(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    """An agent takes a new request; for a portal request they become its first-contact owner."""
    note = _optional_text(note, "note")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.ACKNOWLEDGE)
        if wo.service_type == ServiceType.COMPLAINT:
            from aftersales.feedback.complaints import complaint_acknowledge_refusal  # (import cycle)

            complaint_acknowledge_refusal(wo)  # not before the read-back
        _move(wo, actor, Action.ACKNOWLEDGE, Status.ACKNOWLEDGED, text=note)
        if wo.owner_id is None:
            wo.owner = actor
        wo.save()
        sla_targets.on_acknowledged(wo)  # SLA
        record(actor=actor, action="change", verb=Action.ACKNOWLEDGE, obj=wo)
        acknowledged_hooks_run(actor=actor, work_order=wo)  # dispatch: automatic assignment
    return wo


def work_order_assign(*, actor: Any, work_order_id: int, assignee_id: int, note: str = "") -> WorkOrder:
    """Assign or reassign; the first-contact owner stays (R-5.4). The assignee is one of the
    people who may be assigned (``assignable_users``, as the page offers); anyone else is 404."""
    note = _optional_text(note, "note")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.ASSIGN)
        assignee = assignable_users(actor=actor).filter(pk=assignee_id).first()
        if assignee is None:
            raise _not_found("assignee_id", _("Choose an active staff member who handles work orders."))
        if wo.assignee_id == assignee.pk and wo.status == Status.ASSIGNED:
            raise ValidationFailed({"assignee_id": _("The work order is already assigned to this person.")})
        assign_checks_run(work_order=wo, assignee=assignee)  # certifications (staff app)
        previous = wo.assignee
        event = _move(
            wo,
            actor,
            Action.ASSIGN,
            Status.ASSIGNED,
            text=note,
            # The name as it was then: the timeline reads right after later reassignments.
            data={
                "assignee": assignee.pk,
                "assignee_name": str(assignee),
                "previous": previous.pk if previous else None,
            },
        )
        wo.assignee = assignee
        if wo.owner_id is None:
            wo.owner = actor
        wo.save()
        sla_targets.on_assigned(wo)  # SLA
        record(actor=actor, action="change", verb=Action.ASSIGN, obj=wo, detail={"assignee": assignee.pk})
        notifications.work_order_assigned(wo, assignee=assignee, by=actor, event=event)
    return wo


def work_order_start(*, actor: Any, work_order_id: int, mode: str = HandlingMode.REMOTE, note: str = "") -> WorkOrder:
    if mode not in HandlingMode.values:
        raise ValidationFailed({"mode": _("Choose remote, on site or returned to factory.")})
    note = _optional_text(note, "note")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.START)
        _move(wo, actor, Action.START, Status.IN_PROGRESS, text=note, data={"mode": mode})
        wo.handling_mode = mode
        wo.save()
        sla_targets.on_started(wo)  # SLA
        record(actor=actor, action="change", verb=Action.START, obj=wo)
    return wo


# What a work order can wait on, with the action and the status it moves to.
WAIT_ON = {
    "customer": (Action.WAIT_CUSTOMER, Status.WAITING_CUSTOMER),
    "parts": (Action.WAIT_PARTS, Status.WAITING_PARTS),
}


def work_order_wait(*, actor: Any, work_order_id: int, on: str, reason: str) -> WorkOrder:
    """Pause handling while waiting on the customer or on parts (R-3.5, R-4.6)."""
    if on not in WAIT_ON:
        raise ValidationFailed({"on": _("Choose what the work order waits on: customer or parts.")})
    reason = _required_reason(reason, "reason", _("Say what the work order is waiting for."))
    action, target = WAIT_ON[on]
    with transaction.atomic():
        wo = _locked(actor, work_order_id, action)
        _move(wo, actor, action, target, text=reason)
        wo.save()
        sla_targets.on_status_changed(wo)  # SLA: pause
        record(actor=actor, action="change", verb=action, obj=wo)
    return wo


def work_order_resume(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    note = _optional_text(note, "note")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.RESUME)
        _move(wo, actor, Action.RESUME, Status.IN_PROGRESS, text=note)
        wo.save()
        sla_targets.on_status_changed(wo)  # SLA: resume
        record(actor=actor, action="change", verb=Action.RESUME, obj=wo)
    return wo


def work_order_resolve(*, actor: Any, work_order_id: int, resolution: str, technical_solution: str = "") -> WorkOrder:
    """R-3.7: record the resolution and the technical solution used. A work order another app
    holds the record of the work for (a visit's approved service report, R-6.4) takes its
    resolution from there (``hooks.resolution_from_sources``)."""
    resolution = _optional_text(resolution, "resolution")
    technical_solution = _optional_text(technical_solution, "technical_solution")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.RESOLVE)
        from_record = resolution_from_sources(work_order=wo)
        if from_record is not None:
            resolution = from_record
        elif not resolution:
            raise ValidationFailed({"resolution": _("Describe how the problem was solved.")})
        event = _move(
            wo, actor, Action.RESOLVE, Status.RESOLVED, text=resolution, data={"technical_solution": technical_solution}
        )
        wo.resolution = resolution
        wo.technical_solution = technical_solution
        wo.resolved_at = timezone.now()
        wo.save()
        sla_targets.on_resolved(wo, at=wo.resolved_at)  # SLA
        parts_services.consume_for_work_order(actor=actor, work_order=wo, now=wo.resolved_at)
        record(actor=actor, action="change", verb=Action.RESOLVE, obj=wo)
        notifications.work_order_resolved(wo, event=event)
    return wo


def work_order_confirm(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    """The customer confirms the problem is solved: in the portal themselves, or told an agent
    on the phone (then the agent says how and when in ``note``)."""
    is_portal = is_portal_user(actor)
    if is_portal:
        note = _optional_text(note, "note")
    else:
        note = _required_reason(note, "note", _("Record how the customer confirmed (e.g. by phone with whom)."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.CONFIRM)
        _move(wo, actor, Action.CONFIRM, Status.CONFIRMED, text=note, data={"by_customer": is_portal})
        wo.confirmed_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", verb=Action.CONFIRM, obj=wo)
    return wo


def work_order_close(*, actor: Any, work_order_id: int, reason: str = "") -> WorkOrder:
    """R-3.7: closing without the customer's confirmation needs a reason."""
    reason = _optional_text(reason, "reason")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.CLOSE)
        if wo.status == Status.RESOLVED and not reason:
            raise ValidationFailed({"reason": _("The customer has not confirmed: give the reason for closing anyway.")})
        event = _move(
            wo, actor, Action.CLOSE, Status.CLOSED, text=reason, data={"confirmed": wo.status == Status.CONFIRMED}
        )
        if wo.confirmed_at is None:
            wo.close_reason = reason
        wo.closed_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", verb=Action.CLOSE, obj=wo)
        notifications.work_order_closed(wo, event=event)
    return wo


def work_order_reopen(*, actor: Any, work_order_id: int, reason: str) -> WorkOrder:
    """R-3.5: the customer says it is not fixed. Back to the handler if there is one."""
    reason = _required_reason(reason, "reason", _("Say why the work order is reopened."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.REOPEN)
        target = Status.ASSIGNED if wo.assignee_id else Status.ACKNOWLEDGED
        event = _move(wo, actor, Action.REOPEN, target, text=reason)
        wo.resolved_at = wo.confirmed_at = wo.closed_at = None
        wo.close_reason = ""
        wo.save()
        sla_targets.on_reopened(wo)  # SLA
        record(actor=actor, action="change", verb=Action.REOPEN, obj=wo)
        if wo.assignee is not None:
            notifications.work_order_reopened(wo, event=event)
    return wo


def work_order_cancel(*, actor: Any, work_order_id: int, reason: str, now: dt.datetime | None = None) -> WorkOrder:
    """Withdraw an open work order that will not be solved (the customer withdrew it, a
    duplicate, raised in error), with the reason, in one transaction: its reserved parts go back
    to stock (R-7.2), its SLA targets no longer apply (never breached later, R-4), it stops
    counting towards its batch's faults (R-8.4), and no survey is sent (it is never closed,
    R-9.1). Not while its product is at the factory on an open repair order (R-6.5)."""
    reason = _required_reason(reason, "reason", _("Say why the work order is cancelled."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.CANCEL)
        from aftersales.repairs.selectors import work_order_has_open_repair  # (import cycle)

        if work_order_has_open_repair(work_order_id=wo.pk):
            raise DomainError(
                WorkOrderErrorCode.REPAIR_OPEN,
                _("The product is at the factory on an open repair order: finish or return it first."),
                {"reason": _("An open repair order holds this work order's product.")},
                status=409,
            )
        at = now or timezone.now()
        event = _move(wo, actor, Action.CANCEL, Status.CANCELLED, text=reason, at=at)
        wo.save()
        released = parts_services.release_for_work_order(actor=actor, work_order=wo, reason=reason, now=at)
        sla_targets.on_cancelled(wo, at=at)  # SLA: no target applies any more
        fault_report_move(work_order=wo, now=at)  # a cancelled order is no fault report
        record(
            actor=actor,
            action="change",
            verb=Action.CANCEL,
            obj=wo,
            detail={"released_parts": [x.pk for x in released]},
        )
        notifications.work_order_cancelled(wo, event=event)
    return wo


def work_order_archive(*, actor: Any, work_order_id: int) -> WorkOrder:
    """R-3.8: archived work orders are read-only from then on."""
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.ARCHIVE)
        _move(wo, actor, Action.ARCHIVE, Status.ARCHIVED)
        wo.archived_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", verb=Action.ARCHIVE, obj=wo)
    return wo


def work_order_set_priority(*, actor: Any, work_order_id: int, priority: str, reason: str) -> WorkOrder:
    """R-3.3: the agent changes the priority; the SLA targets are computed again (R-4.2)."""
    if priority not in Priority.values:
        raise ValidationFailed({"priority": _("Choose P1, P2 or P3.")})
    reason = _required_reason(reason, "reason", _("Say why the priority changes."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, PRIORITY)
        if wo.priority == priority:
            raise ValidationFailed({"priority": _("The work order already has this priority.")})
        previous = wo.priority
        wo.priority = priority
        wo.save()
        _event(wo, actor, WorkOrderEvent.Kind.CHANGE, text=reason, data={"priority": priority, "previous": previous})
        sla_targets.on_priority_changed(wo)  # SLA: recompute the targets
        record(
            actor=actor, action="change", verb="priority", obj=wo, detail={"priority": priority, "previous": previous}
        )
    return wo


def work_order_add_note(*, actor: Any, work_order_id: int, text: str) -> WorkOrderEvent:
    """A progress note on the timeline (R-3.6)."""
    text = _required_reason(text, "text", _("Write the note."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, NOTE)
        event = _event(wo, actor, WorkOrderEvent.Kind.NOTE, text=text)
        WorkOrder.objects.filter(pk=wo.pk).update(updated_at=timezone.now())
        sla_targets.on_progress(wo, actor=actor, at=event.at)  # SLA: progress
        record(actor=actor, action="change", verb="note", obj=wo, detail={"note": event.pk})
    return event
