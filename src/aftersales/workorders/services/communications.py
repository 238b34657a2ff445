"""Communications (R-2.2): calls, faxes, letters, parcels, e-mails and SMS, on the customer's and
the work order's timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed
from aftersales.customers.selectors import customer_get
from aftersales.sla import targets as sla_targets  # SLA hooks: see sla/targets.py
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import Channel, Communication, WorkOrderEvent
from aftersales.workorders.services.common import COMMUNICATION, SUMMARY_MAX_LENGTH, _event, _validate_text
from aftersales.workorders.services.hooks import work_order_lock
from aftersales.workorders.services.lifecycle import _locked


def communication_record(
    *,
    actor: Any,
    customer_id: int | None = None,
    work_order_id: int | None = None,
    kind: str,
    direction: str,
    summary: str,
    at: dt.datetime | None = None,
    counterpart: str = "",
    reference: str = "",
) -> Communication:
    """R-2.2: a call, fax, letter, parcel, e-mail or SMS, on the customer's and the work order's timeline."""
    if work_order_id is None and not actor.has_perm("workorders.record_communication"):
        raise PermissionDenied()  # with a work order, _locked asks action_refusal
    now = timezone.now()
    errors: dict[str, Any] = {}
    if kind not in Communication.Kind.values:
        errors["kind"] = _("Choose the kind of communication.")
    if direction not in Communication.Direction.values:
        errors["direction"] = _("Choose incoming or outgoing.")
    summary = _validate_text(
        errors,
        "summary",
        summary,
        limit=SUMMARY_MAX_LENGTH,
        required=True,
        label_missing=_("Summarise the communication."),
    )
    if at is None:
        at = now
    elif timezone.is_naive(at):
        errors["at"] = _("Give the time with its time zone.")
    elif at > now + dt.timedelta(minutes=1):
        errors["at"] = _("The time cannot be in the future.")
    if len(counterpart) > 128:
        errors["counterpart"] = _("The text is longer than %(max)d characters.") % {"max": 128}
    if len(reference) > 64:
        errors["reference"] = _("The text is longer than %(max)d characters.") % {"max": 64}
    if work_order_id is None and customer_id is None:
        errors["customer_id"] = _("Choose the customer or the work order.")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        wo = _locked(actor, work_order_id, COMMUNICATION) if work_order_id is not None else None
        customer = wo.customer if wo is not None else customer_get(actor=actor, customer_id=customer_id)  # type: ignore[arg-type]
        if wo is not None and customer_id is not None and customer_id != wo.customer_id:
            raise ValidationFailed({"customer_id": _("The work order belongs to another customer.")})
        comm = Communication.objects.create(
            customer=customer,
            work_order=wo,
            kind=kind,
            direction=direction,
            at=at,
            counterpart=counterpart.strip(),
            reference=reference.strip(),
            summary=summary,
            recorded_by=actor,
        )
        if wo is not None:
            # On the timeline when it is recorded (now, to the second, under the lock), like every
            # other event; when it took place (typed to the minute, or days back for a letter) is
            # its content.
            _event(wo, actor, WorkOrderEvent.Kind.COMMUNICATION, text=summary, communication=comm)
            outbound = direction == Communication.Direction.OUTBOUND
            sla_targets.on_progress(wo, actor=actor, at=at, outbound=outbound)  # SLA
        record(actor=actor, action="create", obj=comm)
    return comm


# The communication a request taken at intake is recorded as, by its intake channel.
CHANNEL_KINDS = {
    Channel.PHONE: Communication.Kind.CALL,
    Channel.EMAIL: Communication.Kind.EMAIL,
    Channel.SMS: Communication.Kind.SMS,
    Channel.LETTER: Communication.Kind.LETTER,
    Channel.FAX: Communication.Kind.FAX,
    Channel.WALK_IN: Communication.Kind.VISIT,
}


def work_order_add_request(
    *,
    actor: Any,
    work_order_id: int,
    symptom: str,
    channel: str = Channel.PHONE,
    customer_id: int | None = None,
    at: dt.datetime | None = None,
    counterpart: str = "",
) -> Communication:
    """R-2.3: a request about what an open work order already handles is added to it instead
    of becoming a duplicate: the customer's call (or letter, e-mail, ...) is recorded on it as an
    incoming communication with what they said; no work order is created. Whoever may take
    requests and record communications may do it, on an open work order of the same customer."""
    if not actor.has_perm("workorders.add_workorder"):
        raise PermissionDenied()
    errors: dict[str, Any] = {}
    kind = CHANNEL_KINDS.get(channel)  # type: ignore[call-overload]
    if kind is None:
        errors["channel"] = _("A request by this channel cannot be added to a work order.")
    symptom = _validate_text(
        errors, "symptom", symptom, limit=SUMMARY_MAX_LENGTH, required=True, label_missing=_("Describe the symptom.")
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        wo = work_order_lock(actor=actor, work_order_id=work_order_id)  # 404 outside the scope
        if not wo.is_open:
            raise DomainError(
                WorkOrderErrorCode.ILLEGAL_TRANSITION,
                _("Only an open work order can take the request; create a new work order."),
                {"work_order_id": _("This work order is no longer open.")},
                status=409,
            )
        return communication_record(
            actor=actor,
            work_order_id=wo.pk,
            customer_id=customer_id,
            kind=kind,
            direction=Communication.Direction.INBOUND,
            summary=symptom,
            at=at,
            counterpart=counterpart,
        )
