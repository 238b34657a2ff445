"""Stock never goes below zero under concurrent use (R-7.2), on SQLite and PostgreSQL: eight
takers of the last unit, 50 times; transfers both ways against reservations, without deadlock."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import close_old_connections, connection

from aftersales.parts.errors import InsufficientStock
from aftersales.parts.models import StockBalance, WorkOrderPart
from aftersales.parts.selectors import stock_ledger_mismatches
from aftersales.parts.services import stock_transfer, work_order_part_reserve
from tests.factories import PartFactory, UserFactory, WarehouseFactory, make_work_order, stock_in

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
ROUNDS = 50


def run_threads(count: int, target) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            target(index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_r7_2_eight_takers_of_the_last_unit_exactly_one_wins_fifty_times():
    agent = UserFactory(role="agent")
    central = WarehouseFactory(kind="central")
    parts = [PartFactory() for _ in range(ROUNDS)]
    for part in parts:
        stock_in(part, central, 1)
    work_orders = [make_work_order(agent) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    won: list[tuple[int, int]] = []
    refused: list[tuple[int, int]] = []

    def taker(index: int) -> None:
        for round_no, part in enumerate(parts):
            barrier.wait(timeout=60)
            try:
                work_order_part_reserve(
                    actor=agent,
                    work_order_id=work_orders[index].pk,
                    part_id=part.pk,
                    warehouse_id=central.pk,
                    quantity=1,
                )
                won.append((round_no, index))
            except InsufficientStock as exc:
                refused.append((round_no, exc.available))

    assert run_threads(THREADS, taker) == []
    assert sorted(r for r, _i in won) == list(range(ROUNDS))  # exactly one winner per round
    assert len(refused) == ROUNDS * (THREADS - 1)
    assert {available for _r, available in refused} == {0}  # each loser is told none is left
    assert set(StockBalance.objects.filter(part__in=parts).values_list("on_hand", "reserved")) == {(1, 1)}
    assert WorkOrderPart.objects.count() == ROUNDS
    assert stock_ledger_mismatches() == []


def test_r7_2_transfers_both_ways_and_reservations_never_deadlock():
    """Each thread moves stock A→B or B→A or reserves in A or B, on the same parts: with the
    locks taken in one order (part, then warehouses by id) no two wait for each other."""
    admin = UserFactory(role="admin")
    a, b = WarehouseFactory(kind="central"), WarehouseFactory(kind="branch")
    parts = [PartFactory() for _ in range(3)]
    for part in parts:
        stock_in(part, a, 40)
        stock_in(part, b, 40)
    work_orders = [make_work_order(admin) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        rng = random.Random(index)
        barrier.wait(timeout=60)
        for _ in range(15):
            part = rng.choice(parts)
            source, target = (a, b) if rng.random() < 0.5 else (b, a)
            try:
                if index % 2:
                    stock_transfer(
                        actor=admin, part_id=part.pk, warehouse_id=source.pk, to_warehouse_id=target.pk, quantity=1
                    )
                else:
                    work_order_part_reserve(
                        actor=admin,
                        work_order_id=work_orders[index].pk,
                        part_id=part.pk,
                        warehouse_id=source.pk,
                        quantity=1,
                    )
            except InsufficientStock:
                pass

    assert run_threads(THREADS, worker) == []
    assert stock_ledger_mismatches() == []
    for part in parts:
        on_hand = sum(StockBalance.objects.filter(part=part).values_list("on_hand", flat=True))
        assert on_hand == 80  # transfers and reservations move no unit out of the two stores
