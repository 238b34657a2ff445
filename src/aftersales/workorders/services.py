"""Every write on work orders (R-2, R-3): intake, lifecycle, notes, communications.

Each function checks permission, validates, runs in one transaction, writes the timeline
event and the access-log row, and leaves side effects only through the outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.catalog.models import Colour, FaultCategory, Priority, ProductModel, ServiceType
from aftersales.core.db import insert
from aftersales.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.core.numbering import next_number
from aftersales.customers.models import Customer
from aftersales.customers.selectors import contact_scope, customer_get, customer_scope, installed_product_scope
from aftersales.sla import targets as sla_targets  # SLA hooks: see sla/targets.py
from aftersales.workorders import notifications
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import Channel, Communication, WorkOrder, WorkOrderEvent
from aftersales.workorders.search import search_text
from aftersales.workorders.selectors import assignable_users, is_portal_user, work_order_scope
from aftersales.workorders.states import TRANSITIONS, Action, HandlingMode, Status

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


def _not_found(field: str, message: Any = None) -> DomainError:
    """An id in the request that names nothing the actor may see: 404 ``not_found`` as for an id
    in the path, whether or not it exists outside their scope (R-13.1), with the field named."""
    message = message or _("Not found.")
    return DomainError(ErrorCode.NOT_FOUND, message, {field: message}, status=404)


def _refuse_set_by_system(sent: dict[str, Any]) -> None:
    """R-2.1, R-3.3, R-3.4: on a customer's own request the system sets the channel, the received
    time, the priority and the colour (and nothing is answered on the spot). A customer who could
    choose them would jump the queue: P1 with a received time months ago breaches every target
    at once. Sending them is refused, naming each field, rather than quietly ignored."""
    refused = {name: _("Set by the system for requests from customers.") for name, value in sent.items() if value}
    if refused:
        raise DomainError(
            WorkOrderErrorCode.SET_BY_SYSTEM,
            _("These fields are set by the system for your requests; leave them out."),
            refused,
            status=422,
        )


def received_at_refusal(received_at: dt.datetime, *, now: dt.datetime) -> str | None:
    """Why a request cannot have been received at ``received_at`` (None when it can): intake's
    rule, which the intake page's promise (``sla.selectors.sla_preview_for_intake``) also asks."""
    if timezone.is_naive(received_at):
        return str(_("Give the time with its time zone."))
    if received_at > now + dt.timedelta(minutes=1):
        return str(_("The received time cannot be in the future."))
    if received_at < now - MAX_BACKDATE:
        return str(_("The received time is more than a year ago."))
    return None


