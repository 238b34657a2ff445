"""Every write on work orders (R-2, R-3): intake, lifecycle, notes, communications.

Each function checks permission, validates, runs in one transaction, writes the timeline
event and the access-log row, and leaves side effects only through the outbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.catalog.models import Colour, FaultCategory, Priority, ProductModel, ServiceType
from aftersales.core.db import insert
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.idempotency import run_once
from aftersales.core.numbering import next_number
from aftersales.customers.models import Contact, Customer, InstalledProduct
from aftersales.sla import targets as sla_targets  # SLA hooks: see sla/targets.py
from aftersales.workorders import notifications
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import Channel, Communication, WorkOrder, WorkOrderEvent
from aftersales.workorders.search import search_text
from aftersales.workorders.selectors import work_order_scope
from aftersales.workorders.states import TRANSITIONS, Action, HandlingMode, Status

M = TypeVar("M", bound=models.Model)

MAX_TEXT = 4000
# How far back a request may be back-dated (a letter read days later); beyond is a typo.
MAX_BACKDATE = dt.timedelta(days=366)


# ---------------------------------------------------------------------------------------
# intake


def _one(queryset: QuerySet[M], pk: int | None) -> M | None:
    """The row with this id, or None (no ORDER BY to compile, unlike ``first()``)."""
    if pk is None:
        return None
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        return None


def _validate_text(errors: dict[str, Any], name: str, value: str, *, required: bool, label_missing: Any) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = label_missing
    elif len(value) > MAX_TEXT:
        errors[name] = _("The text is longer than %(max)d characters.") % {"max": MAX_TEXT}
    return value


def work_order_create(
    *,
    actor: Any,
    customer_id: int | None,
    channel: str,
    symptom: str,
    service_type: str,
    installed_product_id: int | None = None,
    contact_id: int | None = None,
    product_model_id: int | None = None,
    fault_category_id: int | None = None,
    received_at: dt.datetime | None = None,
    occurred_at: dt.datetime | None = None,
    demand: str = "",
    priority: str | None = None,
    colour: str | None = None,
    purchase_date: dt.date | None = None,
    answered_on_spot: bool = False,
    resolution: str = "",
    idempotency_key: str | None = None,
) -> WorkOrder:
    """Record a request (R-2.3) as a work order with a unique number (R-3.1).

    A portal user may only submit for their own organisation. ``answered_on_spot`` records a
    consultation that the agent answered at once (R-2.4): it is created resolved and closed.
    """
    is_portal = bool(getattr(actor, "customer_id", None))
    if is_portal:
        if not actor.has_perm("workorders.submit_request"):
            raise PermissionDenied()
        customer_id = actor.customer_id
        channel = channel or Channel.WEB
        answered_on_spot = False
        colour = None
    elif not actor.has_perm("workorders.add_workorder"):
        raise PermissionDenied()

    now = timezone.now()
    # The fingerprint of what the client sent (before defaults) identifies a retry.
    payload = {
        "customer_id": customer_id,
        "installed_product_id": installed_product_id,
        "channel": channel,
        "received_at": received_at.isoformat() if received_at else None,
        "symptom": symptom,
        "service_type": service_type,
        "priority": priority,
        "fault_category_id": fault_category_id,
        "demand": demand,
    }
    errors: dict[str, Any] = {}
    # Intake is the hot path: the product is read with its customer in one statement.
    product = _one(
        InstalledProduct.objects.select_related(
            "product_model__product_line", "customer__region", "customer__category"
        ),
        installed_product_id,
    )
    if product is not None and product.customer_id == customer_id:
        customer: Customer | None = product.customer
    else:
        customer = _one(Customer.objects.select_related("region", "category"), customer_id)
    if customer is None:
        errors["customer_id"] = _("Choose an existing customer.") if customer_id else _("Choose the customer.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose one of the channels.")
    if service_type not in ServiceType.values:
        errors["service_type"] = _("Choose one of the service types.")
    if priority is not None and priority not in Priority.values:
        errors["priority"] = _("Choose P1, P2 or P3.")
    if colour is not None and colour not in Colour.values:
        errors["colour"] = _("Choose green, yellow or red.")
    if received_at is None:
        received_at = now
    elif timezone.is_naive(received_at):
        errors["received_at"] = _("Give the time with its time zone.")
    elif received_at > now + dt.timedelta(minutes=1):
        errors["received_at"] = _("The received time cannot be in the future.")
    elif received_at < now - MAX_BACKDATE:
        errors["received_at"] = _("The received time is more than a year ago.")
    if occurred_at is not None:
        if timezone.is_naive(occurred_at):
            errors["occurred_at"] = _("Give the time with its time zone.")
        elif occurred_at > now + dt.timedelta(minutes=1):
            errors["occurred_at"] = _("The time of occurrence cannot be in the future.")
        elif "received_at" not in errors and occurred_at > received_at:
            errors["occurred_at"] = _("The problem cannot occur after the request was received.")
    if purchase_date is not None and purchase_date > timezone.localdate():
        errors["purchase_date"] = _("The purchase date cannot be in the future.")
    symptom = _validate_text(errors, "symptom", symptom, required=True, label_missing=_("Describe the symptom."))
    demand = _validate_text(errors, "demand", demand, required=False, label_missing="")
    resolution = _validate_text(
        errors, "resolution", resolution, required=answered_on_spot, label_missing=_("Record the answer given.")
    )
    if answered_on_spot and service_type != ServiceType.CONSULTATION:
        errors["service_type"] = _("Only a consultation can be answered on the spot.")

    if installed_product_id is not None and (
        product is None or (customer is not None and product.customer_id != customer.pk)
    ):
        errors["installed_product_id"] = _("This product is not registered to this customer.")
    model: ProductModel | None = product.product_model if product else None
    if model is None and product_model_id is not None:
        model = _one(ProductModel.objects.select_related("product_line"), product_model_id)
        if model is None:
            errors["product_model_id"] = _("Unknown product model.")
    contact: Contact | None = None
    if contact_id is not None:
        contact = _one(Contact.objects.all(), contact_id)
        if contact is None or (customer is not None and contact.customer_id != customer.pk):
            errors["contact_id"] = _("This contact does not belong to this customer.")
    fault: FaultCategory | None = None
    if fault_category_id is not None:
        fault = _one(FaultCategory.objects.all(), fault_category_id)
        if fault is None:
            errors["fault_category_id"] = _("Unknown fault category.")
    if errors or customer is None or received_at is None:
        raise ValidationFailed(errors)

    proposed = propose_priority(fault_category=fault, service_type=service_type)

    def create() -> WorkOrder:
        with transaction.atomic():
            number = next_number("SR", timezone.localdate(now).year)
            serial = product.serial_number if product else ""
            wo = WorkOrder(
                number=number,
                search_text=search_text(number, customer.name, serial, model.code if model else "", symptom),
                customer=customer,
                contact=contact,
                installed_product=product,
                product_model=model,
                product_line=model.product_line if model else None,
                serial_number=serial,
                fault_category=fault,
                channel=channel,
                received_at=received_at,
                occurred_at=occurred_at,
                symptom=symptom,
                demand=demand,
                purchase_date=purchase_date or (product.purchase_date if product else None),
                service_type=service_type,
                priority=priority or proposed,
                colour=colour or propose_colour(service_type=service_type),
                owner=None if is_portal else actor,
                created_by=actor,
                answered_on_spot=answered_on_spot,
            )
            targets = sla_targets.plan_created(wo)  # SLA: queue and next due time go in the INSERT
            insert([wo])
            _event(wo, actor, WorkOrderEvent.Kind.CREATED, to_status=Status.NEW, data={"channel": channel}, at=now)
            record(actor=actor, action="create", obj=wo)
            if answered_on_spot:
                wo.resolution = resolution
                wo.resolved_at = wo.closed_at = now
                _move(wo, actor, Action.RESOLVE, Status.RESOLVED, text=resolution, at=now)
                _move(wo, actor, Action.CLOSE, Status.CLOSED, text=str(_("Answered on the spot.")), at=now)
                wo.save()
            sla_targets.on_created(wo, targets)  # SLA
            notifications.work_order_created(wo)
            return wo

    wo, _created = run_once(
        user=actor, scope="work_order_create", key=idempotency_key, payload=payload, model=WorkOrder, create=create
    )
    return wo


def propose_priority(*, fault_category: FaultCategory | None, service_type: str) -> str:
    """R-3.3: the system proposes a priority from the fault category; the agent decides."""
    if fault_category is not None:
        return fault_category.default_priority
    return Priority.P3


def propose_colour(*, service_type: str) -> str:
    """R-8.1: complaints are yellow (or red) by default; other requests start green."""
    return Colour.YELLOW if service_type == ServiceType.COMPLAINT else Colour.GREEN


# ---------------------------------------------------------------------------------------
# lifecycle


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


def _move(
    wo: WorkOrder,
    actor: Any,
    action: str,
    target: str,
    *,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    sources, _default = TRANSITIONS[action]
    if wo.status not in sources:
        raise DomainError(
            WorkOrderErrorCode.ILLEGAL_TRANSITION,
            _("A work order that is “%(status)s” cannot be changed with “%(action)s”.")
            % {"status": Status(wo.status).label, "action": Action(action).label},
            status=409,
        )
    source = wo.status
    wo.status = target
    _event(
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


def _locked(actor: Any, work_order_id: int) -> WorkOrder:
    """Resolve the id through the actor's scope (404 outside it) and lock the row, in one query
    without joins (every lifecycle action passes here)."""
    wo = work_order_scope(actor=actor).select_for_update().filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound()
    if wo.is_read_only:
        raise DomainError(WorkOrderErrorCode.READ_ONLY, _("Archived work orders are read-only."), status=409)
    return wo


def _may_handle(actor: Any, wo: WorkOrder) -> bool:
    if not actor.has_perm("workorders.handle_workorder"):
        return False
    return bool(wo.assignee_id == actor.pk or actor.has_perm("workorders.view_all_workorders"))


def _require_handler(actor: Any, wo: WorkOrder) -> None:
    if not _may_handle(actor, wo):
        raise PermissionDenied(_("Only the assigned handler or a supervisor can do this."))


def _required_reason(value: str, field: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed({field: message})
    if len(value) > MAX_TEXT:
        raise ValidationFailed({field: _("The text is longer than %(max)d characters.") % {"max": MAX_TEXT}})
    return value


def work_order_acknowledge(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    """An agent takes a new request; for a portal request they become its first-contact owner."""
    if not (actor.has_perm("workorders.add_workorder") or actor.has_perm("workorders.handle_workorder")):
        raise PermissionDenied()
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        _move(wo, actor, Action.ACKNOWLEDGE, Status.ACKNOWLEDGED, text=note.strip())
        if wo.owner_id is None:
            wo.owner = actor
        wo.save()
        sla_targets.on_acknowledged(wo)  # SLA
        record(actor=actor, action="change", obj=wo, detail={"action": Action.ACKNOWLEDGE})
    return wo


def work_order_assign(*, actor: Any, work_order_id: int, assignee_id: int, note: str = "") -> WorkOrder:
    """Assign or reassign; the first-contact owner stays (R-5.4)."""
    if not actor.has_perm("workorders.assign_workorder"):
        raise PermissionDenied()
    user_model = get_user_model()
    assignee = user_model.objects.filter(pk=assignee_id, is_active=True, customer__isnull=True).first()
    if assignee is None or not assignee.has_perm("workorders.handle_workorder"):
        raise ValidationFailed({"assignee_id": _("Choose an active staff member who handles work orders.")})
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        if wo.assignee_id == assignee.pk and wo.status == Status.ASSIGNED:
            raise ValidationFailed({"assignee_id": _("The work order is already assigned to this person.")})
        previous = wo.assignee
        _move(
            wo,
            actor,
            Action.ASSIGN,
            Status.ASSIGNED,
            text=note.strip(),
            # The name as it was then: the timeline reads right after later reassignments.
            data={
                "assignee": assignee.pk,
                "assignee_name": str(assignee),
                "previous": previous.pk if previous else None,
            },
        )
        wo.assignee = assignee
        if wo.owner_id is None:
            wo.owner = actor
        wo.save()
        sla_targets.on_assigned(wo)  # SLA
        record(actor=actor, action="change", obj=wo, detail={"action": Action.ASSIGN, "assignee": assignee.pk})
        notifications.work_order_assigned(wo, assignee=assignee, by=actor)
    return wo


def work_order_start(*, actor: Any, work_order_id: int, mode: str = HandlingMode.REMOTE, note: str = "") -> WorkOrder:
    if mode not in HandlingMode.values:
        raise ValidationFailed({"mode": _("Choose remote, on site or returned to factory.")})
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        _require_handler(actor, wo)
        _move(wo, actor, Action.START, Status.IN_PROGRESS, text=note.strip(), data={"mode": mode})
        wo.handling_mode = mode
        wo.save()
        sla_targets.on_started(wo)  # SLA
        record(actor=actor, action="change", obj=wo, detail={"action": Action.START})
    return wo


def work_order_wait(*, actor: Any, work_order_id: int, on: str, reason: str) -> WorkOrder:
    """Pause handling while waiting on the customer or on parts (R-3.5, R-4.6)."""
    actions = {
        "customer": (Action.WAIT_CUSTOMER, Status.WAITING_CUSTOMER),
        "parts": (Action.WAIT_PARTS, Status.WAITING_PARTS),
    }
    if on not in actions:
        raise ValidationFailed({"on": _("Choose what the work order waits on: customer or parts.")})
    reason = _required_reason(reason, "reason", _("Say what the work order is waiting for."))
    action, target = actions[on]
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        _require_handler(actor, wo)
        _move(wo, actor, action, target, text=reason)
        wo.save()
        sla_targets.on_status_changed(wo)  # SLA: pause
        record(actor=actor, action="change", obj=wo, detail={"action": action})
    return wo


def work_order_resume(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        _require_handler(actor, wo)
        _move(wo, actor, Action.RESUME, Status.IN_PROGRESS, text=note.strip())
        wo.save()
        sla_targets.on_status_changed(wo)  # SLA: resume
        record(actor=actor, action="change", obj=wo, detail={"action": Action.RESUME})
    return wo


def work_order_resolve(*, actor: Any, work_order_id: int, resolution: str, technical_solution: str = "") -> WorkOrder:
    """R-3.7: record the resolution and the technical solution used."""
    resolution = _required_reason(resolution, "resolution", _("Describe how the problem was solved."))
    technical_solution = (technical_solution or "").strip()
    if len(technical_solution) > MAX_TEXT:
        raise ValidationFailed(
            {"technical_solution": _("The text is longer than %(max)d characters.") % {"max": MAX_TEXT}}
        )
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        _require_handler(actor, wo)
        _move(
            wo, actor, Action.RESOLVE, Status.RESOLVED, text=resolution, data={"technical_solution": technical_solution}
        )
        wo.resolution = resolution
        wo.technical_solution = technical_solution
        wo.resolved_at = timezone.now()
        wo.save()
        sla_targets.on_resolved(wo, at=wo.resolved_at)  # SLA
        record(actor=actor, action="change", obj=wo, detail={"action": Action.RESOLVE})
        notifications.work_order_resolved(wo)
    return wo


def work_order_confirm(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    """The customer confirms the problem is solved: in the portal themselves, or told an agent
    on the phone (then the agent says how and when in ``note``)."""
    is_portal = bool(getattr(actor, "customer_id", None))
    if is_portal:
        if not actor.has_perm("workorders.confirm_own_workorder"):
            raise PermissionDenied()
    elif not (actor.has_perm("workorders.close_workorder") or actor.has_perm("workorders.handle_workorder")):
        raise PermissionDenied()
    else:
        note = _required_reason(note, "note", _("Record how the customer confirmed (e.g. by phone with whom)."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        if not is_portal:
            _require_handler_or_closer(actor, wo)
        _move(wo, actor, Action.CONFIRM, Status.CONFIRMED, text=note.strip(), data={"by_customer": is_portal})
        wo.confirmed_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", obj=wo, detail={"action": Action.CONFIRM})
    return wo


def _require_handler_or_closer(actor: Any, wo: WorkOrder) -> None:
    if not (actor.has_perm("workorders.close_workorder") or _may_handle(actor, wo)):
        raise PermissionDenied()


def work_order_close(*, actor: Any, work_order_id: int, reason: str = "") -> WorkOrder:
    """R-3.7: closing without the customer's confirmation needs a reason."""
    if not actor.has_perm("workorders.close_workorder"):
        raise PermissionDenied()
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        reason = (reason or "").strip()
        if wo.status == Status.RESOLVED and not reason:
            raise ValidationFailed({"reason": _("The customer has not confirmed: give the reason for closing anyway.")})
        _move(wo, actor, Action.CLOSE, Status.CLOSED, text=reason, data={"confirmed": wo.status == Status.CONFIRMED})
        if wo.confirmed_at is None:
            wo.close_reason = reason
        wo.closed_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", obj=wo, detail={"action": Action.CLOSE})
    return wo


