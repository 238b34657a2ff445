"""Batch-fault incidents (R-8.4): opening, rising, the levels' checklists and deadlines, closing.

``incident_open`` and ``incident_rise`` run inside the intake transaction that counted the report,
under the batch's counter lock (``counting``), so each level is reached once. The outbox rows that
tell a level's owner carry the dedupe key ``incident:<id>:level:<level>`` as a second guard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.outbox import Notice, notify_users
from aftersales.feedback import notifications
from aftersales.feedback.errors import FeedbackErrorCode
from aftersales.feedback.models import (
    LEVEL_ORDER,
    FaultCounter,
    FaultReport,
    Incident,
    IncidentLevel,
    IncidentTask,
    Level,
)

if TYPE_CHECKING:
    from aftersales.feedback.counting import Key

PERM_VIEW = "feedback.view_incident"
PERM_MANAGE = "feedback.manage_incident"
NOTE_MAX = 2000


@dataclass(frozen=True, slots=True)
class TaskPlan:
    kind: str
    label: Any
    hours: int | None  # None: a checklist item without a deadline


# each level's owner (a role) and checklist; the items with hours are deadlines.
LEVEL_ROLE: dict[str, str] = {Level.I: "supervisor", Level.II: "expert", Level.III: "executive"}
LEVEL_OWNER_LABEL: dict[str, Any] = {
    Level.I: _("Regional manager"),
    Level.II: _("Head-office technical department"),
    Level.III: _("Executive"),
}
CHECKLIST: dict[str, list[TaskPlan]] = {
    Level.I: [
        TaskPlan("detection", _("Fault pattern detected and confirmed"), 48),
        TaskPlan("compensation_plan", _("Compensation plan for the customers"), 48),
        TaskPlan("affected_list", _("Affected customers and serial numbers listed"), None),
    ],
    Level.II: [
        TaskPlan("public_statement", _("Public statement issued"), 72),
        TaskPlan("technical_cause", _("Technical cause established by head office"), None),
    ],
    Level.III: [
        TaskPlan("apology", _("Apology to the customers"), 12),
        TaskPlan("recall_plan", _("Recall plan"), 48),
    ],
}
TASK_LABELS = {plan.kind: plan.label for plans in CHECKLIST.values() for plan in plans}
WARN_AT = 0.8  # warned when 80 % of a deadline's time is used, as SLA targets


def level_owner(level: str, region_id: int | None) -> Any:
    """The level's owner: the first active user of its role (for level I, of the reports'
    region when there is one)."""
    users = (
        get_user_model()
        .objects.filter(groups__name=LEVEL_ROLE[level], is_active=True, customer__isnull=True)
        .order_by("pk")
    )
    if level == Level.I and region_id is not None:
        found = users.filter(region_id=region_id).first()
        if found is not None:
            return found
    return users.first()


def incident_open(*, key: Key, window_start: dt.datetime, now: dt.datetime, region_id: int | None) -> Incident:
    """Open the incident of ``key`` with the reports of its window behind it (level I, and more
    at once if there are already more reports)."""
    incident = Incident(product_model_id=key.product_model_id, batch=key.batch, level=Level.I, reports=0, opened_at=now)
    incident.save(force_insert=True)
    FaultCounter.objects.filter(product_model_id=key.product_model_id, batch=key.batch).update(incident=incident)
    attached = FaultReport.objects.filter(
        product_model_id=key.product_model_id,
        batch=key.batch,
        withdrawn_at__isnull=True,
        incident__isnull=True,
        reported_at__gte=window_start,
    ).update(incident=incident)
    incident.reports = attached
    Incident.objects.filter(pk=incident.pk).update(reports=attached)
    _reach(incident, Level.I, attached, now, region_id)
    incident_rise(incident_id=incident.pk, reports=attached, now=now, region_id=region_id, incident=incident)
    return incident


def incident_rise(
    *, incident_id: int, reports: int, now: dt.datetime, region_id: int | None, incident: Incident | None = None
) -> None:
    """Raise the incident to the level its reports call for, each level in between once."""
    from aftersales.feedback.counting import level_for

    incident = incident or Incident.objects.get(pk=incident_id)
    target = level_for(reports)
    for level in (Level.II, Level.III):
        if LEVEL_ORDER[level] > LEVEL_ORDER[target]:
            break
        # Conditional: only the transaction that moves the level up reaches it.
        moved = Incident.objects.filter(pk=incident_id, level=_below(level)).update(level=level)
        if moved:
            incident.level = level
            _reach(incident, level, reports, now, region_id)


def _below(level: str) -> str:
    below: dict[str, str] = {Level.II: Level.I, Level.III: Level.II}
    return below[level]


def _reach(incident: Incident, level: str, reports: int, now: dt.datetime, region_id: int | None) -> None:
    owner = level_owner(level, region_id)
    IncidentLevel.objects.create(incident=incident, level=level, reached_at=now, reports=reports, owner=owner)
    IncidentTask.objects.bulk_create(
        [
            IncidentTask(
                incident=incident,
                level=level,
                kind=plan.kind,
                due_at=now + dt.timedelta(hours=plan.hours) if plan.hours else None,
                warn_at=now + dt.timedelta(hours=plan.hours * WARN_AT) if plan.hours else None,
            )
            for plan in CHECKLIST[level]
        ]
    )
    if owner is not None:
        notify_users(notifications.incident_level_reached(incident, level, owner, reports))


# ---- the owners' actions ----------------------------------------------------------------------


def _locked_incident(actor: Any, incident_id: int) -> Incident:
    from aftersales.feedback.selectors import incident_scope

    if not actor.has_perm(PERM_VIEW):
        raise NotFound()
    incident = incident_scope(actor=actor).select_for_update().filter(pk=incident_id).first()
    if incident is None:
        raise NotFound()
    return incident


def may_tick(actor: Any, incident: Incident, level: str, owners: dict[str, int | None]) -> bool:
    return bool(actor.has_perm(PERM_MANAGE) or owners.get(level) == actor.pk)


def level_owners(incident: Incident) -> dict[str, int | None]:
    return dict(IncidentLevel.objects.filter(incident=incident).values_list("level", "owner_id"))


def incident_task_tick(
    *, actor: Any, incident_id: int, task_id: int, note: str = "", now: dt.datetime | None = None
) -> IncidentTask:
    """The level's owner (or a manager of incidents) ticks a checklist item; a deadline met."""
    now = now or timezone.now()
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": _("The text is longer than %(max)d characters.") % {"max": NOTE_MAX}})
    with transaction.atomic():
        incident = _locked_incident(actor, incident_id)
        task = IncidentTask.objects.filter(pk=task_id, incident=incident).first()
        if task is None:
            raise NotFound()
        if not may_tick(actor, incident, task.level, level_owners(incident)):
            raise PermissionDenied(_("Only the owner of this level can tick its checklist."))
        if incident.status != Incident.Status.OPEN:
            raise DomainError(FeedbackErrorCode.INCIDENT_CLOSED, _("The incident is closed."), status=409)
        if task.done_at is not None:
            raise DomainError(FeedbackErrorCode.ALREADY_DONE, _("This item is already ticked."), status=409)
        task.done_at, task.done_by, task.note = now, actor, note
        task.save(update_fields=["done_at", "done_by", "note"])
        record(actor=actor, action="change", verb="incident_task_tick", obj=incident, detail={"task": task.kind})
    return task


