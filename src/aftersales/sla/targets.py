"""The SLA targets of each work order, kept as stored timestamps (R-4, R-3.6).

The work-order services call the ``on_*`` hooks below inside their own transaction, after the
work order is saved, so a target changes exactly when (and only if) the change that causes it
commits. Each hook sets, meets, pauses or cancels ``WorkOrderTarget`` rows and then refreshes the
work order's ``next_due_at`` (the earliest due time of its open, running targets).

Which event meets which target:

- first response (R-4.1): intake on a live channel (phone, walk-in) is the first contact, met at
  the received time; otherwise the first acknowledgement, outbound communication, start or
  resolution.
- response (R-4.2): start of handling, the handler contacting the customer (an outbound
  communication recorded by the assignee: the intake promise tells the customer "we will contact
  you by" the response time), or the resolution.
- resolution (R-4.2): resolved.
- contact after assignment (R-4.3, "the handler contacts the customer"): set at each assignment
  (a reassignment restarts it); met by a communication or note the assignee records, or the start
  of handling. Someone else calling the customer is a first response, not the handler's contact.
- progress update (R-3.6): set at the first assignment; each note or outbound communication meets
  it and sets the next one from that moment; a resolution ends it.
- green closed within 24 h / yellow progress within 48 h (R-4.5): resolved / a note or outbound
  communication (or resolved).
- field service (R-4.4), for a job on site (``policies.ON_SITE_SERVICE_TYPES``), each where the
  policy has a rule for it (by default: the arrival for P1, the appointment for P2 and P3):
  emergency arrival, set at intake, met when the technician checks in on site; appointment agreed,
  set at intake, met when an appointment is agreed with the customer (or the technician arrives);
  fixed at the first visit, set at the first check-in on site, met when that visit's report
  records the fault fixed and breached at once when it records it not fixed; complex fault closed,
  set at that moment (a fault the first visit did not fix is complex), met by the resolution. The
  field service app calls ``on_appointment_agreed``, ``on_arrived`` and ``on_visit_outcome``.

A resolution meets every target still open except the progress update, which no longer applies
(cancelled). Pauses (R-4.6): while the work order is in a state the policy pauses on, its open
targets are paused; on leaving it each due time moves on by the paused time measured on the
target's own clock, so a pause never makes a deadline earlier. A target met after its due time is
breached and recorded as an ``SlaBreach`` (the watcher records those still open, ``services``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db.models import Min
from django.utils import timezone

from aftersales.core.db import insert
from aftersales.sla import clocks, policies
from aftersales.sla.errors import CalendarError, CalendarErrorCode
from aftersales.sla.models import SlaBreach, SlaPolicy, TargetKind, WorkOrderTarget

logger = logging.getLogger(__name__)

# The attribute on a just-created work order holding the targets intake stored for it.
CREATED_TARGETS = "_sla_created_targets"
LIVE_CHANNELS = frozenset({"phone", "walk_in"})
WAITING_STATUSES = frozenset({policies.WAITING_CUSTOMER, policies.WAITING_PARTS})
# Targets the resolution does not meet but ends.
ENDED_BY_RESOLUTION = frozenset({TargetKind.PROGRESS_UPDATE})


# ---- building blocks ------------------------------------------------------------------------
def _policy(wo: Any) -> SlaPolicy | None:
    """The work order's policy, or None when the SLA set-up is broken (no active policy for the
    priority, no default calendar): a request is never refused for that; it gets no targets and
    the log says why."""
    try:
        policy = policies.policy_for_work_order(wo)
        policies.calendar_id_of(policy)
    except policies.NoPolicy:
        logger.warning("work order %s: no active SLA policy for %s, no targets set", wo.number, wo.priority)
        return None
    except CalendarError as exc:
        if exc.code != CalendarErrorCode.NO_DEFAULT_CALENDAR:
            raise
        logger.warning("work order %s: no default working calendar, no SLA targets set", wo.number)
        return None
    return policy


def _open(wo: Any, kinds: Iterable[str] | None = None) -> list[WorkOrderTarget]:
    qs = WorkOrderTarget.objects.filter(work_order_id=wo.pk, met_at__isnull=True, cancelled_at__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.order_by("id"))


def _create(wo: Any, planned: policies.Planned) -> WorkOrderTarget:
    target = _new(wo, planned)
    target.save()
    return target


def _new(wo: Any, planned: policies.Planned) -> WorkOrderTarget:
    return WorkOrderTarget(
        work_order_id=wo.pk,
        kind=planned.kind,
        clock=planned.clock,
        calendar_id=planned.calendar_id,
        policy_id=planned.policy_id,
        duration_seconds=planned.duration,
        warn_at_percent=planned.warn_at_percent,
        started_at=planned.started_at,
        due_at=planned.due_at,
        original_due_at=planned.due_at,
        warn_at=planned.warn_at,
    )


def _start(wo: Any, policy: SlaPolicy, kind: str, at: dt.datetime) -> WorkOrderTarget | None:
    calendar_id = policies.calendar_id_of(policy)
    in_hours = clocks.is_working_time(at, calendar_id)
    planned = policies.plan(policy=policy, kind=kind, started_at=at, in_hours=in_hours, calendar_id=calendar_id)
    return _create(wo, planned) if planned is not None else None


def _resume(target: WorkOrderTarget, at: dt.datetime) -> None:
    """End the target's pause at ``at``: its due (and a warning still to come) move on by the
    paused time on its clock. Does not save."""
    paused_at = target.paused_at
    if paused_at is None:
        return
    paused = max(0.0, clocks.elapsed_seconds(paused_at, max(at, paused_at), target.clock, target.calendar_id))
    if paused > 0:
        target.due_at = policies.shift(target.due_at, paused, target.clock, target.calendar_id)
        if target.warned_at is None and target.warn_at > paused_at:
            target.warn_at = policies.shift(target.warn_at, paused, target.clock, target.calendar_id)
        if not target.extended:
            target.original_due_at = target.due_at
        target.paused_seconds += paused
    target.paused_at = None


def _overdue(due_at: dt.datetime, at: dt.datetime) -> int:
    return max(0, int((at - due_at).total_seconds()))


def _meet(wo: Any, targets: Iterable[WorkOrderTarget], at: dt.datetime) -> None:
    for target in targets:
        if target.started_at > at:  # a communication back-dated before the target was set
            continue
        _resume(target, at)
        target.met_at = at
        late = at > target.due_at
        target.breached = target.breached or late
        target.save(
            update_fields=["met_at", "breached", "due_at", "warn_at", "original_due_at", "paused_at", "paused_seconds"]
        )
        if late:
            record_breach(wo, target, met_at=at, overdue=_overdue(target.due_at, at), now=at)


def _cancel(wo: Any, targets: Iterable[WorkOrderTarget], at: dt.datetime) -> None:
    for target in targets:
        target.cancelled_at = at
        target.paused_at = None
        target.save(update_fields=["cancelled_at", "paused_at"])
        if target.escalated_at is not None:
            SlaBreach.objects.filter(target=target, overdue_seconds__isnull=True).update(
                overdue_seconds=_overdue(target.due_at, at)
            )


def record_breach(
    wo: Any,
    target: WorkOrderTarget,
    *,
    met_at: dt.datetime | None,
    overdue: int | None,
    now: dt.datetime,
    new: bool = False,
) -> SlaBreach:
    """The breach record of ``target`` (one per target): created, or completed when met later.
    ``new``: the caller knows there is none yet (the watcher's claim), which saves a query."""
    breach = None if new else SlaBreach.objects.filter(target=target).first()
    if breach is None:
        assignee = getattr(wo, "assignee", None) if wo.assignee_id else None
        return SlaBreach.objects.create(
            target=target,
            work_order_id=wo.pk,
            kind=target.kind,
            due_at=target.due_at,
            met_at=met_at,
            overdue_seconds=overdue,
            assignee_id=wo.assignee_id,
            team_id=getattr(assignee, "team_id", None),
            recorded_at=now,
        )
    if met_at is not None and breach.met_at is None:
        breach.met_at, breach.overdue_seconds = met_at, overdue
        breach.save(update_fields=["met_at", "overdue_seconds"])
    return breach


def _sync_pause(wo: Any, at: dt.datetime, policy: SlaPolicy | None = None) -> None:
    """Pause the open targets while the work order is in a state its policy pauses on; resume
    them otherwise."""
    pausing = False
    if wo.status in WAITING_STATUSES:
        policy = policy or _policy(wo)
        pausing = policy is not None and wo.status in policies.paused_statuses(policy)
    for target in _open(wo):
        if pausing and target.paused_at is None:
            target.paused_at = at
            target.save(update_fields=["paused_at"])
        elif not pausing and target.paused_at is not None:
            _resume(target, at)
            target.save(update_fields=["due_at", "warn_at", "original_due_at", "paused_at", "paused_seconds"])


def refresh_next_due(wo: Any) -> dt.datetime | None:
    """Store the earliest due time of the work order's open, running targets on the work order."""
    from aftersales.workorders.services import work_order_sla_times_store

    next_due: dt.datetime | None = WorkOrderTarget.objects.filter(
        work_order_id=wo.pk, met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
    ).aggregate(at=Min("due_at"))["at"]
    if wo.next_due_at != next_due:
        work_order_sla_times_store(work_order=wo, next_due_at=next_due)
    return next_due


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


# ---- the hooks the work-order services call ---------------------------------------------------
def plan_created(wo: Any) -> list[WorkOrderTarget]:
    """Intake, before the work order's INSERT: its targets of R-4.1/R-4.2/R-4.5 from the received
    time, built in memory, and ``queue_at`` (R-4.8) and ``next_due_at`` set on ``wo`` so they are
    written with the row. ``on_created`` stores the targets once the work order has its id."""
    policy = _policy(wo)
    if policy is None:
        wo.queue_at = wo.received_at
        return []
    calendar_id = policies.calendar_id_of(policy)
    targets = [
        _new(wo, planned)
        for planned in policies.plan_intake(
            policy=policy,
            received_at=wo.received_at,
            colour=wo.colour,
            service_type=wo.service_type,
            calendar_id=calendar_id,
        )
    ]
    for target in targets:
        # On a live channel the agent speaking is the first response, met on receipt.
        if target.kind == TargetKind.FIRST_RESPONSE and wo.channel in LIVE_CHANNELS:
            target.met_at = wo.received_at
    wo.queue_at = policies.queue_time(received_at=wo.received_at, priority=wo.priority, calendar_id=calendar_id)
    running = [t.due_at for t in targets if t.met_at is None]
    wo.next_due_at = min(running) if running else None
    return targets


def on_created(wo: Any, targets: list[WorkOrderTarget]) -> None:
    """Intake, after the INSERT: store the targets ``plan_created`` gave, in one statement."""
    for target in targets:
        target.work_order_id = wo.pk
    insert(targets)
    if wo.resolved_at is not None:  # answered on the spot
        on_resolved(wo, at=wo.resolved_at)
    else:  # the answer to the create shows the promise from these, without reading them back
        setattr(wo, CREATED_TARGETS, targets)


def on_acknowledged(wo: Any, *, at: dt.datetime | None = None) -> None:
    _meet(wo, _open(wo, [TargetKind.FIRST_RESPONSE]), _now(at))
    refresh_next_due(wo)


def on_assigned(wo: Any, *, at: dt.datetime | None = None) -> None:
    """R-4.3: contact within 30 min after each assignment; progress updates start (R-3.6)."""
    at = _now(at)
    policy = _policy(wo)
    if policy is None:
        return
    _cancel(wo, _open(wo, [TargetKind.CONTACT_AFTER_ASSIGNMENT]), at)
    _start(wo, policy, TargetKind.CONTACT_AFTER_ASSIGNMENT, at)
    if not _open(wo, [TargetKind.PROGRESS_UPDATE]):
        _start(wo, policy, TargetKind.PROGRESS_UPDATE, at)
    _sync_pause(wo, at, policy)  # assigning out of a waiting state resumes the clock
    refresh_next_due(wo)


def on_started(wo: Any, *, at: dt.datetime | None = None) -> None:
    kinds = [TargetKind.FIRST_RESPONSE, TargetKind.RESPONSE, TargetKind.CONTACT_AFTER_ASSIGNMENT]
    _meet(wo, _open(wo, kinds), _now(at))
    refresh_next_due(wo)


def on_status_changed(wo: Any, *, at: dt.datetime | None = None) -> None:
    """Waiting and resuming (R-4.6)."""
    _sync_pause(wo, _now(at))
    refresh_next_due(wo)


def on_resolved(wo: Any, *, at: dt.datetime | None = None) -> None:
    at = _now(at)
    targets = _open(wo)
    _cancel(wo, [t for t in targets if t.kind in ENDED_BY_RESOLUTION], at)
    _meet(wo, [t for t in targets if t.kind not in ENDED_BY_RESOLUTION], at)
    refresh_next_due(wo)


def on_cancelled(wo: Any, *, at: dt.datetime | None = None) -> None:
    """The work order was cancelled: none of its open targets applies any more (no breach is
    recorded for them later, an escalated one's breach is settled at this time)."""
    _cancel(wo, _open(wo), _now(at))
    refresh_next_due(wo)


def on_reopened(wo: Any, *, at: dt.datetime | None = None) -> None:
    """Back in handling: progress updates are due again."""
    at = _now(at)
    policy = _policy(wo) if wo.assignee_id and not _open(wo, [TargetKind.PROGRESS_UPDATE]) else None
    if policy is not None:
        _start(wo, policy, TargetKind.PROGRESS_UPDATE, at)
    refresh_next_due(wo)


def on_progress(wo: Any, *, actor: Any, at: dt.datetime | None = None, outbound: bool = False) -> None:
    """A progress note or a communication (``outbound`` when we contacted the customer)."""
    at = _now(at)
    kinds: list[str] = [TargetKind.PROGRESS_UPDATE, TargetKind.COLOUR_YELLOW_PROGRESS]
    by_handler = wo.assignee_id is not None and actor is not None and actor.pk == wo.assignee_id
    if outbound:
        kinds.append(TargetKind.FIRST_RESPONSE)
    if by_handler:
        kinds.append(TargetKind.CONTACT_AFTER_ASSIGNMENT)
        if outbound:
            kinds.append(TargetKind.RESPONSE)
    targets = _open(wo, kinds)
    had_progress = any(t.kind == TargetKind.PROGRESS_UPDATE and t.started_at <= at for t in targets)
    _meet(wo, targets, at)
    policy = _policy(wo) if had_progress and wo.is_open else None
    if policy is not None:
        _start(wo, policy, TargetKind.PROGRESS_UPDATE, at)
        _sync_pause(wo, at, policy)
    refresh_next_due(wo)


def on_appointment_agreed(wo: Any, *, at: dt.datetime | None = None) -> None:
    """R-4.4: an appointment was agreed with the customer."""
    _meet(wo, _open(wo, [TargetKind.APPOINTMENT_AGREED]), _now(at))
    refresh_next_due(wo)


def on_arrived(wo: Any, *, at: dt.datetime | None = None) -> None:
    """R-4.4: a technician checked in at the customer's site. Meets the arrival (and an appointment
    target still open: the visit happened); the first such arrival starts "fixed at the first visit"."""
    at = _now(at)
    _meet(wo, _open(wo, [TargetKind.ONSITE_ARRIVAL, TargetKind.APPOINTMENT_AGREED]), at)
    if not WorkOrderTarget.objects.filter(work_order_id=wo.pk, kind=TargetKind.FIRST_VISIT_FIX).exists():
        policy = _policy(wo)
        if policy is not None:
            _start(wo, policy, TargetKind.FIRST_VISIT_FIX, at)
    refresh_next_due(wo)


def on_visit_outcome(wo: Any, *, fixed: bool, at: dt.datetime | None = None) -> None:
    """R-4.4: a visit's report recorded whether the fault was fixed. At the first visit, fixed meets
    "fixed at the first visit"; not fixed breaches it at once and makes the fault complex: "complex
    fault closed" starts, met by the resolution."""
    at = _now(at)
    first = _open(wo, [TargetKind.FIRST_VISIT_FIX])
    if fixed or not first:
        _meet(wo, first, at)
        refresh_next_due(wo)
        return
    for target in first:
        _resume(target, at)
        target.met_at, target.breached = at, True
        target.save(
            update_fields=["met_at", "breached", "due_at", "warn_at", "original_due_at", "paused_at", "paused_seconds"]
        )
        record_breach(wo, target, met_at=at, overdue=_overdue(target.due_at, at), now=at)
    if not WorkOrderTarget.objects.filter(work_order_id=wo.pk, kind=TargetKind.COMPLEX_CLOSE).exists():
        policy = _policy(wo)
        if policy is not None:
            _start(wo, policy, TargetKind.COMPLEX_CLOSE, at)
    refresh_next_due(wo)


def on_priority_changed(wo: Any, *, at: dt.datetime | None = None) -> None:
    """Re-prioritised: every open target that was not extended is computed again from its start
    under the new policy (pauses so far still count); the queue time follows the priority."""
    from aftersales.workorders.services import work_order_sla_times_store

    at = _now(at)
    policy = _policy(wo)
    if policy is None:
        return
    calendar_id = policies.calendar_id_of(policy)
    received_in_hours = clocks.is_working_time(wo.received_at, calendar_id)
    for target in _open(wo):
        if target.extended:
            continue
        in_hours = (
            received_in_hours
            if target.started_at == wo.received_at
            else clocks.is_working_time(target.started_at, calendar_id)
        )
        planned = policies.plan(
            policy=policy, kind=target.kind, started_at=target.started_at, in_hours=in_hours, calendar_id=calendar_id
        )
        if planned is None:
            _cancel(wo, [target], at)
            continue
        base_due = planned.due_at
        target.clock, target.calendar_id, target.policy_id = planned.clock, calendar_id, policy.pk
        target.duration_seconds, target.warn_at_percent = planned.duration, planned.warn_at_percent
        target.due_at = target.original_due_at = policies.shift(
            base_due, target.paused_seconds, planned.clock, calendar_id
        )
        target.warn_at = policies.shift(planned.warn_at, target.paused_seconds, planned.clock, calendar_id)
        target.save()
    _start_field_targets(wo, policy, at)
    queue_at = policies.queue_time(received_at=wo.received_at, priority=wo.priority, calendar_id=calendar_id)
    work_order_sla_times_store(work_order=wo, queue_at=queue_at)
    refresh_next_due(wo)


def _start_field_targets(wo: Any, policy: SlaPolicy, at: dt.datetime) -> None:
    """R-4.4 after a re-prioritisation: a job on site nobody has visited yet gets the field targets
    of its new policy that it never had (a P2 repair raised to P1 must now be reached within 2 h,
    counted from now)."""
    if wo.service_type not in policies.ON_SITE_SERVICE_TYPES:
        return
    had = set(WorkOrderTarget.objects.filter(work_order_id=wo.pk).values_list("kind", flat=True))
    if TargetKind.FIRST_VISIT_FIX in had:  # someone was on site already
        return
    for kind in policies.FIELD_INTAKE_KINDS:
        if kind not in had:
            _start(wo, policy, kind, at)


def extend(target: WorkOrderTarget, *, new_due_at: dt.datetime) -> None:
    """R-3.6: the agreed time replaces the working due time; ``original_due_at`` stays. Does the
    writes; permission and validation are the service's (``services.target_extend``)."""
    target.due_at = new_due_at
    target.extended = True
    target.warn_at = clocks.fraction_point(
        target.started_at, new_due_at, target.warn_at_percent / 100, target.clock, target.calendar_id
    )
    target.save(update_fields=["due_at", "extended", "warn_at"])
