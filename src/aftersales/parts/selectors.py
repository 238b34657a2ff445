"""Every read of the parts app, already scoped to the actor (STYLE.md rule 3).

Who sees what (R-7, R-13.1):
- ``parts.view_stock`` (administrators, supervisors, agents, executives): every warehouse.
- ``parts.reserve_part`` without ``view_stock`` (technicians): the warehouses they may take parts
  from — their own van and the central and branch stores; not other technicians' vans nor the
  factory workshop — and, through ``workorders.selectors``, only the jobs they hold.
- A customer sees nothing of stock; on their own work order they see the parts lines that were
  reserved or used, with the charge (``work_order_parts``: the portal and the API read it).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from aftersales.core.errors import NotFound
from aftersales.core.pagination import Page, keyset_page
from aftersales.parts.models import Part, StockBalance, StockMove, Warehouse, WorkOrderPart

PERM_VIEW_PART = "parts.view_part"
PERM_VIEW_STOCK = "parts.view_stock"
PERM_RESERVE = "parts.reserve_part"
PERM_MOVE = "parts.move_stock"
PERM_OVERRIDE = "parts.override_charge"
TAKE_FROM = (Warehouse.Kind.CENTRAL, Warehouse.Kind.BRANCH)


def _staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and not getattr(actor, "customer_id", None)


def stock_visible(actor: Any) -> bool:
    """Whether the actor sees any stock at all (the menu entry, the pages)."""
    return _staff(actor) and (actor.has_perm(PERM_VIEW_STOCK) or actor.has_perm(PERM_RESERVE))


def warehouse_scope(*, actor: Any) -> QuerySet[Warehouse]:
    qs = Warehouse.objects.all()
    if not _staff(actor):
        return qs.none()
    if actor.has_perm(PERM_VIEW_STOCK):
        return qs
    if actor.has_perm(PERM_RESERVE):
        return qs.filter(Q(kind__in=TAKE_FROM) | Q(kind=Warehouse.Kind.VAN, holder=actor))
    return qs.none()


def _in_scope(qs: QuerySet[Any], actor: Any) -> QuerySet[Any]:
    """Rows of the warehouses the actor sees: no condition for those who see them all (so the
    database walks the list's own index), else the few ids of theirs."""
    if _staff(actor) and actor.has_perm(PERM_VIEW_STOCK):
        return qs
    return qs.filter(warehouse_id__in=list(warehouse_scope(actor=actor).values_list("pk", flat=True)))


def warehouse_get(*, actor: Any, warehouse_id: int) -> Warehouse:
    found = warehouse_scope(actor=actor).select_related("region", "holder").filter(pk=warehouse_id).first()
    if found is None:
        raise NotFound()
    return found


def warehouse_list(*, actor: Any) -> list[Warehouse]:
    return list(warehouse_scope(actor=actor).select_related("region", "holder").order_by("kind", "code"))


def part_scope(*, actor: Any) -> QuerySet[Part]:
    if not _staff(actor) or not actor.has_perm(PERM_VIEW_PART):
        return Part.objects.none()
    return Part.objects.all()


def part_get(*, actor: Any, part_id: int) -> Part:
    found = part_scope(actor=actor).filter(pk=part_id).first()
    if found is None:
        raise NotFound()
    return found


def part_list(
    *,
    actor: Any,
    q: str = "",
    certified: bool | None = None,
    active: bool | None = True,
    cursor: str | None = None,
    page_size: int = 50,
) -> Page[Part]:
    """Parts by part number; ``q`` matches the start of the part number or the name (the
    catalogue is thousands of rows: prefix searches use the unique index on ``code``)."""
    qs = part_scope(actor=actor)
    text = q.strip()
    if text:
        qs = qs.filter(Q(code__istartswith=text) | Q(name__istartswith=text))
    if certified is not None:
        qs = qs.filter(certified=certified)
    if active is not None:
        qs = qs.filter(active=active)
    return keyset_page(qs, sort_field="code", descending=False, cursor=cursor, page_size=page_size)


def part_stock(*, actor: Any, part_id: int) -> list[StockBalance]:
    """The part's balance in every warehouse the actor sees (one indexed query on the balances,
    never a sum over the ledger)."""
    part = part_get(actor=actor, part_id=part_id)
    return list(
        _in_scope(StockBalance.objects.filter(part=part), actor)
        .select_related("warehouse")
        .order_by("warehouse__kind", "warehouse__code")
    )


def warehouse_stock(
    *, actor: Any, warehouse_id: int, q: str = "", cursor: str | None = None, page_size: int = 100
) -> tuple[Warehouse, Page[StockBalance]]:
    warehouse = warehouse_get(actor=actor, warehouse_id=warehouse_id)
    qs = StockBalance.objects.filter(warehouse=warehouse).select_related("part")
    text = q.strip()
    if text:
        qs = qs.filter(Q(part__code__istartswith=text) | Q(part__name__istartswith=text))
    return warehouse, keyset_page(qs, sort_field="id", descending=False, cursor=cursor, page_size=page_size)


def below_minimum(
    *, actor: Any, warehouse_id: int | None = None, cursor: str | None = None, page_size: int = 100
) -> Page[StockBalance]:
    """The balances under their minimum level (R-7.1): the partial index on ``below_minimum``."""
    qs = _in_scope(StockBalance.objects.filter(below_minimum=True), actor)
    if warehouse_id is not None:
        qs = qs.filter(warehouse_id=warehouse_id)
    page = keyset_page(qs, sort_field="id", descending=False, cursor=cursor, page_size=page_size)
    _load(page.items, "part", "warehouse")
    return page


def _load(balances: list[StockBalance], *relations: str) -> None:
    """Fetch the rows' part and warehouse in one query each (``keyset_page`` loads bare rows)."""
    for name in relations:
        model = {"part": Part, "warehouse": Warehouse}[name]
        ids = {getattr(b, f"{name}_id") for b in balances}
        by_id = model._default_manager.in_bulk(ids) if ids else {}
        for b in balances:
            setattr(b, name, by_id[getattr(b, f"{name}_id")])


def stock_moves(
    *,
    actor: Any,
    part_id: int | None = None,
    warehouse_id: int | None = None,
    cursor: str | None = None,
    page_size: int = 50,
) -> Page[StockMove]:
    """The ledger, newest first, of the warehouses the actor sees."""
    qs = _in_scope(StockMove.objects.all(), actor)
    if part_id is not None:
        qs = qs.filter(part_id=part_id)
    if warehouse_id is not None:
        qs = qs.filter(warehouse_id=warehouse_id)
    page = keyset_page(qs, sort_field="created_at", descending=True, cursor=cursor, page_size=page_size, count=False)
    ids = {m.part_id for m in page.items}
    parts = Part.objects.in_bulk(ids) if ids else {}
    wids = {m.warehouse_id for m in page.items} | {m.counterpart_id for m in page.items if m.counterpart_id}
    warehouses = Warehouse.objects.in_bulk(wids) if wids else {}
    for m in page.items:
        m.part = parts[m.part_id]
        m.warehouse = warehouses[m.warehouse_id]
        if m.counterpart_id:
            m.counterpart = warehouses[m.counterpart_id]
    return page


def work_order_parts(*, actor: Any, work_order_id: int) -> list[WorkOrderPart]:
    """The parts lines of a work order the actor may see (404 otherwise): staff see every line,
    a customer the lines reserved or used on their own work order, never the released ones."""
    from aftersales.workorders.selectors import work_order_get

    work_order = work_order_get(actor=actor, work_order_id=work_order_id)
    qs = WorkOrderPart.objects.filter(work_order=work_order).select_related("part", "warehouse")
    if not _staff(actor):
        qs = qs.exclude(status=WorkOrderPart.Status.RELEASED)
    return list(qs.order_by("reserved_at", "id"))


def work_order_part_get(*, actor: Any, work_order_id: int, line_id: int) -> WorkOrderPart:
    for line in work_order_parts(actor=actor, work_order_id=work_order_id):
        if line.pk == line_id:
            return line
    raise NotFound()


def stock_ledger_mismatches() -> list[tuple[int, int, int, int, int, int]]:
    """Every balance that is not the sum of its moves (the ledger is the truth, R-7.2):
    ``(part_id, warehouse_id, on_hand, ledger on hand, reserved, ledger reserved)``. Also a move
    without a balance row. Not scoped: the consistency check of ``manage.py parts_check``."""
    from django.db.models import Sum

    sums = {
        (row["part_id"], row["warehouse_id"]): (row["on_hand"] or 0, row["reserved"] or 0)
        for row in StockMove.objects.order_by()
        .values("part_id", "warehouse_id")
        .annotate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
    }
    found = []
    for part_id, warehouse_id, on_hand, reserved in StockBalance.objects.order_by(
        "part_id", "warehouse_id"
    ).values_list("part_id", "warehouse_id", "on_hand", "reserved"):
        ledger_on_hand, ledger_reserved = sums.pop((part_id, warehouse_id), (0, 0))
        if (on_hand, reserved) != (ledger_on_hand, ledger_reserved):
            found.append((part_id, warehouse_id, on_hand, ledger_on_hand, reserved, ledger_reserved))
    for (part_id, warehouse_id), (ledger_on_hand, ledger_reserved) in sorted(sums.items()):
        found.append((part_id, warehouse_id, 0, ledger_on_hand, 0, ledger_reserved))
    return found


def part_by_code(*, actor: Any, code: str) -> Part | None:
    """The part with this part number among those the actor sees (forms type part numbers)."""
    text = (code or "").strip()
    if not text:
        return None
    return part_scope(actor=actor).filter(code=text).first()


def compatible_parts(*, actor: Any, product_model_id: int | None, limit: int = 50) -> list[Part]:
    """Certified, active parts for a product model: the reserve form's suggestions."""
    if product_model_id is None:
        return []
    return list(
        part_scope(actor=actor)
        .filter(compatible_models=product_model_id, certified=True, active=True)
        .order_by("code")[:limit]
    )


def own_van(*, actor: Any) -> Warehouse | None:
    if not _staff(actor):
        return None
    return Warehouse.objects.filter(kind=Warehouse.Kind.VAN, holder=actor, active=True).first()


def part_line_totals(lines: list[WorkOrderPart]) -> Any:
    """The customer's total for the lines not released."""
    from decimal import Decimal

    return sum((line.charge for line in lines if line.status != WorkOrderPart.Status.RELEASED), Decimal(0))


def part_subjects(reader: Any, ids: list[int]) -> dict[int, Any]:
    """The parts of notifications (the reorder alerts) as ``reader`` may see them (core.subjects)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from aftersales.core.subjects import Subject

    rows = part_scope(actor=reader).filter(pk__in=ids).values_list("pk", "code")
    return {pk: Subject(gettext_lazy("Spare part"), code, reverse("parts:detail", args=[pk])) for pk, code in rows}
