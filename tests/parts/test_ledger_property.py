"""The ledger is the truth (R-7.2): after any sequence of moves, each balance is the sum of its
moves, never below zero, and equals a plain model of what happened; ``parts_check`` agrees."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.errors import DomainError
from aftersales.parts.models import StockBalance
from aftersales.parts.selectors import stock_ledger_mismatches
from aftersales.parts.services import (
    stock_adjust,
    stock_receive,
    stock_transfer,
    work_order_part_release,
    work_order_part_reserve,
)
from aftersales.parts.services.reservations import consume_for_work_order
from tests.factories import PartFactory, UserFactory, WarehouseFactory, make_work_order

pytestmark = pytest.mark.django_db

OPS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "transfer", "adjust", "reserve", "release", "consume"]),
        st.integers(0, 1),  # part
        st.integers(0, 2),  # warehouse
        st.integers(0, 2),  # other warehouse
        st.integers(-4, 6),  # quantity
    ),
    max_size=25,
)


@pytest.fixture
def world():
    admin = UserFactory(role="admin")
    return admin, make_work_order(admin)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_r7_2_balance_is_the_sum_of_the_ledger_after_any_sequence_of_moves(world, ops):
    admin, wo = world
    parts = [PartFactory() for _ in range(2)]
    whs = [WarehouseFactory() for _ in range(3)]
    model = {(p, w): [0, 0] for p in range(2) for w in range(3)}  # on hand, reserved
    lines: list[tuple[object, int, int, int]] = []
    for op, p, w, other, qty in ops:
        part, wh = parts[p], whs[w]
        try:
            if op == "receive":
                stock_receive(actor=admin, part_id=part.pk, warehouse_id=wh.pk, quantity=qty)
                model[p, w][0] += qty
            elif op == "transfer":
                stock_transfer(
                    actor=admin, part_id=part.pk, warehouse_id=wh.pk, to_warehouse_id=whs[other].pk, quantity=qty
                )
                model[p, w][0] -= qty
                model[p, other][0] += qty
            elif op == "adjust":
                stock_adjust(actor=admin, part_id=part.pk, warehouse_id=wh.pk, quantity=qty, reason="盘点")
                model[p, w][0] += qty
            elif op == "reserve":
                line = work_order_part_reserve(
                    actor=admin, work_order_id=wo.pk, part_id=part.pk, warehouse_id=wh.pk, quantity=qty
                )
                model[p, w][1] += qty
                lines.append((line, p, w, qty))
            elif op == "release" and lines:
                line, lp, lw, lq = lines.pop(0)
                work_order_part_release(actor=admin, work_order_id=wo.pk, line_id=line.pk)
                model[lp, lw][1] -= lq
            elif op == "consume" and lines:
                from django.db import transaction

                with transaction.atomic():
                    consume_for_work_order(actor=admin, work_order=wo)
                for _line, lp, lw, lq in lines:
                    model[lp, lw][0] -= lq
                    model[lp, lw][1] -= lq
                lines.clear()
        except DomainError:
            pass  # refused: nothing may have changed (checked below against the model)
    for (p, w), (on_hand, reserved) in model.items():
        b = StockBalance.objects.filter(part=parts[p], warehouse=whs[w]).first()
        got = (b.on_hand, b.reserved) if b else (0, 0)
        assert got == (on_hand, reserved)
        assert on_hand >= reserved >= 0
    assert stock_ledger_mismatches() == []


def test_r7_2_parts_check_names_a_balance_that_differs_and_fails(world, capsys):
    admin, _wo = world
    part, wh = PartFactory(), WarehouseFactory()
    stock_receive(actor=admin, part_id=part.pk, warehouse_id=wh.pk, quantity=4)
    call_command("parts_check")
    assert "match the ledger" in capsys.readouterr().out
    with connection.cursor() as cursor:  # a balance written past the services
        cursor.execute("UPDATE parts_stockbalance SET on_hand = 7 WHERE part_id = %s", [part.pk])
    with pytest.raises(CommandError):
        call_command("parts_check")
    out = capsys.readouterr().out
    assert f"part {part.pk} warehouse {wh.pk}: on hand 7 (ledger 4)" in out
