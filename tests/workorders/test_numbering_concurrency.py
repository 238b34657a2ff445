"""R-3.1 numbers are unique and gap-free under concurrent creation, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from aftersales.workorders.models import WorkOrder
from tests.factories import InstalledProductFactory, UserFactory, make_work_order

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6
PER_THREAD = 5


def test_r3_1_concurrent_creation_gives_unique_gap_free_numbers():
    agent = UserFactory(role="agent")
    product = InstalledProductFactory()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            for _ in range(PER_THREAD):
                make_work_order(agent, product)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    numbers = sorted(WorkOrder.objects.values_list("number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"SR-{year}-{i:06d}" for i in range(1, THREADS * PER_THREAD + 1)]


def test_r3_1_concurrent_retries_with_one_idempotency_key_create_one_work_order():
    agent = UserFactory(role="agent")
    product = InstalledProductFactory()
    start = threading.Barrier(THREADS)
    ids: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            ids.append(make_work_order(agent, product, idempotency_key="retry-42").pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(ids)) == 1
    assert WorkOrder.objects.count() == 1
