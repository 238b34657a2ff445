"""The stock engine: every change of stock is a move in the ledger plus the change of its
balance row, in one transaction (R-7.1, R-7.2).

Concurrency: ``_lock`` takes the locks in one fixed order — the part row first, then its balance
rows by warehouse id — on PostgreSQL with ``SELECT … FOR UPDATE``. Every writer of stock goes
through it, so two writers of the same part queue on the part row (a transfer and a reservation
never wait for each other crosswise: no deadlock), and a balance row is created only while the
part is locked (no duplicate-row race). A caller that also locks a work order (reservation,
resolve) locks it before the part. On SQLite the transaction takes the write lock at BEGIN
(``transaction_mode=IMMEDIATE`` in settings), which serialises writers anyway. The check
"enough available" is made under the lock, and CHECK constraints on the balance are the last
line of defence.

Minimum levels: when a move takes a balance's available quantity under its minimum, the
holders of ``parts.receive_reorder_alert`` are told once, through the outbox in the same
transaction; the flag ``below_minimum`` is cleared when the balance is back at or above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from aftersales.core.db import insert
from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.core.outbox import Notice, notify_users
from aftersales.core.subjects import topic_for
from aftersales.parts.errors import InsufficientStock, PartsError
from aftersales.parts.models import MoveKind, Part, StockBalance, StockMove, Warehouse
from aftersales.parts.selectors import PERM_MOVE, part_get, warehouse_get

PERM_ALERT = "parts.receive_reorder_alert"
MAX_QUANTITY = 1_000_000
MAX_REASON = 255


@dataclass(frozen=True)
class Change:
    """One line of a move: what it does to one warehouse's balance of the locked part."""

    warehouse_id: int
    kind: str
    quantity: int
    on_hand: int = 0
    reserved: int = 0
    counterpart_id: int | None = None


def check_quantity(quantity: Any, *, field: str = "quantity", signed: bool = False) -> int:
    if type(quantity) is not int or quantity == 0 or abs(quantity) > MAX_QUANTITY or (quantity < 0 and not signed):
        raise ValidationFailed({field: _("Enter a whole number of units greater than 0.")})
    return quantity


def check_reason(reason: Any, *, required: bool = False) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if required and not text:
        raise ValidationFailed({"reason": _("Give the reason.")})
    if len(text) > MAX_REASON:
        raise ValidationFailed({"reason": _("At most %(max)d characters.") % {"max": MAX_REASON}})
    return text


def _lock(part_id: int, warehouse_ids: Sequence[int]) -> tuple[Part, dict[int, StockBalance]]:
    """Lock the part, then its balances in ``warehouse_ids`` by id, creating missing ones."""
    part = Part.objects.select_for_update().get(pk=part_id)
    wanted = sorted(set(warehouse_ids))
    balances = {
        b.warehouse_id: b
        for b in StockBalance.objects.select_for_update()
        .filter(part_id=part_id, warehouse_id__in=wanted)
        .order_by("warehouse_id")
    }
    for wid in wanted:
        if wid not in balances:
            balances[wid] = StockBalance.objects.create(part_id=part_id, warehouse_id=wid)
    return part, balances


