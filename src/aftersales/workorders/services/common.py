"""What every work-order service shares: the text limits, the extra action names, resolving an
id, validating a text, and writing the timeline (an event, a status move)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.db import insert
from aftersales.core.errors import DomainError, ErrorCode, ValidationFailed
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import Communication, WorkOrder, WorkOrderEvent
from aftersales.workorders.states import TRANSITIONS, Action, Status

M = TypeVar("M", bound=models.Model)

# The longest text each field takes. The services check them whoever calls; the staff and portal
# forms and the API schemas take their max_length from these, so every front door stops at the
# same length.
SYMPTOM_MAX_LENGTH = 4000
DEMAND_MAX_LENGTH = 4000
RESOLUTION_MAX_LENGTH = 4000  # the answer given on the spot at intake
SUMMARY_MAX_LENGTH = 4000  # a communication's summary
MAX_TEXT = 4000  # a note or reason of an action
# How far back a request may be back-dated (a letter read days later); beyond is a typo.
MAX_BACKDATE = dt.timedelta(days=366)
# Work-order actions besides the lifecycle moves; action_refusal decides them the same way.
NOTE, COMMUNICATION, PRIORITY, ATTACH = "note", "communication", "priority", "attach"


def _one(queryset: QuerySet[M], pk: int | None) -> M | None:
    """The row with this id, or None (no ORDER BY to compile, unlike ``first()``)."""
    if pk is None:
        return None
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        return None


def _not_found(field: str, message: Any = None) -> DomainError:
    """An id in the request that names nothing the actor may see: 404 ``not_found`` as for an id
    in the path, whether or not it exists outside their scope (R-13.1), with the field named."""
    message = message or _("Not found.")
    return DomainError(ErrorCode.NOT_FOUND, message, {field: message}, status=404)


def _validate_text(
    errors: dict[str, Any], name: str, value: str, *, limit: int, required: bool, label_missing: Any
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = label_missing
    elif len(value) > limit:
        errors[name] = _("The text is longer than %(max)d characters.") % {"max": limit}
    return value


def _optional_text(value: str, field: str) -> str:
    """An optional note or reason of an action: stripped, at most MAX_TEXT characters."""
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise ValidationFailed({field: _("The text is longer than %(max)d characters.") % {"max": MAX_TEXT}})
    return value


def _required_reason(value: str, field: str, message: Any) -> str:
    value = _optional_text(value, field)
    if not value:
        raise ValidationFailed({field: message})
    return value


def _event(
    wo: WorkOrder,
    actor: Any,
    kind: str,
    *,
    action: str = "",
    from_status: str = "",
    to_status: str = "",
    text: str = "",
    data: dict[str, Any] | None = None,
    communication: Communication | None = None,
    at: dt.datetime | None = None,
) -> WorkOrderEvent:
    event = WorkOrderEvent(
        work_order=wo,
        kind=kind,
        actor=actor,
        at=at or timezone.now(),
        action=action,
        from_status=from_status,
        to_status=to_status,
        text=text,
        data=data or {},
        communication=communication,
    )
    insert([event])  # every change writes one: the lean INSERT (core/db.py)
    return event


def _illegal(wo: WorkOrder, action: str) -> DomainError:
    return DomainError(
        WorkOrderErrorCode.ILLEGAL_TRANSITION,
        _("A work order that is “%(status)s” cannot be changed with “%(action)s”.")
        % {"status": Status(wo.status).label, "action": Action(action).label},
        status=409,
    )


def _move(
    wo: WorkOrder,
    actor: Any,
    action: str,
    target: str,
    *,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> WorkOrderEvent:
    sources, _default = TRANSITIONS[action]
    if wo.status not in sources:
        raise _illegal(wo, action)
    source = wo.status
    wo.status = target
    return _event(
        wo,
        actor,
        WorkOrderEvent.Kind.STATUS,
        action=action,
        from_status=source,
        to_status=target,
        text=text,
        data=data,
        at=at,
    )
