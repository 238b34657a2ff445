"""Reads of the feedback app, scoped to the actor (out of scope is 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aftersales.core.pagination import Page, keyset_page
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


INCIDENT_PAGE_SIZE = 30


def incident_page(
    *,
    actor: Any,
    filters: IncidentFilters | None = None,
    cursor: str | None = None,
    page_size: int = INCIDENT_PAGE_SIZE,
) -> Page[Incident]:
    """One page of ``incident_list``, newest first (keyset on opened_at, id: an index range of
    ``incident_opened_idx`` / ``incident_status_idx`` however many incidents there are)."""
    return keyset_page(
        incident_list(actor=actor, filters=filters),
        sort_field="opened_at",
        descending=True,
        cursor=cursor,
        page_size=page_size,
    )


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
    """The incident's active reports per region, most first: a GROUP BY that reads only the index
    ``fault_report_region_idx`` (incident, withdrawn_at, region), then the regions' names."""
    from django.utils.translation import gettext as _

    from aftersales.core.models import Region

    counts = list(
        FaultReport.objects.filter(incident=incident, withdrawn_at__isnull=True)
        .order_by()
        .values_list("region_id")
        .annotate(n=Count("*"))
    )
    names = dict(Region.objects.filter(pk__in=[rid for rid, _n in counts if rid]).values_list("pk", "name"))
    rows = [(names.get(rid, "") if rid else "", n) for rid, n in counts]
    rows.sort(key=lambda row: (-row[1], row[0] == "", row[0]))
    return [(name or _("No region"), n) for name, n in rows]


WORK_ORDER_PAGE_SIZE = 20


def incident_work_orders(
    *, incident: Incident, cursor: str | None = None, page_size: int = WORK_ORDER_PAGE_SIZE
) -> Page[Any]:
    """The work orders behind the incident, newest report first, one keyset page at a time (on
    ``fault_report_incident_idx``); the page's items are the work orders with customer and region.
    The count is the incident's own stored count (no COUNT)."""
    from aftersales.workorders.models import WorkOrder

    page = keyset_page(
        FaultReport.objects.filter(incident=incident, withdrawn_at__isnull=True),
        sort_field="reported_at",
        descending=True,
        cursor=cursor,
        page_size=page_size,
        count=False,
    )
    ids = [report.work_order_id for report in page.items]
    rows = WorkOrder.objects.select_related("customer__region").in_bulk(ids)
    return Page(
        items=[rows[pk] for pk in ids if pk in rows],
        next_cursor=page.next_cursor,
        count=incident.reports,
        count_capped=False,
    )


# ---- the pages' choices and the work order a form starts from --------------------------------

CHOICES_LIMIT = 300
PREVIOUS_LIMIT = 50


def staff_choices() -> list[tuple[int, str]]:
    """Active members of staff (not portal users), for "person complained about" and "owner"."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, customer__isnull=True).order_by("display_name", "pk")
    return [(u.pk, str(u)) for u in users[:CHOICES_LIMIT]]


def technician_choices() -> list[tuple[int, str]]:
    """Active technicians and experts, for the praise that names one (R-8.2, R-10.3)."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True, groups__name__in=["technician", "expert"])
        .distinct()
        .order_by("display_name", "pk")
    )
    return [(u.pk, str(u)) for u in users[:CHOICES_LIMIT]]


def product_model_choices() -> list[tuple[int, str]]:
    from aftersales.catalog.models import ProductModel

    return [(m.pk, f"{m.code} {m.name}") for m in ProductModel.objects.filter(is_active=True).order_by("code")]


def feedback_work_order(*, actor: Any, work_order_id: int) -> Any:
    """The work order a quality form or an opinion starts from, with its product and customer,
    through the actor's work-order scope; None outside it."""
    from aftersales.workorders.selectors import work_order_scope

    return (
        work_order_scope(actor=actor)
        .select_related("installed_product", "customer", "product_model")
        .filter(pk=work_order_id)
        .first()
    )


def previous_work_orders(*, actor: Any, work_order_id: int) -> list[tuple[int, str]]:
    """(id, number) of the same customer's other work orders the actor may see, newest first: what
    a complaint can be about (R-8.1)."""
    from aftersales.workorders.selectors import work_order_scope

    scope = work_order_scope(actor=actor)
    wo = scope.filter(pk=work_order_id).only("customer_id").first()
    if wo is None:
        return []
    rows = (
        scope.filter(customer_id=wo.customer_id)
        .exclude(pk=work_order_id)
        .order_by("-received_at")
        .values_list("pk", "number")[:PREVIOUS_LIMIT]
    )
    return list(rows)


def work_order_photos(work_order: Any) -> list[tuple[int, str]]:
    """(id, name) of a work order's photos (the caller resolved it in scope), for a quality form."""
    from aftersales.workorders.models import Attachment

    return [(a.pk, a.name) for a in Attachment.objects.filter(work_order=work_order).order_by("id") if a.is_image]


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


def quality_get(*, actor: Any, feedback_id: int) -> QualityFeedback | None:
    """One form of ``quality_scope`` with its people, product model and work order; None outside it."""
    return (
        quality_scope(actor=actor)
        .select_related("product_model", "raised_by", "closed_by", "work_order")
        .filter(pk=feedback_id)
        .first()
    )


def quality_photos(form: QualityFeedback) -> list[Any]:
    return [p.attachment for p in form.photos.select_related("attachment")]


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


def opinion_list(*, actor: Any) -> QuerySet[Opinion]:
    """``opinion_scope``, newest first, with the people and records each row shows."""
    return (
        opinion_scope(actor=actor)
        .select_related("customer", "technician", "work_order", "answered_by")
        .order_by("-recorded_at", "-id")
    )


def praise_count(*, technician_id: int, since: dt.datetime | None = None) -> int:
    """Praise naming a technician, for their statistics (R-10.3)."""
    qs = Opinion.objects.filter(technician_id=technician_id, kind=Opinion.Kind.PRAISE)
    if since is not None:
        qs = qs.filter(recorded_at__gte=since)
    return qs.count()
