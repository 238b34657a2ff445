"""Dispatch proposals (R-5.1): every active technician for one work order, eligible ones first,
ranked by certification for its product line (R-5.2), skill for its fault category, the
customer's region, open load against daily capacity, and the next free appointment slot; each
reason in words. The API and the dispatcher's page show this same list.

Eligible: a valid certification for the product line (staff.eligibility, the rule the assign
service enforces) and, for P1, a senior technician (技术骨干). The next free slot (fieldservice)
is looked up for the best ``SLOT_LOOKUPS`` eligible ones only, all in one query of their
appointments (``next_free_slots``), and they are re-ranked by it; the others answer null. The
whole list takes a fixed number of queries whatever the number of technicians.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aftersales.catalog.models import Priority
from aftersales.core.errors import PermissionDenied
from aftersales.dispatch.errors import DispatchErrorCode
from aftersales.fieldservice.selectors import next_free_slots
from aftersales.staff.eligibility import certification_problem, local_day
from aftersales.staff.selectors import TechnicianFacts, technician_facts
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.selectors import OPEN_LOAD_CAP, open_loads, work_order_get

SLOT_LOOKUPS = 10
ASSIGN = "workorders.assign_workorder"


@dataclass
class Proposal:
    technician_id: int
    name: str
    rank: int
    eligible: bool
    reasons: list[dict[str, str]]
    open_jobs: int
    next_free_slot: dt.datetime | None
    score: float = 0.0
    calendar_id: int | None = field(default=None, repr=False)

    @property
    def open_jobs_capped(self) -> bool:
        """The load is counted up to OPEN_LOAD_CAP: at it, "that many or more"."""
        return self.open_jobs >= OPEN_LOAD_CAP


def may_dispatch(actor: Any) -> bool:
    return not getattr(actor, "is_customer_user", True) and bool(actor.has_perm(ASSIGN))


class _Words:
    """The reasons' sentences, each made once per list: 500 technicians share a few dozen of them
    (translating and formatting each again was a fifth of the list's time)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], Any] = {}

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


def _reasons(
    wo: WorkOrder, facts: TechnicianFacts, open_jobs: int, day: dt.date, words: _Words | None = None
) -> tuple[bool, float, list[dict[str, str]]]:
    w = words or _Words()
    reasons: list[dict[str, str]] = []
    eligible, score = True, 0.0
    if wo.product_line_id is not None:
        until_day = facts.certified_until
        line = w.get(("line",), lambda: str(wo.product_line))
        problem = w.get(("problem", until_day), lambda: certification_problem(until_day, day=day, line_name=line))
        if problem is not None or until_day is None:
            eligible = False
            if problem is not None:
                reasons.append({"code": problem[0], "message": problem[1]})
        else:
            # Some 300 distinct last days among 500 technicians: the sentence is translated once
            # and the day written as ISO (date_format "Y-m-d" gives the same, at 50 µs a call).
            pattern = w.get(("valid_pattern",), lambda: _("Certified for %(line)s until %(date)s."))
            message = w.get(("valid", until_day), lambda: pattern % {"line": line, "date": until_day.isoformat()})
            reasons.append({"code": "certification_valid", "message": message})
    if wo.priority == Priority.P1:
        if facts.is_senior:
            reasons.append(
                {"code": "senior", "message": w.get(("senior",), lambda: _("Senior technician: may take P1."))}
            )
        else:
            eligible = False
            message = w.get(("junior",), lambda: _("P1 goes to a senior technician only."))
            reasons.append({"code": DispatchErrorCode.SENIOR_REQUIRED, "message": message})
    if wo.fault_category_id is not None:
        if facts.has_skill:
            score += 2
            message = w.get(("skill",), lambda: _("Skilled in %(fault)s.") % {"fault": wo.fault_category})
            reasons.append({"code": "skill_match", "message": message})
        else:
            message = w.get(
                ("no_skill",), lambda: _("%(fault)s is not among the skills.") % {"fault": wo.fault_category}
            )
            reasons.append({"code": "skill_missing", "message": message})
    region = wo.customer.region if wo.customer_id else None
    if region is not None:
        if facts.serves_region:
            score += 3
            message = w.get(("region",), lambda: _("Serves %(region)s.") % {"region": region})
            reasons.append({"code": "region_match", "message": message})
        else:
            message = w.get(("other_region",), lambda: _("Does not serve %(region)s.") % {"region": region})
            reasons.append({"code": "region_other", "message": message})
    capacity = max(facts.daily_capacity, 1)
    score += 2 * (1 - min(open_jobs / capacity, 2))
    if open_jobs >= OPEN_LOAD_CAP:
        pattern = _("%(open)d or more open jobs, capacity %(capacity)d a day.")
    else:
        pattern = _("%(open)d open jobs, capacity %(capacity)d a day.")
    load = w.get(("load", open_jobs, capacity), lambda: pattern % {"open": open_jobs, "capacity": capacity})
    reasons.append({"code": "over_capacity" if open_jobs >= capacity else "load", "message": load})
    return eligible, score, reasons


def proposals_for(
    *, actor: Any, work_order_id: int, now: dt.datetime | None = None
) -> tuple[WorkOrder, list[Proposal]]:
    """The work order (in the actor's scope, else 404) and its ranked proposals; only who may
    assign work orders sees them (403)."""
    wo = work_order_get(actor=actor, work_order_id=work_order_id)
    if not may_dispatch(actor):
        raise PermissionDenied()
    now = now or timezone.now()
    day = local_day(now)
    facts = technician_facts(
        product_line_id=wo.product_line_id,
        region_id=wo.customer.region_id if wo.customer_id else None,
        fault_category_id=wo.fault_category_id,
    )
    loads = open_loads(assignee_ids=[f.user_id for f in facts], excluding_id=wo.pk, cap=OPEN_LOAD_CAP)
    rows: list[Proposal] = []
    words = _Words()
    for f in facts:
        eligible, score, reasons = _reasons(wo, f, loads.get(f.user_id, 0), day, words)
        rows.append(
            Proposal(f.user_id, f.name, 0, eligible, reasons, loads.get(f.user_id, 0), None, score, f.calendar_id)
        )
    rows.sort(key=lambda p: (not p.eligible, -p.score, p.open_jobs, p.name))
    best = [p for p in rows if p.eligible][:SLOT_LOOKUPS]
    far = now + dt.timedelta(days=3650)
    slots = next_free_slots(technicians={p.technician_id: p.calendar_id for p in best}, now=now)
    for p in best:
        p.next_free_slot = slots[p.technician_id]
        if p.next_free_slot is not None:
            when = date_format(timezone.localtime(p.next_free_slot), "Y-m-d H:i")
            p.reasons.append({"code": "next_free_slot", "message": _("Free from %(time)s.") % {"time": when}})
        else:
            p.reasons.append({"code": "no_free_slot", "message": _("No free slot in the coming days.")})
    # Among the best, an earlier free slot wins over a small difference of score (whole points).
    best.sort(key=lambda p: (-round(p.score), p.next_free_slot or far, p.open_jobs, p.name))
    chosen = {id(p) for p in best}
    rest = [p for p in rows if id(p) not in chosen]
    ordered = [*best, *rest]
    for rank, p in enumerate(ordered, start=1):
        p.rank = rank
    return wo, ordered