def apply_changes(
    *,
    actor: Any,
    part_id: int,
    changes: Sequence[Change],
    reason: str = "",
    work_order_id: int | None = None,
    now: datetime | None = None,
) -> list[StockMove]:
    """Lock, check, write the moves and their balances. Runs inside the caller's transaction:
    the one road to a change of stock (only this module's and ``reservations``' services call it)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_changes runs inside the caller's transaction")
    moment = now or timezone.now()
    part, balances = _lock(part_id, [c.warehouse_id for c in changes])
    for c in changes:
        b = balances[c.warehouse_id]
        on_hand, reserved = b.on_hand + c.on_hand, b.reserved + c.reserved
        if reserved < 0:
            raise DomainError(PartsError.LINE_NOT_RESERVED, _("Fewer units are reserved here."), status=409)
        if on_hand < 0 or on_hand < reserved:
            # Available before this line, and what the line needed of it.
            raise InsufficientStock(available=b.available, requested=c.quantity)
        b.on_hand, b.reserved = on_hand, reserved
    moves = insert(
        [
            StockMove(
                kind=c.kind,
                part_id=part_id,
                warehouse_id=c.warehouse_id,
                quantity=c.quantity,
                on_hand_delta=c.on_hand,
                reserved_delta=c.reserved,
                counterpart_id=c.counterpart_id,
                work_order_id=work_order_id,
                reason=reason,
                actor_id=getattr(actor, "pk", None),
                created_at=moment,
            )
            for c in changes
        ]
    )
    alerts = []
    for b in balances.values():
        below = b.minimum > 0 and b.available < b.minimum
        if below and not b.below_minimum:
            alerts.append(b)
        b.below_minimum = below
        StockBalance.objects.filter(pk=b.pk).update(
            on_hand=b.on_hand, reserved=b.reserved, below_minimum=below, updated_at=moment
        )
    if alerts:
        _reorder_alert(part, alerts, key=f"move{moves[-1].pk}")
    return moves  # type: ignore[return-value]


def alert_recipients() -> list[Any]:
    from django.contrib.auth import get_user_model

    app_label, codename = PERM_ALERT.split(".")
    perm = Q(content_type__app_label=app_label, codename=codename)
    from django.contrib.auth.models import Permission

    perms = Permission.objects.filter(perm)
    users = get_user_model().objects.filter(is_active=True, customer__isnull=True)
    return list(
        users.filter(Q(is_superuser=True) | Q(groups__permissions__in=perms) | Q(user_permissions__in=perms))
        .distinct()
        .order_by("pk")
    )


def _reorder_alert(part: Part, balances: list[StockBalance], *, key: str) -> None:
    """Tell the stock managers once per crossing: the dedupe key names what crossed it."""
    warehouses = Warehouse.objects.in_bulk([b.warehouse_id for b in balances])
    notices = []
    with override("zh-hans"):
        for b in balances:
            wh = warehouses[b.warehouse_id]
            subject = gettext("Reorder: %(part)s") % {"part": part.code}
            body = gettext("%(part)s in %(warehouse)s: %(available)d available, minimum %(minimum)d.") % {
                "part": f"{part.code} {part.name}",
                "warehouse": wh.name,
                "available": b.available,
                "minimum": b.minimum,
            }
            for user in alert_recipients():
                notices.append(
                    Notice(
                        user,
                        subject,
                        body,
                        topic_for("part", part.pk),
                        dedupe_key_prefix=f"parts-reorder:{b.pk}:{key}:{user.pk}",
                        channels=("in_app", "email"),
                        kind="reorder",
                    )
                )
    notify_users(notices)


def _may_move(actor: Any) -> None:
    if not actor.has_perm(PERM_MOVE):
        raise PermissionDenied()


def _active(part: Part, *warehouses: Warehouse) -> None:
    if not part.active:
        raise DomainError(PartsError.PART_INACTIVE, _("This part is no longer used."), {"part_id": _("Inactive.")})
    for wh in warehouses:
        if not wh.active:
            raise DomainError(
                PartsError.WAREHOUSE_INACTIVE, _("This warehouse is closed."), {"warehouse_id": _("Closed.")}
            )


def stock_receive(
    *,
    actor: Any,
    part_id: int,
    warehouse_id: int,
    quantity: int,
    reason: str = "",
    now: datetime | None = None,
) -> StockMove:
    """Goods in (a delivery, opening stock)."""
    _may_move(actor)
    qty = check_quantity(quantity)
    text = check_reason(reason)
    part = part_get(actor=actor, part_id=part_id)
    wh = warehouse_get(actor=actor, warehouse_id=warehouse_id)
    _active(part, wh)
    with transaction.atomic():
        (move,) = apply_changes(
            actor=actor,
            part_id=part.pk,
            changes=[Change(wh.pk, MoveKind.RECEIPT, qty, on_hand=qty)],
            reason=text,
            now=now,
        )
    return move


def stock_transfer(
    *,
    actor: Any,
    part_id: int,
    warehouse_id: int,
    to_warehouse_id: int,
    quantity: int,
    reason: str = "",
    now: datetime | None = None,
) -> StockMove:
    """From one warehouse to another: a transfer-out and a transfer-in move; returns the first."""
    _may_move(actor)
    qty = check_quantity(quantity)
    text = check_reason(reason)
    part = part_get(actor=actor, part_id=part_id)
    source = warehouse_get(actor=actor, warehouse_id=warehouse_id)
    target = warehouse_get(actor=actor, warehouse_id=to_warehouse_id)
    if source.pk == target.pk:
        raise ValidationFailed({"to_warehouse_id": _("Choose another warehouse than the one it comes from.")})
    _active(part, source, target)
    with transaction.atomic():
        out, _in = apply_changes(
            actor=actor,
            part_id=part.pk,
            changes=[
                Change(source.pk, MoveKind.TRANSFER_OUT, qty, on_hand=-qty, counterpart_id=target.pk),
                Change(target.pk, MoveKind.TRANSFER_IN, qty, on_hand=qty, counterpart_id=source.pk),
            ],
            reason=text,
            now=now,
        )
    return out


def stock_adjust(
    *,
    actor: Any,
    part_id: int,
    warehouse_id: int,
    quantity: int,
    reason: str,
    now: datetime | None = None,
) -> StockMove:
    """A count's correction: ``quantity`` is signed (−2: two fewer than the books say); the
    reason is required. It cannot take away reserved units."""
    _may_move(actor)
    qty = check_quantity(quantity, signed=True)
    text = check_reason(reason, required=True)
    part = part_get(actor=actor, part_id=part_id)
    wh = warehouse_get(actor=actor, warehouse_id=warehouse_id)
    with transaction.atomic():
        (move,) = apply_changes(
            actor=actor,
            part_id=part.pk,
            changes=[Change(wh.pk, MoveKind.ADJUSTMENT, abs(qty), on_hand=qty)],
            reason=text,
            now=now,
        )
    return move


@idempotent(scope="parts.stock_move", model=StockMove)
def stock_move_create(
    *,
    actor: Any,
    kind: str,
    part_id: int,
    warehouse_id: int,
    quantity: int,
    to_warehouse_id: int | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
) -> StockMove:
    """The one front door of the stock-move form and ``POST /api/v1/stock-moves``."""
    if kind == MoveKind.RECEIPT:
        return stock_receive(actor=actor, part_id=part_id, warehouse_id=warehouse_id, quantity=quantity, reason=reason)
    if kind == "transfer":
        if to_warehouse_id is None:
            raise ValidationFailed({"to_warehouse_id": _("Choose the warehouse it goes to.")})
        return stock_transfer(
            actor=actor,
            part_id=part_id,
            warehouse_id=warehouse_id,
            to_warehouse_id=to_warehouse_id,
            quantity=quantity,
            reason=reason,
        )
    if kind == MoveKind.ADJUSTMENT:
        return stock_adjust(actor=actor, part_id=part_id, warehouse_id=warehouse_id, quantity=quantity, reason=reason)
    raise ValidationFailed({"kind": _("Choose receipt, transfer or adjustment.")})


def stock_issue(
    *,
    actor: Any,
    part_id: int,
    warehouse_id: int,
    quantity: int,
    reason: str = "",
    work_order_id: int | None = None,
    now: datetime | None = None,
) -> StockMove:
    """Parts used straight from a warehouse without a reservation (the factory workshop's
    repairs, R-6.5). For other apps' services, which check their own permission first (the
    repairer's); the part must be certified (R-7.1), the stock available. Call it inside your
    transaction, after locking your own parent row."""
    qty = check_quantity(quantity)
    text = check_reason(reason)
    part = Part.objects.filter(pk=part_id).first()
    wh = Warehouse.objects.filter(pk=warehouse_id).first()
    if part is None or wh is None:
        raise ValidationFailed({"part_id" if part is None else "warehouse_id": _("Not found.")})
    if not part.certified:
        raise not_certified()
    _active(part, wh)
    with transaction.atomic():
        (move,) = apply_changes(
            actor=actor,
            part_id=part.pk,
            changes=[Change(wh.pk, MoveKind.CONSUMPTION, qty, on_hand=-qty)],
            reason=text,
            work_order_id=work_order_id,
            now=now,
        )
    return move


def not_certified() -> DomainError:
    return DomainError(
        PartsError.PART_NOT_CERTIFIED,
        _("Only certified parts may be used (R-7.1)."),
        {"part_id": _("This part is not certified.")},
        status=422,
    )


def stock_minimum_set(*, actor: Any, part_id: int, warehouse_id: int, minimum: int) -> StockBalance:
    """Set the reorder level of a part in a warehouse; a level above what is available is a
    crossing too, and alerts once."""
    _may_move(actor)
    if type(minimum) is not int or not 0 <= minimum <= MAX_QUANTITY:
        raise ValidationFailed({"minimum": _("Enter a whole number, 0 or more.")})
    part = part_get(actor=actor, part_id=part_id)
    wh = warehouse_get(actor=actor, warehouse_id=warehouse_id)
    with transaction.atomic():
        _part, balances = _lock(part.pk, [wh.pk])
        b = balances[wh.pk]
        was_below = b.below_minimum
        b.minimum = minimum
        b.below_minimum = minimum > 0 and b.available < minimum
        b.save(update_fields=["minimum", "below_minimum", "updated_at"])
        if b.below_minimum and not was_below:
            _reorder_alert(part, [b], key=f"min{timezone.now().timestamp()}")
    return b
