"""R-13.2 access and change log: ``record`` writes one row; ``record_views`` one row per
confidential record a page or API answer showed (a list, search results, a customer's contacts),
so the log answers "who saw this record, when" by the record's own type and id.

Every row carries the address of the client whose request wrote it. Services never see the
request (STYLE rule 4): ``audit.middleware.ClientAddressMiddleware`` holds each request's
address in ``client_address`` while the request is handled, and ``record`` reads it from there;
outside a request (the worker, a management command) there is none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

from aftersales.audit.models import AccessLog
from aftersales.audit.vocabulary import VERBS
from aftersales.core.db import insert

_client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


@contextmanager
def client_address(ip: str | None) -> Iterator[None]:
    """Rows recorded inside this block carry ``ip`` (one request's handling)."""
    token = _client_address.set(ip)
    try:
        yield
    finally:
        _client_address.reset(token)


def _entry(
    actor: Any,
    action: str,
    verb: str,
    obj: models.Model | None,
    object_type: str,
    object_id: str | int,
    object_repr: str,
    detail: Any,
) -> AccessLog:
    if verb and verb not in VERBS:
        raise ValueError(f"Unknown access-log verb {verb!r}: give it a label in audit.vocabulary.VERBS")
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = obj.pk
        object_repr = object_repr or str(obj)
    return AccessLog(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id)[:32],
        object_repr=object_repr[:128],
        detail=detail or {},
        ip=_client_address.get(),
    )


def record(
    *,
    actor: Any,
    action: str,
    verb: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessLog:
    """One row: ``action`` is its kind (view, create, change, export, log-in…), ``verb`` what a
    change did (the service's verb, a key of ``audit.vocabulary.VERBS``), ``obj`` the record —
    or, for something that is no row, its ``object_type``, ``object_id`` and ``object_repr``."""
    entry = _entry(actor, action, verb, obj, object_type, object_id, object_repr, detail)
    insert([entry])  # every view and change writes one: the lean INSERT (core/db.py)
    return entry


def record_views(
    *,
    actor: Any,
    objs: Iterable[models.Model],
    search: str = "",
    detail: dict[str, Any] | None = None,
) -> list[AccessLog]:
    """A "view" row for each of ``objs``, with the search that found them (if any) and the same
    ``detail``, in one INSERT; nothing when nothing was shown."""
    detail = {**(detail or {}), **({"search": search[:200]} if search else {})}
    entries = [_entry(actor, AccessLog.Action.VIEW, "", obj, "", "", "", detail) for obj in objs]
    insert(entries)
    return entries
