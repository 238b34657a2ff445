"""R-13.2 access and change log."""

from __future__ import annotations

from typing import Any

from django.db import models

from aftersales.audit.models import AccessLog
from aftersales.core.db import insert


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
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = obj.pk
    entry = AccessLog(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:128] if obj is not None else "",
        detail=detail or {},
        ip=ip,
    )
    insert([entry])  # every view and change writes one: the lean INSERT (core/db.py)
    return entry
