"""Parts used in a factory repair (R-6.5): taken from the factory's (central) warehouse through
the parts ledger (``parts.services.stock_issue``: certified parts only, never below zero), in the
repair order's transaction, on its timeline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.repairs import services
from aftersales.repairs.errors import RepairErrorCode
from aftersales.repairs.models import RepairPart


def factory_warehouse() -> Any:
    """The factory's warehouse: the central store (the first active one)."""
    from aftersales.parts.models import Warehouse

    return Warehouse.objects.filter(kind=Warehouse.Kind.CENTRAL, active=True).order_by("pk").first()


@idempotent(scope="repair_order_use_part", model=RepairPart)
def repair_order_use_part(
    *,
    actor: Any,
    repair_order_id: int,
    part_id: int,
    quantity: int,
    note: str = "",
    idempotency_key: str | None = None,
) -> RepairPart:
    """The repairer takes ``quantity`` of a part from the factory warehouse for this repair: one
    consumption move in the ledger (refused ``insufficient_stock`` / ``part_not_certified`` by
    the parts services) and a line on the repair order."""
    from aftersales.parts.services import stock_issue

    note = services.text_value(note, "note", limit=200)
    if type(quantity) is not int or quantity <= 0:
        raise ValidationFailed({"quantity": _("Give a whole number above 0.")})
    warehouse = factory_warehouse()
    if warehouse is None:
        raise DomainError(
            RepairErrorCode.NO_FACTORY_WAREHOUSE, _("No central warehouse is set up for the factory."), status=409
        )
    now = timezone.now()
    with transaction.atomic():
        ro, wo = services.lock_for(actor, repair_order_id, services.USE_PART)  # the repairer, in repair
        move = stock_issue(
            actor=actor,
            part_id=part_id,
            warehouse_id=warehouse.pk,
            quantity=quantity,
            reason=f"{ro.number} {note}".strip(),
            work_order_id=wo.pk,
            now=now,
        )
        line = RepairPart.objects.create(
            repair_order=ro,
            part_id=part_id,
            warehouse=warehouse,
            quantity=quantity,
            stock_move=move,
            used_by=actor,
            used_at=now,
        )
        part = line.part
        services.record_event(
            ro,
            wo,
            actor,
            services.USE_PART,
            text=f"{part.code} {part.name} × {quantity}" + (f" · {note}" if note else ""),
            at=now,
            data={"part": part.pk, "quantity": quantity, "warehouse": warehouse.pk, "stock_move": move.pk},
        )
        record(
            actor=actor, action="change", verb=services.USE_PART, obj=ro, detail={"part": part.pk, "quantity": quantity}
        )
    return line