def _validate_text(
    errors: dict[str, Any], name: str, value: str, *, limit: int, required: bool, label_missing: Any
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = label_missing
    elif len(value) > limit:
        errors[name] = _("The text is longer than %(max)d characters.") % {"max": limit}
    return value


@idempotent(scope="work_order_create", model=WorkOrder)  # idempotency_key: every argument is the fingerprint
def work_order_create(
    *,
    actor: Any,
    customer_id: int | None,
    symptom: str,
    service_type: str,
    channel: str = "",
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

    Every id is resolved through the actor's scope: one they may not see is 404 and nothing is
    created (R-13.1). A portal user submits for their own organisation (``customer_id`` may be
    left out); the system sets what ``_refuse_set_by_system`` names. ``answered_on_spot``
    records a consultation that the agent answered at once (R-2.4): it is created resolved and
    closed.
    """
    is_portal = is_portal_user(actor)
    if is_portal:
        if not actor.has_perm("workorders.submit_request"):
            raise PermissionDenied()
        _refuse_set_by_system(
            {
                "channel": channel,
                "received_at": received_at,
                "priority": priority,
                "colour": colour,
                "answered_on_spot": answered_on_spot,
                "resolution": resolution,
            }
        )
        customer_id = customer_id or actor.customer_id
        channel = Channel.WEB
    elif not actor.has_perm("workorders.add_workorder"):
        raise PermissionDenied()

    now = timezone.now()
    errors: dict[str, Any] = {}
    # Intake is the hot path: the product is read with its customer in one statement; for the
    # roles that see every customer the scope adds no condition.
    product = _one(
        installed_product_scope(actor=actor).select_related("customer__region", "customer__category"),
        installed_product_id,
    )
    if installed_product_id is not None and product is None:
        raise _not_found("installed_product_id")
    customer: Customer | None = None
    if product is not None and product.customer_id == customer_id:
        customer = product.customer
    elif customer_id is not None:
        customer = _one(customer_scope(actor=actor), customer_id)
        if customer is None:
            raise _not_found("customer_id")
    else:
        errors["customer_id"] = _("Choose the customer.")
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
    elif refusal := received_at_refusal(received_at, now=now):
        errors["received_at"] = refusal
    if occurred_at is not None:
        if timezone.is_naive(occurred_at):
            errors["occurred_at"] = _("Give the time with its time zone.")
        elif occurred_at > now + dt.timedelta(minutes=1):
            errors["occurred_at"] = _("The time of occurrence cannot be in the future.")
        elif "received_at" not in errors and occurred_at > received_at:
            errors["occurred_at"] = _("The problem cannot occur after the request was received.")
    if purchase_date is not None and purchase_date > timezone.localdate():
        errors["purchase_date"] = _("The purchase date cannot be in the future.")
    symptom = _validate_text(
        errors, "symptom", symptom, limit=SYMPTOM_MAX_LENGTH, required=True, label_missing=_("Describe the symptom.")
    )
    demand = _validate_text(errors, "demand", demand, limit=DEMAND_MAX_LENGTH, required=False, label_missing="")
    resolution = _validate_text(
        errors,
        "resolution",
        resolution,
        limit=RESOLUTION_MAX_LENGTH,
        required=answered_on_spot,
        label_missing=_("Record the answer given."),
    )
    if answered_on_spot and service_type != ServiceType.CONSULTATION:
        errors["service_type"] = _("Only a consultation can be answered on the spot.")

    if product is not None and customer is not None and product.customer_id != customer.pk:
        errors["installed_product_id"] = _("This product is not registered to this customer.")
    # The catalogue is master data that every signed-in user may read: no scope, but an id
    # that names nothing is "not found" like the others.
    model: ProductModel | None = product.product_model if product else None
    if model is None and product_model_id is not None:
        model = _one(ProductModel.objects.select_related("product_line"), product_model_id)
        if model is None:
            raise _not_found("product_model_id")
    contact = _one(contact_scope(actor=actor), contact_id)
    if contact_id is not None and contact is None:
        raise _not_found("contact_id")
    if contact is not None and customer is not None and contact.customer_id != customer.pk:
        errors["contact_id"] = _("This contact does not belong to this customer.")
    fault: FaultCategory | None = _one(FaultCategory.objects.all(), fault_category_id)
    if fault_category_id is not None and fault is None:
        raise _not_found("fault_category_id")
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
            notifications.work_order_created(wo, targets=targets)  # the customer's acknowledgement
            return wo

    return create()


def propose_priority(*, fault_category: FaultCategory | None, service_type: str) -> str:
    """R-3.3: the system proposes a priority from the fault category; the agent decides."""
    if fault_category is not None:
        return fault_category.default_priority
    return Priority.P3


def propose_colour(*, service_type: str) -> str:
    """R-8.1: complaints are yellow (or red) by default; other requests start green."""
    return Colour.YELLOW if service_type == ServiceType.COMPLAINT else Colour.GREEN


# ---------------------------------------------------------------------------------------
# timeline and state machine


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


# ---------------------------------------------------------------------------------------
# who may do what, now: the one rule behind every action and the actions offered


def _may_handle(actor: Any, wo: WorkOrder) -> bool:
    if not actor.has_perm("workorders.handle_workorder"):
        return False
    return bool(wo.assignee_id == actor.pk or actor.has_perm("workorders.view_all_workorders"))


def _perm(name: str) -> Callable[[Any, WorkOrder], bool]:
    return lambda actor, wo: bool(actor.has_perm(f"workorders.{name}"))


def _either(*rules: Callable[[Any, WorkOrder], bool]) -> Callable[[Any, WorkOrder], bool]:
    return lambda actor, wo: any(rule(actor, wo) for rule in rules)


# What a member of staff's role must allow for each action (permissions, not role names, so an
# administrator can change a role). Handling is for the assigned handler or a supervisor.
STAFF_RULES: dict[str, Callable[[Any, WorkOrder], bool]] = {
    Action.ACKNOWLEDGE: _either(_perm("add_workorder"), _perm("handle_workorder")),
    Action.ASSIGN: _perm("assign_workorder"),
    Action.START: _may_handle,
    Action.WAIT_CUSTOMER: _may_handle,
    Action.WAIT_PARTS: _may_handle,
    Action.RESUME: _may_handle,
    Action.RESOLVE: _may_handle,
    Action.CONFIRM: _either(_perm("close_workorder"), _may_handle),
    Action.CLOSE: _perm("close_workorder"),
    Action.REOPEN: _either(_perm("close_workorder"), _perm("handle_workorder")),
    Action.ARCHIVE: _perm("archive_workorder"),
    NOTE: _either(_may_handle, _perm("record_communication")),
    ATTACH: _either(_may_handle, _perm("record_communication")),  # photos and documents, like a note
    COMMUNICATION: _perm("record_communication"),
    PRIORITY: _either(_perm("assign_workorder"), _perm("add_workorder")),
}
HANDLER_ONLY = frozenset({Action.START, Action.WAIT_CUSTOMER, Action.WAIT_PARTS, Action.RESUME, Action.RESOLVE})
# A customer confirms or reopens their own resolved request in the portal, nothing else;
# later, they call and an agent reopens it.
CUSTOMER_ACTIONS = frozenset({Action.CONFIRM, Action.REOPEN})


def action_refusal(*, actor: Any, action: str, wo: WorkOrder) -> DomainError | None:
    """Why ``actor`` may not do ``action`` on ``wo`` now, or None when they may.

    The one rule for every action and every role: each service raises what this returns (after
    the scope, which answers 404), and ``available_actions`` lists the lifecycle actions it lets
    through, so what a page or the API offers is exactly what the services accept.
    """
    if wo.is_read_only:
        return DomainError(WorkOrderErrorCode.READ_ONLY, _("Archived work orders are read-only."), status=409)
    if is_portal_user(actor):
        if action == ATTACH:  # a photo of the fault, a receipt: on their own request, at any stage
            return None if actor.has_perm("workorders.submit_request") else PermissionDenied()
        if action not in CUSTOMER_ACTIONS or not actor.has_perm("workorders.confirm_own_workorder"):
            return PermissionDenied()
        return None if wo.status == Status.RESOLVED else _illegal(wo, action)
    if not STAFF_RULES[action](actor, wo):
        if action in HANDLER_ONLY:
            return PermissionDenied(_("Only the assigned handler or a supervisor can do this."))
        return PermissionDenied()
    if action == PRIORITY:
        if not wo.is_open:
            return DomainError(
                WorkOrderErrorCode.ILLEGAL_TRANSITION, _("Only an open work order can be re-prioritised."), status=409
            )
        return None
    if action in TRANSITIONS and wo.status not in TRANSITIONS[action][0]:
        return _illegal(wo, action)
    return None


def available_actions(*, actor: Any, wo: WorkOrder) -> list[str]:
    """The lifecycle actions ``actor`` may take on ``wo`` now: those action_refusal lets through."""
    return [str(action) for action in TRANSITIONS if action_refusal(actor=actor, action=action, wo=wo) is None]


def _locked(actor: Any, work_order_id: int, action: str) -> WorkOrder:
    """The work order locked (``work_order_lock``: scope, one query without joins) for ``action``,
    refused as action_refusal refuses it. Every work-order action of this app passes here."""
    wo = work_order_lock(actor=actor, work_order_id=work_order_id)
    refusal = action_refusal(actor=actor, action=action, wo=wo)
    if refusal is not None:
        raise refusal
    return wo


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


# ---------------------------------------------------------------------------------------
# lifecycle


def work_order_acknowledge(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    """An agent takes a new request; for a portal request they become its first-contact owner."""
    note = _optional_text(note, "note")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.ACKNOWLEDGE)
        _move(wo, actor, Action.ACKNOWLEDGE, Status.ACKNOWLEDGED, text=note)
        if wo.owner_id is None:
            wo.owner = actor
        wo.save()
        sla_targets.on_acknowledged(wo)  # SLA
        record(actor=actor, action="change", verb=Action.ACKNOWLEDGE, obj=wo)
    return wo


def work_order_assign(*, actor: Any, work_order_id: int, assignee_id: int, note: str = "") -> WorkOrder:
    """Assign or reassign; the first-contact owner stays (R-5.4). The assignee is one of the
    people who may be assigned (``assignable_users``, as the page offers); anyone else is 404."""
    note = _optional_text(note, "note")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.ASSIGN)
        assignee = assignable_users(actor=actor).filter(pk=assignee_id).first()
        if assignee is None:
            raise _not_found("assignee_id", _("Choose an active staff member who handles work orders."))
        if wo.assignee_id == assignee.pk and wo.status == Status.ASSIGNED:
            raise ValidationFailed({"assignee_id": _("The work order is already assigned to this person.")})
        previous = wo.assignee
        event = _move(
            wo,
            actor,
            Action.ASSIGN,
            Status.ASSIGNED,
            text=note,
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
        record(actor=actor, action="change", verb=Action.ASSIGN, obj=wo, detail={"assignee": assignee.pk})
        notifications.work_order_assigned(wo, assignee=assignee, by=actor, event=event)
    return wo


def work_order_start(*, actor: Any, work_order_id: int, mode: str = HandlingMode.REMOTE, note: str = "") -> WorkOrder:
    if mode not in HandlingMode.values:
        raise ValidationFailed({"mode": _("Choose remote, on site or returned to factory.")})
    note = _optional_text(note, "note")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.START)
        _move(wo, actor, Action.START, Status.IN_PROGRESS, text=note, data={"mode": mode})
        wo.handling_mode = mode
        wo.save()
        sla_targets.on_started(wo)  # SLA
        record(actor=actor, action="change", verb=Action.START, obj=wo)
    return wo


# What a work order can wait on, with the action and the status it moves to.
WAIT_ON = {
    "customer": (Action.WAIT_CUSTOMER, Status.WAITING_CUSTOMER),
    "parts": (Action.WAIT_PARTS, Status.WAITING_PARTS),
}


def work_order_wait(*, actor: Any, work_order_id: int, on: str, reason: str) -> WorkOrder:
    """Pause handling while waiting on the customer or on parts (R-3.5, R-4.6)."""
    if on not in WAIT_ON:
        raise ValidationFailed({"on": _("Choose what the work order waits on: customer or parts.")})
    reason = _required_reason(reason, "reason", _("Say what the work order is waiting for."))
    action, target = WAIT_ON[on]
    with transaction.atomic():
        wo = _locked(actor, work_order_id, action)
        _move(wo, actor, action, target, text=reason)
        wo.save()
        sla_targets.on_status_changed(wo)  # SLA: pause
        record(actor=actor, action="change", verb=action, obj=wo)
    return wo


def work_order_resume(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    note = _optional_text(note, "note")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.RESUME)
        _move(wo, actor, Action.RESUME, Status.IN_PROGRESS, text=note)
        wo.save()
        sla_targets.on_status_changed(wo)  # SLA: resume
        record(actor=actor, action="change", verb=Action.RESUME, obj=wo)
    return wo


def work_order_resolve(*, actor: Any, work_order_id: int, resolution: str, technical_solution: str = "") -> WorkOrder:
    """R-3.7: record the resolution and the technical solution used."""
    resolution = _required_reason(resolution, "resolution", _("Describe how the problem was solved."))
    technical_solution = _optional_text(technical_solution, "technical_solution")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.RESOLVE)
        event = _move(
            wo, actor, Action.RESOLVE, Status.RESOLVED, text=resolution, data={"technical_solution": technical_solution}
        )
        wo.resolution = resolution
        wo.technical_solution = technical_solution
        wo.resolved_at = timezone.now()
        wo.save()
        sla_targets.on_resolved(wo, at=wo.resolved_at)  # SLA
        record(actor=actor, action="change", verb=Action.RESOLVE, obj=wo)
        notifications.work_order_resolved(wo, event=event)
    return wo


def work_order_confirm(*, actor: Any, work_order_id: int, note: str = "") -> WorkOrder:
    """The customer confirms the problem is solved: in the portal themselves, or told an agent
    on the phone (then the agent says how and when in ``note``)."""
    is_portal = is_portal_user(actor)
    if is_portal:
        note = _optional_text(note, "note")
    else:
        note = _required_reason(note, "note", _("Record how the customer confirmed (e.g. by phone with whom)."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.CONFIRM)
        _move(wo, actor, Action.CONFIRM, Status.CONFIRMED, text=note, data={"by_customer": is_portal})
        wo.confirmed_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", verb=Action.CONFIRM, obj=wo)
    return wo


def work_order_close(*, actor: Any, work_order_id: int, reason: str = "") -> WorkOrder:
    """R-3.7: closing without the customer's confirmation needs a reason."""
    reason = _optional_text(reason, "reason")
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.CLOSE)
        if wo.status == Status.RESOLVED and not reason:
            raise ValidationFailed({"reason": _("The customer has not confirmed: give the reason for closing anyway.")})
        event = _move(
            wo, actor, Action.CLOSE, Status.CLOSED, text=reason, data={"confirmed": wo.status == Status.CONFIRMED}
        )
        if wo.confirmed_at is None:
            wo.close_reason = reason
        wo.closed_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", verb=Action.CLOSE, obj=wo)
        notifications.work_order_closed(wo, event=event)
    return wo


def work_order_reopen(*, actor: Any, work_order_id: int, reason: str) -> WorkOrder:
    """R-3.5: the customer says it is not fixed. Back to the handler if there is one."""
    reason = _required_reason(reason, "reason", _("Say why the work order is reopened."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.REOPEN)
        target = Status.ASSIGNED if wo.assignee_id else Status.ACKNOWLEDGED
        event = _move(wo, actor, Action.REOPEN, target, text=reason)
        wo.resolved_at = wo.confirmed_at = wo.closed_at = None
        wo.close_reason = ""
        wo.save()
        sla_targets.on_reopened(wo)  # SLA
        record(actor=actor, action="change", verb=Action.REOPEN, obj=wo)
        if wo.assignee is not None:
            notifications.work_order_reopened(wo, event=event)
    return wo


def work_order_archive(*, actor: Any, work_order_id: int) -> WorkOrder:
    """R-3.8: archived work orders are read-only from then on."""
    with transaction.atomic():
        wo = _locked(actor, work_order_id, Action.ARCHIVE)
        _move(wo, actor, Action.ARCHIVE, Status.ARCHIVED)
        wo.archived_at = timezone.now()
        wo.save()
        record(actor=actor, action="change", verb=Action.ARCHIVE, obj=wo)
    return wo


def work_order_set_priority(*, actor: Any, work_order_id: int, priority: str, reason: str) -> WorkOrder:
    """R-3.3: the agent changes the priority; the SLA targets are computed again (R-4.2)."""
    if priority not in Priority.values:
        raise ValidationFailed({"priority": _("Choose P1, P2 or P3.")})
    reason = _required_reason(reason, "reason", _("Say why the priority changes."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, PRIORITY)
        if wo.priority == priority:
            raise ValidationFailed({"priority": _("The work order already has this priority.")})
        previous = wo.priority
        wo.priority = priority
        wo.save()
        _event(wo, actor, WorkOrderEvent.Kind.CHANGE, text=reason, data={"priority": priority, "previous": previous})
        sla_targets.on_priority_changed(wo)  # SLA: recompute the targets
        record(
            actor=actor, action="change", verb="priority", obj=wo, detail={"priority": priority, "previous": previous}
        )
    return wo


def work_order_add_note(*, actor: Any, work_order_id: int, text: str) -> WorkOrderEvent:
    """A progress note on the timeline (R-3.6)."""
    text = _required_reason(text, "text", _("Write the note."))
    with transaction.atomic():
        wo = _locked(actor, work_order_id, NOTE)
        event = _event(wo, actor, WorkOrderEvent.Kind.NOTE, text=text)
        WorkOrder.objects.filter(pk=wo.pk).update(updated_at=timezone.now())
        sla_targets.on_progress(wo, actor=actor, at=event.at)  # SLA: progress
        record(actor=actor, action="change", verb="note", obj=wo, detail={"note": event.pk})
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


# ---------------------------------------------------------------------------------------
# for the apps that hang off a work order (SLA): one owner per table, so they lock, record on
# the timeline and store on the work order through these, never by writing its tables


def work_order_lock(*, actor: Any, work_order_id: int) -> WorkOrder:
    """Resolve the id through the actor's scope (404 outside it), lock the row and refuse an
    archived work order (R-13.3): another app takes this lock before its own rows (parent
    before child), in its own transaction."""
    wo = work_order_scope(actor=actor).select_for_update().filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound()
    if wo.is_read_only:
        raise DomainError(WorkOrderErrorCode.READ_ONLY, _("Archived work orders are read-only."), status=409)
    return wo


EVENT_ACTION_MAX = WorkOrderEvent._meta.get_field("action").max_length or 0


def work_order_event_record(
    *,
    actor: Any,
    work_order: WorkOrder,
    action: str,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> WorkOrderEvent:
    """A change another app made to a work order, on its timeline (R-3.5), e.g. an agreed SLA
    extension (R-3.6). The caller holds ``work_order_lock`` and has checked its own permission;
    the timeline checks what it needs itself."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("work_order_event_record runs inside the caller's transaction")
    if work_order.is_read_only:
        raise DomainError(WorkOrderErrorCode.READ_ONLY, _("Archived work orders are read-only."), status=409)
    if not 0 < len(action) <= EVENT_ACTION_MAX or (at is not None and timezone.is_naive(at)):
        raise ValueError(f"a timeline event needs an action name of 1 to {EVENT_ACTION_MAX} characters, an aware time")
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed({"text": _("The text is longer than %(max)d characters.") % {"max": MAX_TEXT}})
    return _event(work_order, actor, WorkOrderEvent.Kind.CHANGE, action=action, text=text, data=data, at=at)


SLA_TIMES = frozenset({"next_due_at", "queue_at"})


def work_order_sla_times_store(*, work_order: WorkOrder, **times: dt.datetime | None) -> None:
    """Store the times ``sla.targets`` computed on the work order (ARCHITECTURE: deadlines are
    stored, so "overdue" and the queue are indexed queries). Only these fields; no timeline
    event, they follow from changes already on it."""
    if not times or not set(times) <= SLA_TIMES:
        raise TypeError(f"work_order_sla_times_store stores {sorted(SLA_TIMES)}, not {sorted(times)}")
    WorkOrder.objects.filter(pk=work_order.pk).update(**times)
    for name, value in times.items():
        setattr(work_order, name, value)