def incident_close(*, actor: Any, incident_id: int, note: str, now: dt.datetime | None = None) -> Incident:
    """Close an incident whose checklist is done; the batch's next reports count afresh."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": _("Say how the incident was resolved.")})
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": _("The text is longer than %(max)d characters.") % {"max": NOTE_MAX}})
    with transaction.atomic():
        # The batch's counter first (the lock order of intake), then the incident.
        head = Incident.objects.filter(pk=incident_id).values_list("product_model_id", "batch").first()
        if head is None or not actor.has_perm(PERM_VIEW):
            raise NotFound()
        list(FaultCounter.objects.select_for_update().filter(product_model_id=head[0], batch=head[1]))
        incident = _locked_incident(actor, incident_id)
        owners = level_owners(incident)
        if not (actor.has_perm(PERM_MANAGE) or owners.get(incident.level) == actor.pk):
            raise PermissionDenied(_("Only the owner of the current level can close the incident."))
        if incident.status != Incident.Status.OPEN:
            raise DomainError(FeedbackErrorCode.INCIDENT_CLOSED, _("The incident is closed."), status=409)
        if IncidentTask.objects.filter(incident=incident, done_at__isnull=True).exists():
            raise DomainError(
                FeedbackErrorCode.CHECKLIST_OPEN,
                _("Tick every item of the checklist before closing the incident."),
                status=409,
            )
        incident.status, incident.closed_at, incident.closed_by, incident.close_note = (
            Incident.Status.CLOSED,
            now,
            actor,
            note,
        )
        incident.save(update_fields=["status", "closed_at", "closed_by", "close_note"])
        FaultCounter.objects.filter(incident=incident).update(incident=None)
        record(actor=actor, action="change", verb="incident_close", obj=incident)
    return incident


# ---- deadlines: warnings and breaches (the periodic job) --------------------------------------


def incident_deadlines_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Warn the owner of a checklist deadline at 80 % of its time and record a breach at its due
    time, telling the owner and the executives. Each once: the claim is a conditional UPDATE in the
    same transaction as the outbox rows (dedupe keys ``incident-task:<id>:warn|breach``). Safe to
    run twice; must not run inside a caller's transaction."""
    now = now or timezone.now()
    counts = {}
    for what, stamp, due in (("warned", "warned_at", "warn_at"), ("breached", "breached_at", "due_at")):
        with transaction.atomic(durable=True):
            rows = list(
                IncidentTask.objects.filter(
                    Q(**{f"{due}__lte": now}), done_at__isnull=True, **{f"{stamp}__isnull": True}
                ).select_related("incident__product_model")[:500]
            )
            claimed = IncidentTask.objects.filter(
                pk__in=[r.pk for r in rows], done_at__isnull=True, **{f"{stamp}__isnull": True}
            ).update(**{stamp: now})
            notices: list[Notice] = []
            if claimed:
                owners = {
                    (lv.incident_id, lv.level): lv.owner
                    for lv in IncidentLevel.objects.filter(
                        incident_id__in={r.incident_id for r in rows}
                    ).select_related("owner")
                }
                executives = (
                    list(get_user_model().objects.filter(groups__name="executive", is_active=True).order_by("pk"))
                    if what == "breached"
                    else []
                )
                for task in rows:
                    owner = owners.get((task.incident_id, task.level))
                    notices += notifications.incident_task_due(task, owner, executives, breached=what == "breached")
                notify_users(notices)
            counts[what] = claimed
    return counts