def work_order_reopen(*, actor: Any, work_order_id: int, reason: str) -> WorkOrder:
    """R-3.5: the customer says it is not fixed. Back to the handler if there is one."""
    is_portal = bool(getattr(actor, "customer_id", None))
    if is_portal:
        if not actor.has_perm("workorders.confirm_own_workorder"):
            raise PermissionDenied()
    elif not (actor.has_perm("workorders.close_workorder") or actor.has_perm("workorders.handle_workorder")):
        raise PermissionDenied()
    reason = _required_reason(reason, "reason", _("Say why the work order is reopened."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        target = Status.ASSIGNED if wo.assignee_id else Status.ACKNOWLEDGED
        _move(wo, actor, Action.REOPEN, target, text=reason)
        wo.resolved_at = wo.confirmed_at = wo.closed_at = None
        wo.close_reason = ""
        wo.save()
        sla_targets.on_reopened(wo)  # SLA
        record(actor=actor, action="change", obj=wo, detail={"action": Action.REOPEN})
        if wo.assignee is not None:
            notifications.work_order_reopened(wo)
    return wo


def work_order_archive(*, actor: Any, work_order_id: int) -> WorkOrder:
    """R-3.8: archived work orders are read-only from then on."""
    if not actor.has_perm("workorders.archive_workorder"):
        raise PermissionDenied()
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        _move(wo, actor, Action.ARCHIVE, Status.ARCHIVED)
        wo.archived_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", obj=wo, detail={"action": Action.ARCHIVE})
    return wo


def work_order_set_priority(*, actor: Any, work_order_id: int, priority: str, reason: str) -> WorkOrder:
    """R-3.3: the agent changes the priority; the SLA targets are computed again (R-4.2)."""
    if not (actor.has_perm("workorders.assign_workorder") or actor.has_perm("workorders.add_workorder")):
        raise PermissionDenied()
    if priority not in Priority.values:
        raise ValidationFailed({"priority": _("Choose P1, P2 or P3.")})
    reason = _required_reason(reason, "reason", _("Say why the priority changes."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        if not wo.is_open:
            raise DomainError(
                WorkOrderErrorCode.ILLEGAL_TRANSITION, _("Only an open work order can be re-prioritised."), status=409
            )
        if wo.priority == priority:
            raise ValidationFailed({"priority": _("The work order already has this priority.")})
        previous = wo.priority
        wo.priority = priority
        wo.save()
        _event(wo, actor, WorkOrderEvent.Kind.CHANGE, text=reason, data={"priority": priority, "previous": previous})
        sla_targets.on_priority_changed(wo)  # SLA: recompute the targets
        record(actor=actor, action="change", obj=wo, detail={"priority": priority, "previous": previous})
    return wo


def work_order_add_note(*, actor: Any, work_order_id: int, text: str) -> WorkOrderEvent:
    """A progress note on the timeline (R-3.6)."""
    text = _required_reason(text, "text", _("Write the note."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id)
        if not (_may_handle(actor, wo) or actor.has_perm("workorders.record_communication")):
            raise PermissionDenied()
        event = _event(wo, actor, WorkOrderEvent.Kind.NOTE, text=text)
        WorkOrder.objects.filter(pk=wo.pk).update(updated_at=timezone.now())
        sla_targets.on_progress(wo, actor=actor, at=event.at)  # SLA: progress
        record(actor=actor, action="change", obj=wo, detail={"note": event.pk})
    return event


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
    if not actor.has_perm("workorders.record_communication"):
        raise PermissionDenied()
    from aftersales.customers.selectors import customer_get

    now = timezone.now()
    errors: dict[str, Any] = {}
    if kind not in Communication.Kind.values:
        errors["kind"] = _("Choose the kind of communication.")
    if direction not in Communication.Direction.values:
        errors["direction"] = _("Choose incoming or outgoing.")
    summary = _validate_text(errors, "summary", summary, required=True, label_missing=_("Summarise the communication."))
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
        wo = _locked(actor, work_order_id) if work_order_id is not None else None
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
            _event(wo, actor, WorkOrderEvent.Kind.COMMUNICATION, text=summary, communication=comm, at=at)
            outbound = direction == Communication.Direction.OUTBOUND
            sla_targets.on_progress(wo, actor=actor, at=at, outbound=outbound)  # SLA
        record(actor=actor, action="create", obj=comm)
    return comm


# Used by the pages and the API to offer only what the actor may do now.
def available_actions(*, actor: Any, wo: WorkOrder) -> list[str]:
    if wo.is_read_only:
        return []
    is_portal = bool(getattr(actor, "customer_id", None))
    if is_portal:
        return [a for a in (Action.CONFIRM, Action.REOPEN) if wo.status == Status.RESOLVED]
    # Each question once: this runs for every work order the API returns.
    handle = _may_handle(actor, wo)
    add, close = actor.has_perm("workorders.add_workorder"), actor.has_perm("workorders.close_workorder")
    may_handle_any = actor.has_perm("workorders.handle_workorder")
    allowed = {
        Action.ACKNOWLEDGE: add or may_handle_any,
        Action.ASSIGN: actor.has_perm("workorders.assign_workorder"),
        Action.START: handle,
        Action.WAIT_CUSTOMER: handle,
        Action.WAIT_PARTS: handle,
        Action.RESUME: handle,
        Action.RESOLVE: handle,
        Action.CONFIRM: close or handle,
        Action.CLOSE: close,
        Action.REOPEN: close or may_handle_any,
        Action.ARCHIVE: actor.has_perm("workorders.archive_workorder"),
    }
    return [action for action, (sources, _t) in TRANSITIONS.items() if wo.status in sources and allowed[Action(action)]]


def work_orders_reindex_customer(*, customer_id: int) -> int:
    """A customer was renamed: their work orders are found by the new name (R-1.1)."""
    batch = list(
        WorkOrder.objects.filter(customer_id=customer_id)
        .select_related("customer", "product_model")
        .only("number", "serial_number", "symptom", "search_text", "customer__name", "product_model__code")
    )
    for wo in batch:
        wo.search_text = search_text(
            wo.number, wo.customer.name, wo.serial_number, wo.product_model.code if wo.product_model else "", wo.symptom
        )
    WorkOrder.objects.bulk_update(batch, ["search_text"], batch_size=500)
    return len(batch)
