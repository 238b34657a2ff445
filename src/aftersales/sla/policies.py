"""Which SLA policy applies, and the deadlines its rules give (R-4.1-R-4.5, R-4.9).

Policies are data an administrator edits (SlaPolicy with SlaTargetRule rows; defaults seeded by
migration 0004). For a work order the most specific active policy of its priority wins: each of
customer category, product line and service type that a policy names must match, and the policy
naming the most of them wins; ties go to the lowest id. Its rules are the complete set of targets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core import stamps
from aftersales.core.errors import DomainError
from aftersales.sla import clocks
from aftersales.sla import selectors as calendar_selectors
from aftersales.sla.errors import CalendarError, SlaErrorCode
from aftersales.sla.models import AppliesWhen, SlaPolicy, SlaTargetRule, TargetKind

# Statuses (workorders.states.Status values) a policy may pause on.
WAITING_CUSTOMER = "waiting_customer"
WAITING_PARTS = "waiting_parts"
# The promise read to the customer at intake: these three targets.
PREVIEW_KINDS = (TargetKind.FIRST_RESPONSE, TargetKind.RESPONSE, TargetKind.RESOLUTION)
# the service types done at the customer's site, and the field targets intake sets for them.
ON_SITE_SERVICE_TYPES = frozenset({"repair", "installation", "guarantee"})
FIELD_INTAKE_KINDS = (TargetKind.ONSITE_ARRIVAL, TargetKind.APPOINTMENT_AGREED)


class NoPolicy(DomainError):
    """No active policy for the priority: an administrator deactivated or deleted every one."""

    status = 422


@dataclass(frozen=True, slots=True)
class Planned:
    """One target as a policy gives it: ``duration`` seconds (working days as 86,400 s days) on
    ``clock`` from ``started_at``, due at ``due_at``, warning at ``warn_at``."""

    kind: str
    clock: str
    calendar_id: int
    duration: int
    warn_at_percent: int
    started_at: dt.datetime
    due_at: dt.datetime
    warn_at: dt.datetime
    policy_id: int


# ---- the per-process cache of the active policies -------------------------------------------
# Intake looks the policy up on every request; the policies change a few times a year. The cache
# holds every active policy with its rules and the default calendar's id, and is trusted only
# while the ``sla-config`` change stamp (renewed by triggers on the policy, rule and calendar
# tables, core/stamps.py) is the one it was loaded under: one single-row SELECT per lookup, read
# in the caller's transaction, so the policy and calendar ids it gives are current foreign keys.
# Cached SlaPolicy objects are shared between requests: read them, never change them.
STAMP_KEY = "sla-config"


@dataclass(frozen=True, slots=True)
class _Snapshot:
    token: int | None
    by_priority: dict[str, list[SlaPolicy]]


_snapshot = _Snapshot(token=None, by_priority={})


def _active_policies() -> dict[str, list[SlaPolicy]]:
    global _snapshot  # one reference, swapped whole; readers take a local copy
    token = stamps.token(STAMP_KEY)
    snapshot = _snapshot
    if token is not None and snapshot.token == token:
        return snapshot.by_priority
    # Loaded after the token was read: never older than the token it is stored under.
    try:
        default_calendar_id: int | None = calendar_selectors.calendar_default_id()
    except CalendarError:  # none: calendar_id_of refuses for each policy that needs it
        default_calendar_id = None
    by_priority: dict[str, list[SlaPolicy]] = {}
    for policy in SlaPolicy.objects.filter(is_active=True).prefetch_related("rules").order_by("pk"):
        policy._default_calendar_id = default_calendar_id  # type: ignore[attr-defined]
        by_priority.setdefault(policy.priority, []).append(policy)
    if token is not None:  # no stamp row (a test flush): do not cache
        _snapshot = _Snapshot(token=token, by_priority=by_priority)
    return by_priority


def policy_for(
    *,
    priority: str,
    customer_category_id: int | None = None,
    product_line_id: int | None = None,
    service_type: str = "",
) -> SlaPolicy:
    """The policy that applies (rules loaded); ``NoPolicy`` when none is active."""
    candidates = [
        policy
        for policy in _active_policies().get(priority, [])
        if policy.customer_category_id in (None, customer_category_id)
        and policy.product_line_id in (None, product_line_id)
        and policy.service_type in ("", service_type or "")
    ]
    if not candidates:
        raise NoPolicy(
            SlaErrorCode.NO_POLICY,
            _("No active SLA policy applies to priority %(priority)s.") % {"priority": priority},
            {"priority": _("No active SLA policy.")},
        )
    return max(candidates, key=lambda policy: (policy.specificity, -policy.pk))


def policy_for_work_order(wo: Any) -> SlaPolicy:
    category_id = wo.customer.category_id if wo.customer_id else None
    return policy_for(
        priority=wo.priority,
        customer_category_id=category_id,
        product_line_id=wo.product_line_id,
        service_type=wo.service_type,
    )


def calendar_id_of(policy: SlaPolicy) -> int:
    """The policy's calendar, else the default calendar as of the policy's cache snapshot (a
    policy not from the cache reads it fresh)."""
    if policy.calendar_id:
        return policy.calendar_id
    default: int | None = getattr(policy, "_default_calendar_id", None)
    if default is None:
        default = calendar_selectors.calendar_default_id()  # refuses: no default calendar
    return default


def paused_statuses(policy: SlaPolicy) -> frozenset[str]:
    statuses = set()
    if policy.pause_waiting_customer:
        statuses.add(WAITING_CUSTOMER)
    if policy.pause_waiting_parts:
        statuses.add(WAITING_PARTS)
    return frozenset(statuses)


def rule_for(policy: SlaPolicy, kind: str, *, in_hours: bool) -> SlaTargetRule | None:
    """The policy's rule for ``kind``; a rule for in/outside working hours beats an "always" one."""
    wanted = AppliesWhen.IN_HOURS if in_hours else AppliesWhen.OUTSIDE_HOURS
    fallback = None
    for rule in policy.rules.all():  # prefetched
        if rule.kind != kind:
            continue
        if rule.applies_when == wanted:
            return rule
        if rule.applies_when == AppliesWhen.ALWAYS:
            fallback = rule
    return fallback


