"""Every write of dispatch (R-5.1): the one-click assignment from the proposals, and the P1
approval by a supervisor.

A P2/P3 work order is assigned at once through ``workorders.services.work_order_assign`` (which
runs the certification check, R-5.2). A P1 work order may go to a senior technician only, and
only after a supervisor (``dispatch.approve_dispatch``) approves: the dispatcher's click records
a pending approval; the supervisor approves (then it is assigned) or refuses with a reason. A
supervisor's own click is approved at once. Both steps are on the work order's timeline; nothing
here pauses the SLA clocks. The work order is locked before the approval row (parent first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.catalog.models import Priority
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.outbox import Notice, notify_users
from aftersales.dispatch.errors import DispatchErrorCode
from aftersales.dispatch.models import ApprovalStatus, DispatchApproval
from aftersales.staff.models import StaffProfile
from aftersales.workorders import services as work_orders
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.selectors import assignable_users
from aftersales.workorders.services.hooks import assign_checks_run
from aftersales.workorders.states import Action

APPROVE = "dispatch.approve_dispatch"
MAX_TEXT = 2000


@dataclass(frozen=True)
class DispatchResult:
    outcome: str  # "assigned" or "proposed" (a P1 waiting for a supervisor)
    work_order: WorkOrder
    approval: DispatchApproval | None = None


def _text(value: Any, field: str, *, required: bool = False, message: Any = None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or "\x00" in value:
        raise ValidationFailed({field: _("Enter text.")})
    text: str = value.strip()
    if required and not text:
        raise ValidationFailed({field: message or _("This field is required.")})
    if len(text) > MAX_TEXT:
        raise ValidationFailed({field: _("At most %(max)d characters.") % {"max": MAX_TEXT}})
    return text


def _senior_refusal(technician_id: int) -> DomainError | None:
    if StaffProfile.objects.filter(user_id=technician_id, is_senior=True).exists():
        return None
    text = _("P1 goes to a senior technician only.")
    return DomainError(DispatchErrorCode.SENIOR_REQUIRED, text, {"technician_id": text}, status=409)


def _approvers() -> list[Any]:
    perm = Permission.objects.get(content_type__app_label="dispatch", codename="approve_dispatch")
    return list(
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm))
        .distinct()
        .order_by("pk")
    )


def dispatch_assign(
    *, actor: Any, work_order_id: int, technician_id: Any, note: Any = "", now: dt.datetime | None = None
) -> DispatchResult:
    """The dispatcher's one click on a proposal."""
    note = _text(note, "note")
    if isinstance(technician_id, bool) or not isinstance(technician_id, int) or technician_id < 1:
        raise ValidationFailed({"technician_id": _("Choose a technician from the proposals.")})
    now = now or timezone.now()
    with transaction.atomic():
        wo = work_orders.work_order_lock(actor=actor, work_order_id=work_order_id)
        refusal = work_orders.action_refusal(actor=actor, action=Action.ASSIGN, wo=wo)
        if refusal is not None:
            raise refusal
        if wo.priority != Priority.P1:
            wo = work_orders.work_order_assign(actor=actor, work_order_id=wo.pk, assignee_id=technician_id, note=note)
            return DispatchResult("assigned", wo)
        technician = assignable_users(actor=actor).filter(pk=technician_id).first()
        if technician is None:
            raise NotFound(_("Choose a technician from the proposals."))
        senior = _senior_refusal(technician.pk)
        if senior is not None:
            raise senior
        assign_checks_run(work_order=wo, assignee=technician, now=now)  # certification, before asking
        if actor.has_perm(APPROVE):
            approval = _create(wo, technician, actor, note, now, status=ApprovalStatus.APPROVED)
            _decided_event(actor, wo, approval, approved=True)
            wo = work_orders.work_order_assign(actor=actor, work_order_id=wo.pk, assignee_id=technician.pk, note=note)
            return DispatchResult("assigned", wo, approval)
        approval = _create(wo, technician, actor, note, now, status=ApprovalStatus.PENDING)
        work_orders.work_order_event_record(
            actor=actor,
            work_order=wo,
            action="dispatch_proposed",
            text=note,
            data={"technician": technician.pk, "technician_name": str(technician), "approval": approval.pk},
            at=now,
        )
        record(actor=actor, action="create", verb="dispatch_propose", obj=approval)
        body = str(
            _("%(number)s (P1): %(by)s proposes %(name)s. Approve or refuse it.")
            % {"number": wo.number, "by": actor, "name": technician}
        )
        notify_users(
            Notice(
                user=user,
                subject=str(_("P1 dispatch waits for your approval")),
                body=body,
                topic="dispatch.approval_requested",
                dedupe_key_prefix=f"dispatch-approval:{approval.pk}:{user.pk}",
            )
            for user in _approvers()
        )
        return DispatchResult("proposed", wo, approval)


