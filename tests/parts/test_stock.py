"""The stock ledger and its balances (R-7.1, R-7.2): moves, refusals, minimum levels, the
append-only guard."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from aftersales.core.errors import DomainError
from aftersales.core.models import OutboxMessage
from aftersales.parts.errors import InsufficientStock
from aftersales.parts.models import MoveKind, StockBalance, StockMove
from aftersales.parts.services import (
    stock_adjust,
    stock_minimum_set,
    stock_receive,
    stock_transfer,
)
from aftersales.parts.services.stock import stock_move_create
from tests.factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role="admin")


def balance(part, wh) -> StockBalance:
    return StockBalance.objects.get(part=part, warehouse=wh)


def test_r7_1_receipt_transfer_adjustment_write_moves_and_balances(admin):
    part, central, branch = PartFactory(), WarehouseFactory(), WarehouseFactory(kind="branch")
    stock_receive(actor=admin, part_id=part.pk, warehouse_id=central.pk, quantity=10)
    stock_transfer(actor=admin, part_id=part.pk, warehouse_id=central.pk, to_warehouse_id=branch.pk, quantity=4)
    stock_adjust(actor=admin, part_id=part.pk, warehouse_id=branch.pk, quantity=-1, reason="盘点少一个")
    assert (balance(part, central).on_hand, balance(part, branch).on_hand) == (6, 3)
    kinds = list(StockMove.objects.order_by("id").values_list("kind", "warehouse_id", "on_hand_delta"))
    assert kinds == [
        (MoveKind.RECEIPT, central.pk, 10),
        (MoveKind.TRANSFER_OUT, central.pk, -4),
        (MoveKind.TRANSFER_IN, branch.pk, 4),
        (MoveKind.ADJUSTMENT, branch.pk, -1),
    ]


def test_r7_2_transfer_of_more_than_available_is_refused_with_the_quantity(admin):
    part, central, branch = PartFactory(), WarehouseFactory(), WarehouseFactory(kind="branch")
    stock_receive(actor=admin, part_id=part.pk, warehouse_id=central.pk, quantity=2)
    with pytest.raises(InsufficientStock) as exc:
        stock_transfer(actor=admin, part_id=part.pk, warehouse_id=central.pk, to_warehouse_id=branch.pk, quantity=3)
    assert exc.value.code == "insufficient_stock"
    assert exc.value.as_dict()["available"] == 2
    assert balance(part, central).on_hand == 2
    assert StockMove.objects.count() == 1


def test_r7_2_adjustment_needs_a_reason_and_cannot_go_below_zero(admin):
    part, wh = PartFactory(), WarehouseFactory()
    with pytest.raises(DomainError) as exc:
        stock_adjust(actor=admin, part_id=part.pk, warehouse_id=wh.pk, quantity=3, reason=" ")
    assert exc.value.fields.keys() == {"reason"}
    with pytest.raises(InsufficientStock):
        stock_adjust(actor=admin, part_id=part.pk, warehouse_id=wh.pk, quantity=-1, reason="盘亏")


@pytest.mark.parametrize("quantity", [0, -3, 1.5, "2", True, 10**9])
def test_r7_2_a_quantity_must_be_a_positive_whole_number(admin, quantity):
    part, wh = PartFactory(), WarehouseFactory()
    with pytest.raises(DomainError) as exc:
        stock_receive(actor=admin, part_id=part.pk, warehouse_id=wh.pk, quantity=quantity)
    assert exc.value.code == "validation_error"


@pytest.mark.parametrize("role", ["agent", "technician", "executive", "customer"])
def test_r7_1_only_stock_managers_move_stock(role):
    part, wh = PartFactory(), WarehouseFactory()
    with pytest.raises(DomainError) as exc:
        stock_receive(actor=UserFactory(role=role), part_id=part.pk, warehouse_id=wh.pk, quantity=1)
    assert exc.value.code == "permission_denied"


def test_r7_2_the_database_refuses_to_change_or_delete_a_move(admin):
    part, wh = PartFactory(), WarehouseFactory()
    stock_receive(actor=admin, part_id=part.pk, warehouse_id=wh.pk, quantity=1)
    for statement in ("UPDATE parts_stockmove SET quantity = 5", "DELETE FROM parts_stockmove"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert StockMove.objects.get().quantity == 1


def test_r7_2_the_database_refuses_a_balance_below_zero(admin):
    part, wh = PartFactory(), WarehouseFactory()
    stock_receive(actor=admin, part_id=part.pk, warehouse_id=wh.pk, quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(part=part).update(reserved=2)


def _alerts():
    return OutboxMessage.objects.filter(kind="reorder", channel="in_app")


def test_r7_1_falling_below_the_minimum_alerts_once_until_it_is_back_above(admin):
    part, central, branch = PartFactory(), WarehouseFactory(), WarehouseFactory(kind="branch")
    stock_receive(actor=admin, part_id=part.pk, warehouse_id=central.pk, quantity=10)
    stock_minimum_set(actor=admin, part_id=part.pk, warehouse_id=central.pk, minimum=5)
    assert _alerts().count() == 0
    move = dict(actor=admin, part_id=part.pk, warehouse_id=central.pk, to_warehouse_id=branch.pk)
    stock_transfer(**move, quantity=5)  # 5 left: at the minimum, not under it
    assert not balance(part, central).below_minimum
    stock_transfer(**move, quantity=1)  # 4 < 5
    assert balance(part, central).below_minimum
    stock_transfer(**move, quantity=1)  # still under: no second alert
    assert _alerts().filter(recipient=admin).count() == 1
    assert "4" in _alerts().get(recipient=admin).body
    stock_receive(actor=admin, part_id=part.pk, warehouse_id=central.pk, quantity=10)
    assert not balance(part, central).below_minimum
    stock_transfer(**move, quantity=10)
    assert _alerts().filter(recipient=admin).count() == 2


def test_r7_1_reorder_alerts_go_to_the_holders_of_the_permission_only(admin):
    agent, supervisor = UserFactory(role="agent"), UserFactory(role="supervisor")
    part, wh = PartFactory(), WarehouseFactory()
    stock_minimum_set(actor=admin, part_id=part.pk, warehouse_id=wh.pk, minimum=1)
    assert set(_alerts().values_list("recipient", flat=True)) == {admin.pk, supervisor.pk}
    assert not _alerts().filter(recipient=agent).exists()


def test_r7_1_stock_move_front_door_is_idempotent(admin):
    part, wh = PartFactory(), WarehouseFactory()
    args = dict(actor=admin, kind="receipt", part_id=part.pk, warehouse_id=wh.pk, quantity=3)
    first = stock_move_create(**args, idempotency_key="k1")
    again = stock_move_create(**args, idempotency_key="k1")
    assert first.pk == again.pk
    assert balance(part, wh).on_hand == 3


def test_r7_1_the_reorder_alert_links_to_the_part_for_those_who_see_parts(admin):
    from aftersales.core.subjects import subjects_shown

    part, wh = PartFactory(), WarehouseFactory()
    stock_minimum_set(actor=admin, part_id=part.pk, warehouse_id=wh.pk, minimum=1)
    topic = _alerts().get(recipient=admin).topic
    assert subjects_shown(actor=admin, topics=[topic])[topic].url == f"/parts/{part.pk}/"
    assert subjects_shown(actor=UserFactory(role="dispatcher"), topics=[topic]) == {}


def test_r7_1_the_lists_of_balances_page_on(admin):
    """The under-minimum list and a warehouse's stock go on past their first page (keyset)."""
    from aftersales.parts.selectors import below_minimum, warehouse_stock

    wh = WarehouseFactory()
    parts = [PartFactory() for _ in range(5)]
    for part in parts:
        stock_minimum_set(actor=admin, part_id=part.pk, warehouse_id=wh.pk, minimum=1)
    first = below_minimum(actor=admin, page_size=2)
    seen = [b.part_id for b in first.items]
    cursor = first.next_cursor
    while cursor:
        page = below_minimum(actor=admin, page_size=2, cursor=cursor)
        seen += [b.part_id for b in page.items]
        cursor = page.next_cursor
    assert sorted(seen) == sorted(p.pk for p in parts)
    _wh, stock = warehouse_stock(actor=admin, warehouse_id=wh.pk, page_size=3)
    _wh, rest = warehouse_stock(actor=admin, warehouse_id=wh.pk, page_size=3, cursor=stock.next_cursor)
    assert len(stock.items) + len(rest.items) == 5
