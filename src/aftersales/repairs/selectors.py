"""Reads of repair orders and shipments, already scoped to the actor (R-13.1).

One scope per table, for the pages, the portal and the API alike: a customer sees their own
organisation's repair orders and shipments (and no one else's, whatever id they send); staff
with ``view_all_…`` all of them; a repairer the repair orders assigned to them and their
shipments; everyone else nothing. Out of scope is "not found".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from aftersales.core.errors import NotFound
from aftersales.repairs.models import RepairEvent, RepairOrder, Shipment
from aftersales.repairs.states import OPEN_STATUSES

LIST_LIMIT = 200


def is_portal_user(actor: Any) -> bool:
    return bool(getattr(actor, "customer_id", None))


def repair_order_scope(*, actor: Any) -> QuerySet[RepairOrder]:
    qs = RepairOrder.objects.all()
    if not getattr(actor, "is_authenticated", False):
        return qs.none()
    if is_portal_user(actor):
        return qs.filter(work_order__customer_id=actor.customer_id)
    if actor.has_perm("repairs.view_all_repairorders"):
        return qs
    if actor.has_perm("repairs.view_repairorder"):
        return qs.filter(repairer=actor)
    return qs.none()


def repair_order_get(*, actor: Any, repair_order_id: int) -> RepairOrder:
    ro = (
        repair_order_scope(actor=actor)
        .select_related("work_order__customer", "repairer", "received_by", "created_by")
        .filter(pk=repair_order_id)
        .first()
    )
    if ro is None:
        raise NotFound()
    return ro


def repair_order_list(
    *,
    actor: Any,
    status: list[str] | None = None,
    repairer_id: int | None = None,
    work_order_id: int | None = None,
    open_only: bool = False,
    limit: int = LIST_LIMIT,
) -> list[RepairOrder]:
    """Repair orders by deadline (those without one last), then newest; at most ``limit``."""
    qs = repair_order_scope(actor=actor).select_related("work_order__customer", "repairer")
    if status:
        qs = qs.filter(status__in=status)
    if open_only:
        qs = qs.filter(status__in=sorted(OPEN_STATUSES))
    if repairer_id is not None:
        qs = qs.filter(repairer_id=repairer_id)
    if work_order_id is not None:
        qs = qs.filter(work_order_id=work_order_id)
    from django.db.models import F

    return list(qs.order_by(F("deadline_at").asc(nulls_last=True), "-id")[:limit])


def repair_order_photo(*, actor: Any, repair_order_id: int, attachment_id: int) -> Any:
    """A photo taken on arrival of a repair order the actor sees (the repairer may not see the
    work order itself), as a ``ShownAttachment`` to serve; 404 for any other. Staff only: a
    customer is not shown the factory's photos."""
    from aftersales.workorders.selectors import ShownAttachment

    if is_portal_user(actor):
        raise NotFound()
    ro = repair_order_get(actor=actor, repair_order_id=repair_order_id)
    found = ro.photos.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound()
    return ShownAttachment(
        id=found.pk,
        work_order_id=found.work_order_id,
        name=found.name,
        kind=found.kind,
        size=found.size,
        created_at=found.created_at,
        visible_to_customer=found.visible_to_customer,
        is_image=found.is_image,
        by_customer=False,
        uploaded_by=None,
        file=found.file,
        thumbnail=found.thumbnail,
    )


def work_order_has_open_repair(*, work_order_id: int) -> bool:
    """Whether the work order's product is on an open repair order (not yet delivered back): the
    work-order services ask before cancelling it, under their lock on the work order."""
    return RepairOrder.objects.filter(work_order_id=work_order_id, status__in=sorted(OPEN_STATUSES)).exists()


def repair_order_timeline(*, actor: Any, repair_order: RepairOrder) -> list[RepairEvent]:
    """The repair order's events in order (the repair order was found through the scope)."""
    return list(repair_order.events.select_related("actor").order_by("at", "id"))


def repairers(*, actor: Any) -> QuerySet[Any]:
    """Who may be named repairer: active staff whose role repairs (technicians, experts)."""
    from django.contrib.auth.models import Permission

    perm = Permission.objects.filter(content_type__app_label="repairs", codename="repair_repairorder")
    return (
        get_user_model()
        .objects.filter(Q(groups__permissions__in=perm) | Q(user_permissions__in=perm) | Q(is_superuser=True))
        .filter(is_active=True, customer__isnull=True)
        .distinct()
        .order_by("display_name", "pk")
    )


def shipment_scope(*, actor: Any) -> QuerySet[Shipment]:
    qs = Shipment.objects.all()
    if not getattr(actor, "is_authenticated", False):
        return qs.none()
    if is_portal_user(actor):
        return qs.filter(work_order__customer_id=actor.customer_id)
    if actor.has_perm("repairs.view_all_shipments"):
        return qs
    if actor.has_perm("repairs.view_shipment"):
        return qs.filter(Q(work_order__assignee=actor) | Q(repair_order__repairer=actor))
    return qs.none()


def shipment_get(*, actor: Any, shipment_id: int) -> Shipment:
    shipment = (
        shipment_scope(actor=actor)
        .select_related("work_order__customer", "repair_order", "created_by", "delivery_confirmed_by")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise NotFound()
    return shipment


def shipment_list(
    *, actor: Any, work_order_id: int | None = None, in_transit: bool = False, limit: int = LIST_LIMIT
) -> list[Shipment]:
    qs = shipment_scope(actor=actor).select_related("work_order__customer", "repair_order")
    if work_order_id is not None:
        qs = qs.filter(work_order_id=work_order_id)
    if in_transit:
        qs = qs.filter(delivered_at__isnull=True)
    return list(qs.order_by("-sent_at", "-id")[:limit])


# What a customer is shown of a repair order: where it is and the promised date, never the
# names, notes, condition reports or inspections of the factory. The portal and the
# API both read it here.
CUSTOMER_FIELDS = frozenset(
    {"id", "number", "work_order_id", "status", "received_at", "deadline_at", "shipped_at", "closed_at"}
)


def repair_order_shown(*, actor: Any, repair_order: RepairOrder) -> dict[str, Any]:
    ro = repair_order
    values: dict[str, Any] = {
        "id": ro.pk,
        "number": ro.number,
        "work_order_id": ro.work_order_id,
        "work_order_number": ro.work_order.number,
        "status": ro.status,
        "status_label": ro.get_status_display(),
        "fault": ro.fault,
        "received_at": ro.received_at,
        "condition": ro.condition,
        "accessories": list(ro.accessories),
        "accessories_other": ro.accessories_other,
        "repairer": ro.repairer,
        "diagnosis": ro.diagnosis,
        "repair_notes": ro.repair_notes,
        "inspections_failed": ro.inspections_failed,
        "deadline_at": ro.deadline_at,
        "original_deadline_at": ro.original_deadline_at,
        "deadline_breached": ro.deadline_breached,
        "deadline_met_at": ro.deadline_met_at,
        "shipped_at": ro.shipped_at,
        "closed_at": ro.closed_at,
    }
    if is_portal_user(actor):
        blank: dict[str, Any] = {"fault": "", "condition": "", "accessories": [], "accessories_other": ""}
        blank |= {"repairer": None, "diagnosis": "", "repair_notes": "", "inspections_failed": 0}
        blank |= {"original_deadline_at": None, "deadline_breached": False, "deadline_met_at": None}
        values |= blank
    return values
