"""R-13.2 access and change log: ``record`` writes one row; ``record_views`` one row per
confidential record a page or API answer showed (a list, search results, a customer's contacts),
so the log answers "who saw this record, when" by the record's own type and id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from aftersales.audit.models import AccessLog
from aftersales.core.db import insert


def _entry(
    actor: Any, action: str, obj: models.Model | None, object_type: str, object_id: str | int, detail: Any, ip: Any
) -> AccessLog:
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = obj.pk
    return AccessLog(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:128] if obj is not None else "",
        detail=detail or {},
        ip=ip,
    )


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AccessLog:
    entry = _entry(actor, action, obj, object_type, object_id, detail, ip)
    insert([entry])  # every view and change writes one: the lean INSERT (core/db.py)
    return entry


def record_views(
    *,
    actor: Any,
    objs: Iterable[models.Model],
    search: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> list[AccessLog]:
    """A "view" row for each of ``objs``, with the search that found them (if any) and the same
    ``detail``, in one INSERT; nothing when nothing was shown."""
    detail = {**(detail or {}), **({"search": search[:200]} if search else {})}
    entries = [_entry(actor, AccessLog.Action.VIEW, obj, "", "", detail, ip) for obj in objs]
    insert(entries)
    return entries
