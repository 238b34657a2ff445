"""Idempotent creates: the same ``Idempotency-Key`` from the same user returns the same object.

``@idempotent`` is the one way a service becomes idempotent; a key reused with a request that
differs in any argument is refused (``idempotency_key_reused``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError, ErrorCode
from aftersales.core.models import IdempotencyRecord

M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")
MAX_KEY = 255


def _canonical(value: Any) -> Any:
    # One spelling per value: the same moment in +08:00 and in Z is the same request.
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, models.Model):
        return [value._meta.label, value.pk]
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def request_fingerprint(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``payload``: every field, keys sorted."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_canonical)
    return hashlib.sha256(text.encode()).hexdigest()


def run_once(
    *,
    user: Any,
    scope: str,
    key: str | None,
    payload: Mapping[str, Any],
    model: type[M],
    create: Callable[[], M],
) -> tuple[M, bool]:
    """Run ``create`` once per (user, scope, key); returns (object, created).

    A key reused with a different payload is refused: the client has a bug and would
    otherwise silently get an object that does not match what it sent.
    """
    if not key:
        return create(), True
    if len(key) > MAX_KEY:
        raise DomainError(ErrorCode.VALIDATION, _("The Idempotency-Key is longer than 255 characters."), status=422)
    fingerprint = request_fingerprint(payload)
    for _attempt in range(2):
        existing = IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()
        if existing is not None:
            if existing.request_hash != fingerprint:
                raise DomainError(
                    ErrorCode.IDEMPOTENCY_MISMATCH,
                    _("This Idempotency-Key was already used for a different request."),
                    status=422,
                )
            return model._default_manager.get(pk=existing.object_id), False
        try:
            with transaction.atomic():
                obj = create()
                IdempotencyRecord.objects.create(
                    user=user, scope=scope, key=key, request_hash=fingerprint, object_id=obj.pk
                )
                return obj, True
        except IntegrityError:
            # A concurrent request with the same key won; read its result on the next pass.
            continue
    raise DomainError(ErrorCode.CONFLICT, _("The request is being processed; please retry."), status=409)


def idempotent(*, scope: str, model: type[M]) -> Callable[[Callable[P, M]], Callable[P, M]]:
    """Make a create service idempotent per (actor, ``scope``, ``idempotency_key``).

    The service declares ``idempotency_key: str | None = None`` (so callers can pass it) and
    leaves it to this decorator. The fingerprint is every other keyword argument the service
    was called with — the whole validated request, whichever front door sent it — so an
    argument added to the service later is covered without anyone remembering to list it.
    """

    def decorate(service: Callable[P, M]) -> Callable[P, M]:
        @functools.wraps(service)
        def run(*args: P.args, **kwargs: P.kwargs) -> M:
            key = kwargs.pop("idempotency_key", None)
            payload = {name: value for name, value in kwargs.items() if name != "actor"}
            obj, _created = run_once(
                user=kwargs["actor"],
                scope=scope,
                key=key,  # type: ignore[arg-type]
                payload=payload,
                model=model,
                create=lambda: service(*args, **kwargs),
            )
            return obj

        return run

    return decorate
