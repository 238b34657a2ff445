"""R-6.5: repair-order numbers come from the counter row locked in the creating transaction, so
concurrent creates get distinct, gap-free numbers (threads; SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from aftersales.repairs import services
from aftersales.repairs.models import RepairOrder
from tests.factories import UserFactory, make_work_order

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4


def test_r6_5_concurrent_creates_get_distinct_gap_free_numbers():
    agent = UserFactory(role="agent")
    work_orders = [make_work_order(agent) for _ in range(THREADS * 2)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(batch: list) -> None:
        try:
            start.wait()
            for wo in batch:
                services.repair_order_create(actor=agent, work_order_id=wo.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(work_orders[i::THREADS],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(RepairOrder.objects.values_list("number", flat=True))
    assert numbers == [f"RR-{year}-{i:06d}" for i in range(1, THREADS * 2 + 1)]


def test_r6_5_two_creates_for_one_work_order_give_one_repair_order():
    """The work order's lock serialises them: one is created, the other refused (already open)."""
    agent = UserFactory(role="agent")
    wo = make_work_order(agent)
    start = threading.Barrier(2)
    codes: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            services.repair_order_create(actor=agent, work_order_id=wo.pk)
            codes.append("created")
        except Exception as exc:
            codes.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == ["created", "repair_order_already_open"]
    assert RepairOrder.objects.filter(work_order=wo).count() == 1
