"""Idempotent creates: the same ``Idempotency-Key`` from the same user returns the same object."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError, ErrorCode
from aftersales.core.models import IdempotencyRecord

M = TypeVar("M", bound=models.Model)


def request_fingerprint(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


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
    if len(key) > 255:
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
