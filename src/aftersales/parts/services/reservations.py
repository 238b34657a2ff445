"""Parts on a work order (R-7.2, R-3.7): reserved while it is worked on, consumed when it is
resolved, released when it is dropped; the customer's charge.

Locks: the work order's row first (parent before child, STYLE rule 9), then the stock engine's
part → balances. ``consume_for_work_order`` is called by the work-order resolve service inside
its transaction, after it locked the work order.

Charge: 0 when the product is within its warranty on the day of use (``InstalledProduct.
warranty_status``), else the customer price (taken when reserved) × quantity; a holder of
``parts.override_charge`` (agents) may set another amount with a reason, which consumption keeps.

A work order that is cancelled (``workorders.services.work_order_cancel``) gives its reserved
lines back with ``release_for_work_order``, in its transaction; a person releases a line with
``work_order_part_release``. Each reservation, release and consumption is a line on the work
order's timeline (``work_order_event_record``; the labels are registered in ``apps.py``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.parts.errors import PartsError
from aftersales.parts.models import MoveKind, WorkOrderPart
from aftersales.parts.selectors import PERM_OVERRIDE, PERM_RESERVE, part_get, warehouse_get, work_order_part_get
from aftersales.parts.services.stock import Change, apply_changes, check_quantity, check_reason, not_certified

Status = WorkOrderPart.Status


def _locked_work_order(actor: Any, work_order_id: int) -> Any:
    """The work order through the actor's scope (404 outside it), locked: parent before child."""
    from aftersales.workorders.services import work_order_lock

    wo = work_order_lock(actor=actor, work_order_id=work_order_id)
    if not wo.is_open:
        raise DomainError(
            PartsError.WORK_ORDER_CLOSED,
            _("Parts can be reserved or released only while the work order is open."),
            status=409,
        )
    return wo


def in_warranty(work_order: Any, *, now: datetime | None = None) -> bool:
    from aftersales.customers.models import WarrantyStatus

    product = work_order.installed_product
    if product is None:
        return False
    day = timezone.localdate(now or timezone.now())
    return bool(product.warranty_status(on=day) == WarrantyStatus.IN_WARRANTY)


# The work-order timeline's actions of this app (labels: ``TIMELINE_ACTIONS`` in apps.py).
TIMELINE_RESERVE, TIMELINE_RELEASE, TIMELINE_CONSUME = "part_reserve", "part_release", "part_consume"


def _on_timeline(actor: Any, work_order: Any, line: WorkOrderPart, action: str, *, now: datetime) -> None:
    """The line on the work order's timeline: which part, how many, from where (codes, names and
    numbers: it reads the same in both languages)."""
    from aftersales.workorders.services import work_order_event_record

    part, warehouse = line.part, line.warehouse
    work_order_event_record(
        actor=actor,
        work_order=work_order,
        action=action,
        text=f"{part.code} {part.name} × {line.quantity} · {warehouse.name}",
        data={"line": line.pk, "part": part.pk, "warehouse": warehouse.pk, "quantity": line.quantity},
        at=now,
    )


def _charge(line: WorkOrderPart) -> Decimal:
    return Decimal(0) if line.in_warranty else line.unit_price * line.quantity


@idempotent(scope="parts.reserve", model=WorkOrderPart)
def work_order_part_reserve(
    *,
    actor: Any,
    work_order_id: int,
    part_id: int,
    warehouse_id: int,
    quantity: int,
    now: datetime | None = None,
    idempotency_key: str | None = None,
) -> WorkOrderPart:
    """Reserve certified parts from a warehouse in the actor's scope for an open work order."""
    if not actor.has_perm(PERM_RESERVE):
        raise PermissionDenied()
    qty = check_quantity(quantity)
    part = part_get(actor=actor, part_id=part_id)
    if not part.certified:
        raise not_certified()
    wh = warehouse_get(actor=actor, warehouse_id=warehouse_id)
    if not part.active or not wh.active:
        field = "part_id" if not part.active else "warehouse_id"
        raise ValidationFailed({field: _("No longer in use.")})
    moment = now or timezone.now()
    with transaction.atomic():
        wo = _locked_work_order(actor, work_order_id)
        apply_changes(
            actor=actor,
            part_id=part.pk,
            changes=[Change(wh.pk, MoveKind.RESERVATION, qty, reserved=qty)],
            work_order_id=wo.pk,
            now=moment,
        )
        line = WorkOrderPart(
            work_order=wo,
            part=part,
            warehouse=wh,
            quantity=qty,
            unit_price=part.customer_price,
            in_warranty=in_warranty(wo, now=moment),
            reserved_by=actor,
            reserved_at=moment,
        )
        line.charge = _charge(line)
        line.save()
        _on_timeline(actor, wo, line, TIMELINE_RESERVE, now=moment)
    return line


