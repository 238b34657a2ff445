"""Reads of the access log (R-13.2), only for those who may audit (supervisors, administrators,
executives: the ``audit.view_accesslog`` permission)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from aftersales.audit.models import AccessLog
from aftersales.core.pagination import Page, keyset_page

MAX_PAGE_SIZE = 100


@dataclass
class AccessLogFilters:
    user: str = ""  # username (exact) or part of the display name
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None  # local dates, both inclusive
    date_to: dt.date | None = None


def access_log_visible(*, actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_perm("audit.view_accesslog"))


def access_log_scope(*, actor: Any) -> QuerySet[AccessLog]:
    if not access_log_visible(actor=actor):
        return AccessLog.objects.none()
    return AccessLog.objects.select_related("actor")


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
        qs = qs.filter(Q(actor__username=user) | Q(actor__display_name__contains=user))
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
