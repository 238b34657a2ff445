"""Intake (R-2.3): a request recorded as a work order with a unique number (R-3.1), and what the
system proposes for it (priority, colour). Intake is the hot path: keep its statements few."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.catalog.models import Colour, FaultCategory, Priority, ProductModel, ServiceType
from aftersales.core.db import insert
from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.core.numbering import next_number
from aftersales.customers.models import Customer
from aftersales.customers.selectors import contact_scope, customer_scope, installed_product_for_intake
from aftersales.feedback.counting import count_fault_report
from aftersales.sla import targets as sla_targets  # SLA hooks: see sla/targets.py
from aftersales.workorders import notifications
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import Channel, WorkOrder, WorkOrderEvent
from aftersales.workorders.search import search_text
from aftersales.workorders.selectors import is_portal_user
from aftersales.workorders.services.common import (
    DEMAND_MAX_LENGTH,
    MAX_BACKDATE,
    RESOLUTION_MAX_LENGTH,
    SYMPTOM_MAX_LENGTH,
    _event,
    _move,
    _not_found,
    _one,
    _validate_text,
)
from aftersales.workorders.states import Action, Status


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
    product = (
        None
        if installed_product_id is None
        else installed_product_for_intake(actor=actor, installed_product_id=installed_product_id)
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
    # A line's own fault categories are for its products only ("漏水" of a water heater is not
    # the air conditioner's); those without a line apply to every product.
    if fault is not None and model is not None and fault.product_line_id not in (None, model.product_line_id):
        errors["fault_category_id"] = _("This fault category belongs to another product line than the product.")
    if errors or customer is None or received_at is None:
        raise ValidationFailed(errors)

    proposed = propose_priority(fault_category=fault, service_type=service_type)

    def create() -> WorkOrder:
        with transaction.atomic():
            number = next_number("SR", timezone.localdate(now).year)
            serial = product.serial_number if product else ""
            # one indexed read, only when the request names a product
            repeat_of_id = _repeat_of(product.pk, received_at) if product is not None else None
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
                repeat_of_id=repeat_of_id,
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
            count_fault_report(work_order=wo, now=now)  # batch-fault counting: feedback/counting.py
            notifications.work_order_created(wo, targets=targets)  # the customer's acknowledgement
            return wo

    return create()


# One statement on the index (installed_product, received_at, id), written out: the ORM would
# compile the same query anew for every intake (about 0.5 ms, the hot path: bench/README.md).
_WO = WorkOrder._meta.db_table
_REPEAT_SQL = (
    f'SELECT "id" FROM "{_WO}" WHERE "installed_product_id" = %s AND "received_at" >= %s '  # noqa: S608 - table name
    'AND "received_at" <= %s ORDER BY "received_at" DESC, "id" DESC LIMIT 1'
)


def _repeat_of(product_id: int, received_at: dt.datetime) -> int | None:
    """R-2.3 repeat repair: the product's most recent work order received at most
    REPEAT_REPAIR_DAYS before ``received_at`` (index ``wo_product_received_idx``), or None."""
    days = settings.REPEAT_REPAIR_DAYS
    if days <= 0:
        return None
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(_REPEAT_SQL, [product_id, adapt(received_at - dt.timedelta(days=days)), adapt(received_at)])
        row = cursor.fetchone()
    return row[0] if row else None


def propose_priority(*, fault_category: FaultCategory | None, service_type: str) -> str:
    """R-3.3: the system proposes a priority from the fault category; the agent decides."""
    if fault_category is not None:
        return fault_category.default_priority
    return Priority.P3


def propose_colour(*, service_type: str) -> str:
    """R-8.1: complaints are yellow (or red) by default; other requests start green."""
    return Colour.YELLOW if service_type == ServiceType.COMPLAINT else Colour.GREEN


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