def _release(actor: Any, work_order: Any, line: WorkOrderPart, *, reason: str, now: datetime) -> None:
    apply_changes(
        actor=actor,
        part_id=line.part_id,
        changes=[Change(line.warehouse_id, MoveKind.RELEASE, line.quantity, reserved=-line.quantity)],
        reason=reason,
        work_order_id=line.work_order_id,
        now=now,
    )
    line.status = Status.RELEASED
    line.closed_at = now
    line.save(update_fields=["status", "closed_at"])
    _on_timeline(actor, work_order, line, TIMELINE_RELEASE, now=now)


def work_order_part_release(
    *, actor: Any, work_order_id: int, line_id: int, now: datetime | None = None
) -> WorkOrderPart:
    """Give a reserved line back to its warehouse (``DELETE`` on the reservation)."""
    if not actor.has_perm(PERM_RESERVE):
        raise PermissionDenied()
    work_order_part_get(actor=actor, work_order_id=work_order_id, line_id=line_id)  # scope
    with transaction.atomic():
        wo = _locked_work_order(actor, work_order_id)
        line = WorkOrderPart.objects.select_for_update().get(pk=line_id)
        if line.status != Status.RESERVED:
            raise DomainError(PartsError.LINE_NOT_RESERVED, _("This line is no longer reserved."), status=409)
        _release(actor, wo, line, reason="", now=now or timezone.now())
    return line


def _open_lines(work_order_id: int) -> list[WorkOrderPart]:
    # Part, then warehouse: the stock engine's lock order across several lines.
    return list(
        WorkOrderPart.objects.select_for_update(of=("self",))
        .select_related("part", "warehouse")  # for the timeline; only the lines are locked
        .filter(work_order_id=work_order_id, status=Status.RESERVED)
        .order_by("part_id", "warehouse_id", "id")
    )


def consume_for_work_order(*, actor: Any, work_order: Any, now: datetime | None = None) -> list[WorkOrderPart]:
    """R-3.7: the reserved parts are used when the work order is resolved. Called by the
    resolve service inside its transaction (the work order is locked, its permission checked);
    fixes each line's charge for the warranty on the day of use."""
    moment = now or timezone.now()
    lines = _open_lines(work_order.pk)
    warranty = in_warranty(work_order, now=moment) if lines else False
    for line in lines:
        apply_changes(
            actor=actor,
            part_id=line.part_id,
            changes=[
                Change(
                    line.warehouse_id,
                    MoveKind.CONSUMPTION,
                    line.quantity,
                    on_hand=-line.quantity,
                    reserved=-line.quantity,
                )
            ],
            work_order_id=work_order.pk,
            now=moment,
        )
        line.status = Status.CONSUMED
        line.closed_at = moment
        line.in_warranty = warranty
        if not line.charge_overridden:
            line.charge = _charge(line)
        line.save(update_fields=["status", "closed_at", "in_warranty", "charge"])
        _on_timeline(actor, work_order, line, TIMELINE_CONSUME, now=moment)
    return lines


def release_for_work_order(
    *, actor: Any, work_order: Any, reason: str = "", now: datetime | None = None
) -> list[WorkOrderPart]:
    """Give back every reserved line of a work order that ends without a repair (inside the
    caller's transaction, the work order locked)."""
    moment = now or timezone.now()
    lines = _open_lines(work_order.pk)
    for line in lines:
        _release(actor, work_order, line, reason=reason, now=moment)
    return lines


def work_order_part_set_charge(
    *, actor: Any, work_order_id: int, line_id: int, charge: Decimal | str, reason: str
) -> WorkOrderPart:
    """An agent sets what the customer pays for a line, with the reason (kept on the line)."""
    if not actor.has_perm(PERM_OVERRIDE):
        raise PermissionDenied()
    text = check_reason(reason, required=True)
    try:
        amount = Decimal(str(charge))
    except (InvalidOperation, ValueError):
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10") or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed({"charge": _("Enter an amount of 0 or more with at most two decimals.")})
    work_order_part_get(actor=actor, work_order_id=work_order_id, line_id=line_id)  # scope
    with transaction.atomic():
        line = WorkOrderPart.objects.select_for_update().get(pk=line_id)
        if line.status == Status.RELEASED:
            raise DomainError(PartsError.LINE_NOT_RESERVED, _("This line was released."), status=409)
        line.charge = amount
        line.charge_overridden = True
        line.charge_reason = text
        line.save(update_fields=["charge", "charge_overridden", "charge_reason"])
    return line
