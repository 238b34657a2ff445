"""Reads of visits and service reports, already scoped to the actor (R-13.1): one rule for the
pages, the API and the photo and PDF files.

Who sees a visit: staff with ``fieldservice.view_all_visits`` (supervisors, dispatchers,
executives, QA, quality, agents, the admin) every visit; a technician (``record_visit``) only his
own; anyone else (a customer, a technician's colleague) none: out of scope is "not found", so a
photo's or the PDF's URL of another technician's visit answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from aftersales.core.errors import NotFound
from aftersales.fieldservice.models import Visit, VisitPhoto, VisitStatus

PERM_RECORD = "fieldservice.record_visit"
PERM_REVIEW = "fieldservice.review_visit"
PERM_ALL = "fieldservice.view_all_visits"
MAX_ID = 2**63 - 1
LIST_LIMIT = 200


def visit_scope(*, actor: Any) -> QuerySet[Visit]:
    qs = Visit.objects.all()
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "customer_id", None):
        return qs.none()
    if actor.has_perm(PERM_ALL):
        return qs
    if actor.has_perm(PERM_RECORD):
        return qs.filter(technician=actor)
    return qs.none()


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def visit_get(*, actor: Any, visit_id: int) -> Visit:
    if not _valid_id(visit_id):
        raise NotFound()
    visit = (
        visit_scope(actor=actor)
        .select_related(
            "work_order__customer",
            "work_order__contact",
            "work_order__product_model",
            "work_order__installed_product",
            "technician",
            "reviewed_by",
        )
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise NotFound()
    return visit


def visit_photo_get(*, actor: Any, visit_id: int, photo_id: int) -> VisitPhoto:
    visit = visit_get(actor=actor, visit_id=visit_id)
    photo = visit.photos.filter(pk=photo_id).first() if _valid_id(photo_id) else None
    if photo is None:
        raise NotFound()
    return photo


def visit_list(*, actor: Any, status: str | None = None, work_order_id: int | None = None) -> QuerySet[Visit]:
    qs = visit_scope(actor=actor).select_related("work_order", "technician")
    if status:
        qs = qs.filter(status=status)
    if work_order_id is not None:
        qs = qs.filter(work_order_id=work_order_id) if _valid_id(work_order_id) else qs.none()
    return qs.order_by("-created_at", "-pk")[:LIST_LIMIT]


def reports_to_review(*, actor: Any) -> QuerySet[Visit]:
    """Submitted reports, oldest first, for whoever reviews them; nobody else sees this list."""
    if not actor.has_perm(PERM_REVIEW):
        return Visit.objects.none()
    return (
        visit_scope(actor=actor)
        .filter(status=VisitStatus.SUBMITTED)
        .select_related("work_order", "technician")
        .order_by("submitted_at", "pk")[:LIST_LIMIT]
    )


def open_visit_for(*, actor: Any, work_order_id: int) -> Visit | None:
    """The actor's own visit of the work order that is not approved yet, if any."""
    return (
        Visit.objects.filter(work_order_id=work_order_id, technician=actor)
        .exclude(status=VisitStatus.APPROVED)
        .order_by("-pk")
        .first()
    )


def approved_report_for(*, work_order_id: int) -> Visit | None:
    """The latest approved report of a work order (its resolution comes from it)."""
    return Visit.objects.filter(work_order_id=work_order_id, status=VisitStatus.APPROVED).order_by("-pk").first()


def has_visit(*, work_order_id: int) -> bool:
    return Visit.objects.filter(work_order_id=work_order_id).exists()
