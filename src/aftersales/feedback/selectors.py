"""Reads of the feedback app, scoped to the actor (out of scope is 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aftersales.feedback.models import (
    Complaint,
    FaultDayCount,
    FaultReport,
    Incident,
    IncidentLevel,
    IncidentTask,
    Opinion,
    QualityFeedback,
)


def _staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and not getattr(actor, "customer_id", None)


# ---- incidents ----------------------------------------------------------------------------------


def incident_scope(*, actor: Any) -> QuerySet[Incident]:
    """Supervisors, the technical department, quality and executives see incidents; a customer
    never does (R-13.1), whatever permission someone gave them."""
    if not _staff(actor) or not actor.has_perm("feedback.view_incident"):
        return Incident.objects.none()
    return Incident.objects.all()


@dataclass(frozen=True)
class IncidentFilters:
    product_model_id: int | None = None
    batch: str = ""
    status: str = ""
    level: str = ""


def incident_list(*, actor: Any, filters: IncidentFilters | None = None) -> QuerySet[Incident]:
    filters = filters or IncidentFilters()
    qs = incident_scope(actor=actor).select_related("product_model")
    if filters.product_model_id is not None:
        qs = qs.filter(product_model_id=filters.product_model_id)
    if filters.batch:
        qs = qs.filter(batch=filters.batch)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level:
        qs = qs.filter(level=filters.level)
    return qs.order_by("-opened_at", "-id")


def incident_get(*, actor: Any, incident_id: int) -> Incident | None:
    return (
        incident_scope(actor=actor)
        .select_related("product_model__product_line", "closed_by")
        .filter(pk=incident_id)
        .first()
    )


def incident_tasks(incidents: list[Incident], *, with_people: bool = True) -> dict[int, list[IncidentTask]]:
    """The checklists of ``incidents`` in one query, by incident id."""
    found: dict[int, list[IncidentTask]] = {i.pk: [] for i in incidents}
    tasks = IncidentTask.objects.filter(incident_id__in=[i.pk for i in incidents]).order_by("id")
    for task in tasks.select_related("done_by") if with_people else tasks:
        found[task.incident_id].append(task)
    return found


def incident_levels(incident: Incident) -> list[IncidentLevel]:
    return list(IncidentLevel.objects.filter(incident=incident).select_related("owner").order_by("reached_at", "id"))


def incident_reports_by_day(
    incident: Incident, *, days: int = 30, now: dt.datetime | None = None
) -> list[tuple[str, int]]:
    """The batch's reports per local day from a week before the incident opened to its close (or
    today), at most ``days`` days, from the day buckets; days without reports are 0."""
    end = timezone.localtime(incident.closed_at or now or timezone.now()).date()
    start = max(timezone.localtime(incident.opened_at).date() - dt.timedelta(days=7), end - dt.timedelta(days=days))
    counts = dict(
        FaultDayCount.objects.filter(
            product_model_id=incident.product_model_id, batch=incident.batch, day__gte=start, day__lte=end
        ).values_list("day", "reports")
    )
    out = []
    day = start
    while day <= end:
        out.append((day.isoformat(), int(counts.get(day, 0))))
        day += dt.timedelta(days=1)
    return out


def incident_reports_by_region(incident: Incident) -> list[tuple[str, int]]:
    from django.utils.translation import gettext as _

    rows = (
        FaultReport.objects.filter(incident=incident, withdrawn_at__isnull=True)
        .values("region__name")
        .annotate(n=Count("id"))
        .order_by("-n", "region__name")
    )
    return [(row["region__name"] or _("No region"), row["n"]) for row in rows]


def incident_work_orders(incident: Incident, *, limit: int = 20) -> list[Any]:
    """The newest work orders behind the incident (at most ``limit``)."""
    from aftersales.workorders.models import WorkOrder

    ids = list(
        FaultReport.objects.filter(incident=incident, withdrawn_at__isnull=True)
        .order_by("-reported_at", "-id")
        .values_list("work_order_id", flat=True)[:limit]
    )
    rows = {wo.pk: wo for wo in WorkOrder.objects.filter(pk__in=ids).select_related("customer__region")}
    return [rows[pk] for pk in ids if pk in rows]


# ---- complaints -------------------------------------------------------------------------------


def complaint_for(*, actor: Any, work_order_id: int) -> Complaint | None:
    """The complaint record of a work order the actor may see (staff only)."""
    from aftersales.workorders.selectors import work_order_scope

    if not _staff(actor):
        return None
    return (
        Complaint.objects.filter(work_order__in=work_order_scope(actor=actor), work_order_id=work_order_id)
        .select_related(
            "work_order__customer",
            "about_person",
            "about_work_order",
            "read_back_by",
            "owner",
            "follow_up_by",
            "created_by",
        )
        .first()
    )


def complaints_about(*, actor: Any, work_order_id: int | None = None, person_id: int | None = None) -> list[Complaint]:
    """Complaints that name this previous work order or this person (shown on both, R-8.1)."""
    from aftersales.workorders.selectors import work_order_scope

    if not _staff(actor) or (work_order_id is None and person_id is None):
        return []
    qs = Complaint.objects.filter(work_order__in=work_order_scope(actor=actor)).select_related("work_order")
    cond = Q()
    if work_order_id is not None:
        cond |= Q(about_work_order_id=work_order_id)
    if person_id is not None:
        cond |= Q(about_person_id=person_id)
    return list(qs.filter(cond).order_by("-created_at")[:20])


# ---- quality feedback -------------------------------------------------------------------------


def quality_scope(*, actor: Any) -> QuerySet[QualityFeedback]:
    """The quality department (and oversight) sees every form; whoever raised one sees theirs;
    a customer never sees any (R-13.1)."""
    if not _staff(actor):
        return QualityFeedback.objects.none()
    if actor.has_perm("feedback.view_qualityfeedback"):
        return QualityFeedback.objects.all()
    return QualityFeedback.objects.filter(raised_by=actor)


def quality_list(
    *, actor: Any, status: str = "", overdue_only: bool = False, now: dt.datetime | None = None
) -> QuerySet[QualityFeedback]:
    qs = quality_scope(actor=actor).select_related("product_model", "raised_by", "work_order")
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.exclude(status=QualityFeedback.Status.CLOSED).filter(overdue_at__lte=now or timezone.now())
    return qs.order_by("-raised_at", "-id")


# ---- opinions ---------------------------------------------------------------------------------


def opinion_scope(*, actor: Any) -> QuerySet[Opinion]:
    if not _staff(actor) or not actor.has_perm("feedback.view_opinion"):
        return Opinion.objects.none()
    return Opinion.objects.all()


def praise_count(*, technician_id: int, since: dt.datetime | None = None) -> int:
    """Praise naming a technician, for their statistics (R-10.3)."""
    qs = Opinion.objects.filter(technician_id=technician_id, kind=Opinion.Kind.PRAISE)
    if since is not None:
        qs = qs.filter(recorded_at__gte=since)
    return qs.count()
