"""Reads of the access log (R-13.2), only for those who may audit (supervisors, administrators,
executives: the ``audit.view_accesslog`` permission)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from aftersales.audit.models import AccessLog
from aftersales.core.errors import NotFound
from aftersales.core.pagination import Page, keyset_page
from aftersales.customers.selectors import customer_scope
from aftersales.workorders.selectors import work_order_scope

MAX_PAGE_SIZE = 100


@dataclass
class AccessLogFilters:
    user: str = ""  # username (exact, also as tried in a failed log-in) or part of the display name
    action: str = ""
    object_type: str = ""
    object_id: str = ""  # the stored id (``record_reference`` turns a number or code into it)
    date_from: dt.date | None = None  # local dates, both inclusive
    date_to: dt.date | None = None


def access_log_visible(*, actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_perm("audit.view_accesslog"))


def access_log_scope(*, actor: Any) -> QuerySet[AccessLog]:
    if not access_log_visible(actor=actor):
        return AccessLog.objects.none()
    return AccessLog.objects.select_related("actor")


# The records people name by a number of their own, and that number's field.
NUMBERED: dict[str, tuple[Callable[..., QuerySet[Any]], str]] = {
    "workorder": (work_order_scope, "number"),
    "customer": (customer_scope, "code"),
}


def record_reference(*, actor: Any, object_type: str, reference: str) -> tuple[str, str] | None:
    """The record a person names by the number they know, as (record type, id): a work order's
    number ("SR-2026-001027") or a customer's number ("C0000042"), looked up among the records of
    ``object_type`` (of both when it is empty); ``NotFound`` when none has it. None for what is
    no such number: an id (digits), or a record type that has no number."""
    reference = reference.strip().upper()
    if not reference or reference.isdigit() or object_type not in ("", *NUMBERED):
        return None
    for kind, (scope, field) in NUMBERED.items():
        if object_type in ("", kind):
            pk = scope(actor=actor).filter(**{field: reference}).values_list("pk", flat=True).first()
            if pk is not None:
                return kind, str(pk)
    raise NotFound()


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def access_log_list(
    *, actor: Any, filters: AccessLogFilters | None = None, cursor: str | None = None, page_size: int = 50
) -> Page[AccessLog]:
    f = filters or AccessLogFilters()
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    qs = access_log_scope(actor=actor)
    user = f.user.strip()
    if user:
        qs = qs.filter(
            Q(actor__username=user)
            | Q(actor__display_name__contains=user)
            | Q(action=AccessLog.Action.LOGIN_FAILED, object_repr=user)
        )
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_type.strip():
        qs = qs.filter(object_type=f.object_type.strip())
    if f.object_id.strip():
        qs = qs.filter(object_id=f.object_id.strip())
    if f.date_from is not None:
        qs = qs.filter(at__gte=_local_midnight(f.date_from))
    if f.date_to is not None:
        qs = qs.filter(at__lt=_local_midnight(f.date_to + dt.timedelta(days=1)))
    return keyset_page(qs, sort_field="at", descending=True, cursor=cursor, page_size=page_size)