def _create(
    wo: WorkOrder, technician: Any, actor: Any, note: str, now: dt.datetime, *, status: str
) -> DispatchApproval:
    decided = status != ApprovalStatus.PENDING
    try:
        with transaction.atomic():
            return DispatchApproval.objects.create(
                work_order=wo,
                technician=technician,
                proposed_by=actor,
                proposed_at=now,
                note=note,
                status=status,
                decided_by=actor if decided else None,
                decided_at=now if decided else None,
            )
    except IntegrityError:
        raise _pending() from None


def _pending() -> DomainError:
    return DomainError(
        "approval_pending", _("A P1 dispatch of this work order already waits for approval."), status=409
    )


def _decided_event(actor: Any, wo: WorkOrder, approval: DispatchApproval, *, approved: bool) -> None:
    work_orders.work_order_event_record(
        actor=actor,
        work_order=wo,
        action="dispatch_approved" if approved else "dispatch_refused",
        text=approval.reason,
        data={
            "technician": approval.technician_id,
            "technician_name": str(approval.technician),
            "approval": approval.pk,
        },
        at=approval.decided_at,
    )
    record(actor=actor, action="change", verb="dispatch_approve" if approved else "dispatch_refuse", obj=approval)


def approval_decide(
    *, actor: Any, approval_id: int, approve: Any, reason: Any = "", now: dt.datetime | None = None
) -> DispatchApproval:
    """A supervisor approves (the work order is assigned) or refuses (reason required)."""
    if getattr(actor, "is_customer_user", True) or not actor.has_perm(APPROVE):
        raise PermissionDenied()
    if not isinstance(approve, bool):
        raise ValidationFailed({"approve": _("Say approve or refuse.")})
    reason = _text(reason, "reason", required=not approve, message=_("Say why the proposal is refused."))
    now = now or timezone.now()
    found = DispatchApproval.objects.filter(pk=approval_id).values_list("work_order_id", flat=True).first()
    if found is None:
        raise NotFound()
    with transaction.atomic():
        wo = work_orders.work_order_lock(actor=actor, work_order_id=found)
        approval = DispatchApproval.objects.select_for_update().select_related("technician").get(pk=approval_id)
        if approval.status != ApprovalStatus.PENDING:
            raise DomainError("approval_decided", _("This proposal has already been decided."), status=409)
        approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
        approval.decided_by, approval.decided_at, approval.reason = actor, now, reason
        approval.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _decided_event(actor, wo, approval, approved=approve)
        if approve:
            senior = _senior_refusal(approval.technician_id)
            if senior is not None:
                raise senior
            work_orders.work_order_assign(
                actor=actor, work_order_id=wo.pk, assignee_id=approval.technician_id, note=approval.note
            )
        else:
            notify_users(
                [
                    Notice(
                        user=approval.proposed_by,
                        subject=str(_("P1 dispatch refused")),
                        body=str(
                            _("%(number)s: %(name)s was refused: %(reason)s")
                            % {"number": wo.number, "name": approval.technician, "reason": reason}
                        ),
                        topic="dispatch.approval_refused",
                        dedupe_key_prefix=f"dispatch-refused:{approval.pk}",
                        channels=("in_app",),
                    )
                ]
            )
    return approval
