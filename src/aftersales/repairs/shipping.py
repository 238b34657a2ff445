"""Shipments (R-6.6): parts, a repaired product or documents sent to a customer; the return
shipment of a repair order; the delivery confirmation, which closes the shipping step (and a
returned repair order).

Each shipment is also a line of the work order's communication log (发件记录: an outgoing parcel
with its carrier and tracking number, ``workorders.services.communication_record``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.repairs import carriers, deadlines, services
from aftersales.repairs.errors import RepairErrorCode
from aftersales.repairs.models import RepairOrder, Shipment
from aftersales.repairs.selectors import is_portal_user, repair_order_scope, shipment_scope
from aftersales.repairs.states import Action, Status
from aftersales.workorders import services as work_orders
from aftersales.workorders.models import Communication, WorkOrder

MAX_WEIGHT = Decimal("100000")


def _weight(value: Decimal | float | str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed({"weight_kg": _("Give the weight in kilograms.")}) from None
    if not weight.is_finite() or weight <= 0 or weight >= MAX_WEIGHT:
        raise ValidationFailed({"weight_kg": _("Give a weight above 0 and below 100,000 kg.")})
    return weight.quantize(Decimal("0.01"))


def _validated(
    *, carrier: str, tracking_number: str, weight_kg: Any, sent_at: dt.datetime | None, description: str
) -> tuple[str, str, Decimal | None, dt.datetime, str]:
    now = timezone.now()
    weight = _weight(weight_kg)
    carrier = carrier or carriers.proposed_carrier(weight)
    errors: dict[str, Any] = {}
    if carrier not in Shipment.Carrier.values:
        errors["carrier"] = _("Choose the carrier.")
    tracking_number = (tracking_number or "").strip()
    if not tracking_number:
        errors["tracking_number"] = _("Type the tracking number from the waybill.")
    elif carrier in Shipment.Carrier.values and (
        refusal := carriers.adapter(carrier).tracking_refusal(tracking_number)
    ):
        errors["tracking_number"] = refusal
    description = (description or "").strip()
    if len(description) > 200:
        errors["description"] = _("At most %(max)d characters.") % {"max": 200}
    if errors:
        raise ValidationFailed(errors)
    sent = services.past_moment(sent_at, "sent_at", now=now)
    return carrier, tracking_number, weight, sent, description


def _create(
    *,
    actor: Any,
    wo: WorkOrder,
    ro: RepairOrder | None,
    contents: str,
    carrier: str,
    tracking_number: str,
    weight: Decimal | None,
    sent_at: dt.datetime,
    description: str,
) -> Shipment:
    """Write the shipment and its 发件记录 (the caller holds the work order's lock)."""
    adapter = carriers.adapter(carrier)
    with translation.override("zh-hans"):  # stored text: in the company's language
        summary = gettext("Shipment record: %(what)s by %(carrier)s, tracking number %(number)s") % {
            "what": Shipment.Contents(contents).label,
            "carrier": adapter.label(),
            "number": tracking_number,
        }
        counterpart = str(adapter.label())
    if description:
        summary += f" · {description}"
    if ro is not None:
        summary += f" · {ro.number}"
    comm = work_orders.communication_record(
        actor=actor,
        work_order_id=wo.pk,
        kind=Communication.Kind.PARCEL,
        direction=Communication.Direction.OUTBOUND,
        summary=summary,
        at=sent_at,
        counterpart=counterpart,
        reference=tracking_number,
    )
    shipment = Shipment.objects.create(
        work_order=wo,
        repair_order=ro,
        contents=contents,
        description=description,
        carrier=carrier,
        tracking_number=tracking_number,
        weight_kg=weight,
        sent_at=sent_at,
        communication=comm,
        created_by=actor,
    )
    record(actor=actor, action="create", obj=shipment, detail={"work_order": wo.pk})
    return shipment


def _may_send(actor: Any) -> None:
    if is_portal_user(actor) or not actor.has_perm("repairs.add_shipment"):
        raise PermissionDenied()


@idempotent(scope="shipment_create", model=Shipment)
def shipment_create(
    *,
    actor: Any,
    work_order_id: int,
    contents: str,
    tracking_number: str,
    carrier: str = "",
    weight_kg: Decimal | None = None,
    sent_at: dt.datetime | None = None,
    description: str = "",
    repair_order_id: int | None = None,
    idempotency_key: str | None = None,
) -> Shipment:
    """R-6.6: a parcel to the customer of a work order (parts, documents, a product), EMS by
    default and rail above ``SHIPMENT_RAIL_OVER_KG`` when no carrier is chosen. A repaired
    product goes back through ``repair_order_ship`` (which moves the repair order)."""
    _may_send(actor)
    if contents not in Shipment.Contents.values:
        raise ValidationFailed({"contents": _("Choose what is sent: parts, a repaired product or documents.")})
    carrier, tracking_number, weight, sent, description = _validated(
        carrier=carrier, tracking_number=tracking_number, weight_kg=weight_kg, sent_at=sent_at, description=description
    )
    with transaction.atomic():
        wo = services.work_order_for_shipment(actor=actor, work_order_id=work_order_id)
        ro = None
        if repair_order_id is not None:
            ro = repair_order_scope(actor=actor).filter(pk=repair_order_id).first()
            if ro is None:
                message = _("Not found.")
                raise DomainError("not_found", message, {"repair_order_id": message}, status=404)
            if ro.work_order_id != wo.pk:
                raise DomainError(
                    RepairErrorCode.WRONG_WORK_ORDER,
                    _("The repair order belongs to another work order."),
                    {"repair_order_id": _("Of another work order.")},
                    status=422,
                )
        shipment = _create(
            actor=actor,
            wo=wo,
            ro=ro,
            contents=contents,
            carrier=carrier,
            tracking_number=tracking_number,
            weight=weight,
            sent_at=sent,
            description=description,
        )
        work_orders.work_order_event_record(
            actor=actor,
            work_order=wo,
            action="shipment_sent",
            text=shipment.communication.summary if shipment.communication else "",
            data={"shipment": shipment.pk, "carrier": carrier, "tracking_number": tracking_number},
        )
    return shipment


@idempotent(scope="repair_order_ship", model=Shipment)
def repair_order_ship(
    *,
    actor: Any,
    repair_order_id: int,
    tracking_number: str,
    carrier: str = "",
    weight_kg: Decimal | None = None,
    sent_at: dt.datetime | None = None,
    description: str = "",
    idempotency_key: str | None = None,
) -> Shipment:
    """The return shipment of a repair that passed QA (R-6.5): the repaired product leaves the
    factory, which meets the deadline."""
    _may_send(actor)
    carrier, tracking_number, weight, sent, description = _validated(
        carrier=carrier, tracking_number=tracking_number, weight_kg=weight_kg, sent_at=sent_at, description=description
    )
    with transaction.atomic():
        ro, wo = services.lock_for(actor, repair_order_id, Action.SHIP)
        shipment = _create(
            actor=actor,
            wo=wo,
            ro=ro,
            contents=Shipment.Contents.PRODUCT,
            carrier=carrier,
            tracking_number=tracking_number,
            weight=weight,
            sent_at=sent,
            description=description,
        )
        ro.shipped_at = sent
        deadlines.meet(ro, at=sent)
        services.move(
            ro,
            wo,
            actor,
            Action.SHIP,
            text=shipment.communication.summary if shipment.communication else "",
            data={"shipment": shipment.pk, "carrier": carrier, "tracking_number": tracking_number},
        )
        ro.save()
        record(actor=actor, action="change", verb=Action.SHIP, obj=ro, detail={"shipment": shipment.pk})
    return shipment


@idempotent(scope="shipment_confirm_delivery", model=Shipment)
def shipment_confirm_delivery(
    *,
    actor: Any,
    shipment_id: int,
    delivered_at: dt.datetime | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> Shipment:
    """The parcel arrived (confirmed by hand: the manual carrier adapter). It closes the shipping
    step; for a repair order's return shipment, the repair order is closed (delivered)."""
    if is_portal_user(actor) or not actor.has_perm("repairs.confirm_shipment_delivery"):
        raise PermissionDenied()
    now = timezone.now()
    delivered = services.past_moment(delivered_at, "delivered_at", now=now)
    note = services.text_value(note, "note", limit=200)
    with transaction.atomic():
        found = shipment_scope(actor=actor).filter(pk=shipment_id).values_list("work_order_id", "sent_at").first()
        if found is None:
            raise NotFound()
        if delivered < found[1]:
            raise ValidationFailed({"delivered_at": _("The delivery cannot be before the parcel was sent.")})
        ro_id = Shipment.objects.filter(pk=shipment_id).values_list("repair_order_id", flat=True).get()
        ro = None
        if ro_id is not None:
            ro_status = RepairOrder.objects.filter(pk=ro_id).values_list("status", flat=True).get()
        if ro_id is not None and ro_status == Status.SHIPPED:
            ro, wo = services.lock_for(actor, ro_id, Action.DELIVER)
        else:
            wo = work_orders.work_order_lock(actor=actor, work_order_id=found[0])
        shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
        if shipment.delivered_at is not None:
            raise DomainError(
                RepairErrorCode.ALREADY_DELIVERED, _("This shipment was already confirmed delivered."), status=409
            )
        shipment.delivered_at, shipment.delivery_note, shipment.delivery_confirmed_by = delivered, note, actor
        shipment.save(update_fields=["delivered_at", "delivery_note", "delivery_confirmed_by"])
        data = {"shipment": shipment.pk, "delivered_at": delivered.isoformat()}
        if ro is not None:
            ro.closed_at = now
            services.move(ro, wo, actor, Action.DELIVER, text=note, data=data)
            ro.save()
        else:
            work_orders.work_order_event_record(
                actor=actor, work_order=wo, action="shipment_delivered", text=note, data=data
            )
        record(actor=actor, action="change", verb="deliver", obj=shipment)
    return shipment
