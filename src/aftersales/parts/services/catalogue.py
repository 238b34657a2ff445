"""Parts and warehouses (R-7.1): created and changed by the holders of the model permissions."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.core.models import Region
from aftersales.core.validation import field_errors, model_update
from aftersales.parts.models import Part, Warehouse

PART_FIELDS = ("code", "name", "specification", "certified", "unit", "unit_cost", "customer_price", "active")
MAX_MODELS = 500


def _money(value: Any, field: str, errors: dict[str, Any]) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter an amount, such as 12.50.")
        return Decimal(0)
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10") or amount != amount.quantize(Decimal("0.01")):
        errors[field] = _("Enter an amount of 0 or more with at most two decimals.")
        return Decimal(0)
    return amount


def _models(ids: Iterable[int] | None, errors: dict[str, Any]) -> list[int]:
    from aftersales.catalog.models import ProductModel

    wanted = sorted(set(ids or ()))
    if len(wanted) > MAX_MODELS:
        errors["compatible_model_ids"] = _("At most %(max)d models.") % {"max": MAX_MODELS}
        return []
    found = set(ProductModel.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if len(found) != len(wanted):
        errors["compatible_model_ids"] = _("Unknown product model.")
    return wanted


@idempotent(scope="parts.part_create", model=Part)
def part_create(
    *,
    actor: Any,
    code: str,
    name: str,
    certified: bool = False,
    unit_cost: Decimal | str | int = 0,
    customer_price: Decimal | str | int = 0,
    specification: str = "",
    unit: str = "pcs",
    compatible_model_ids: Iterable[int] | None = None,
    active: bool = True,
    idempotency_key: str | None = None,
) -> Part:
    if not actor.has_perm("parts.add_part"):
        raise PermissionDenied()
    errors: dict[str, Any] = {}
    part = Part(
        code=(code or "").strip(),
        name=(name or "").strip(),
        specification=(specification or "").strip(),
        certified=bool(certified),
        unit=(unit or "").strip() or "pcs",
        unit_cost=_money(unit_cost, "unit_cost", errors),
        customer_price=_money(customer_price, "customer_price", errors),
        active=bool(active),
    )
    errors = {**field_errors(part, PART_FIELDS), **errors}
    model_ids = _models(compatible_model_ids, errors)
    if "code" not in errors and Part.objects.filter(code=part.code).exists():
        errors["code"] = _("A part with this part number exists.")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        part.save()
        part.compatible_models.set(model_ids)
    return part


def part_update(*, actor: Any, part_id: int, data: dict[str, Any]) -> Part:
    from aftersales.parts.selectors import part_get

    if not actor.has_perm("parts.change_part"):
        raise PermissionDenied()
    part = part_get(actor=actor, part_id=part_id)
    errors: dict[str, Any] = {}
    values = dict(data)
    for field in ("unit_cost", "customer_price"):
        if field in values:
            values[field] = _money(values[field], field, errors)
    model_ids = values.pop("compatible_model_ids", None)
    if model_ids is not None:
        model_ids = _models(model_ids, errors)
    with transaction.atomic():
        model_update(instance=part, fields=PART_FIELDS[1:], data=values, errors=errors)
        if model_ids is not None:
            part.compatible_models.set(model_ids)
    return part


@idempotent(scope="parts.warehouse_create", model=Warehouse)
def warehouse_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    region_id: int | None = None,
    holder_id: int | None = None,
    idempotency_key: str | None = None,
) -> Warehouse:
    """A van needs its technician (``holder_id``), one van each; the stores have none."""
    if not actor.has_perm("parts.add_warehouse"):
        raise PermissionDenied()
    wh = Warehouse(code=(code or "").strip(), name=(name or "").strip(), kind=kind)
    errors: dict[str, Any] = field_errors(wh, ("code", "name", "kind"))
    if region_id is not None:
        if not Region.objects.filter(pk=region_id).exists():
            errors["region_id"] = _("Unknown region.")
        wh.region_id = region_id
    if kind == Warehouse.Kind.VAN:
        holder = get_user_model().objects.filter(pk=holder_id or 0, is_active=True, customer__isnull=True).first()
        if holder is None:
            errors["holder_id"] = _("Choose the technician who holds the van.")
        elif Warehouse.objects.filter(kind=Warehouse.Kind.VAN, holder=holder).exists():
            errors["holder_id"] = _("This technician already has a van.")
        else:
            wh.holder = holder
    elif holder_id is not None:
        errors["holder_id"] = _("Only a van has a holder.")
    if "code" not in errors and Warehouse.objects.filter(code=wh.code).exists():
        errors["code"] = _("A warehouse with this code exists.")
    if errors:
        raise ValidationFailed(errors)
    wh.save()
    return wh