def deadline(
    *, started_at: dt.datetime, duration: int, clock: str, calendar_id: int, paused_seconds: float = 0
) -> dt.datetime:
    """``duration`` after ``started_at`` on ``clock``, moved on by the time spent paused (measured on
    the same clock; working days pause in working hours)."""
    due = clocks.add_duration(started_at, duration, clock, calendar_id)
    return shift(due, paused_seconds, clock, calendar_id)


def shift(moment: dt.datetime, seconds: float, clock: str, calendar_id: int) -> dt.datetime:
    """``moment`` moved on by ``seconds`` counted on ``clock`` (working days count working hours)."""
    if seconds <= 0:
        return moment
    step = dt.timedelta(seconds=seconds)
    if clock == clocks.Clock.WALL:
        return moment + step
    return clocks.add_working_time(moment, step, calendar_id)


def plan(*, policy: SlaPolicy, kind: str, started_at: dt.datetime, in_hours: bool, calendar_id: int) -> Planned | None:
    """The target ``kind`` started at ``started_at`` under ``policy``; None when it has no rule."""
    rule = rule_for(policy, kind, in_hours=in_hours)
    if rule is None:
        return None
    due = clocks.add_duration(started_at, rule.duration, rule.clock, calendar_id)
    warn = clocks.fraction_point(started_at, due, policy.warn_at_percent / 100, rule.clock, calendar_id)
    return Planned(
        kind=kind,
        clock=rule.clock,
        calendar_id=calendar_id,
        duration=rule.duration,
        warn_at_percent=policy.warn_at_percent,
        started_at=started_at,
        due_at=due,
        warn_at=warn,
        policy_id=policy.pk,
    )


def intake_kinds(colour: str, service_type: str = "") -> list[str]:
    """The targets a work order gets when it is created (R-4.1, R-4.2, R-4.5; R-4.4 for a job on
    site: the technician's arrival for an emergency, the appointment otherwise, as the policy's
    rules give them)."""
    kinds: list[str] = list(PREVIEW_KINDS)
    if service_type in ON_SITE_SERVICE_TYPES:
        kinds.extend(FIELD_INTAKE_KINDS)
    if colour == "green":
        kinds.append(TargetKind.COLOUR_GREEN_CLOSE)
    elif colour == "yellow":
        kinds.append(TargetKind.COLOUR_YELLOW_PROGRESS)
    return kinds


def plan_intake(
    *,
    policy: SlaPolicy,
    received_at: dt.datetime,
    colour: str = "",
    service_type: str = "",
    kinds: Any = None,
    calendar_id: int | None = None,
) -> list[Planned]:
    """The targets of a request received at ``received_at`` (used by intake and the preview)."""
    calendar_id = calendar_id or calendar_id_of(policy)
    in_hours = clocks.is_working_time(received_at, calendar_id)
    planned = []
    for kind in kinds if kinds is not None else intake_kinds(colour, service_type):
        item = plan(policy=policy, kind=kind, started_at=received_at, in_hours=in_hours, calendar_id=calendar_id)
        if item is not None:
            planned.append(item)
    return planned


def queue_time(*, received_at: dt.datetime, priority: str, calendar_id: int | None = None) -> dt.datetime:
    """R-4.8: a request received outside working hours that is not P1 joins the queue at the start
    of the next working period, so it comes before anything received later that day."""
    if priority == "P1":
        return received_at
    return clocks.next_working_start(received_at, calendar_id)
