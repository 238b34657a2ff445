"""R-8.4 under concurrent intake (threads; SQLite and PostgreSQL): every report counts, the
incident opens once, each level is reached once and its owner told once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from aftersales.core.models import OutboxMessage
from aftersales.feedback.counting import fault_counts_check
from aftersales.feedback.models import FaultCounter, Incident, IncidentLevel
from tests.factories import ProductModelFactory, UserFactory, make_work_order
from tests.feedback.conftest import batch_product

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6
PER_THREAD = 8


def test_r8_4_concurrent_intakes_open_and_raise_exactly_once():
    agent = UserFactory(role="agent")
    UserFactory(role="supervisor", username="region-manager")
    UserFactory(role="expert", username="tech-dept")
    model = ProductModelFactory()
    for _ in range(5):
        make_work_order(agent, batch_product(model))
    products = [[batch_product(model) for _ in range(PER_THREAD)] for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(mine) -> None:
        try:
            start.wait()
            for product in mine:
                make_work_order(agent, product)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(mine,)) for mine in products]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    total = 5 + THREADS * PER_THREAD  # 53: past the threshold (10) and into level II (51)
    assert FaultCounter.objects.get(product_model=model).reports == total
    (incident,) = Incident.objects.filter(product_model=model)
    assert incident.reports == total
    assert incident.level == "II"
    assert list(IncidentLevel.objects.filter(incident=incident).values_list("level", "reports")) == [
        ("I", 10),
        ("II", 51),
    ]
    told = OutboxMessage.objects.filter(topic=f"incident:{incident.pk}", kind="incident_level", channel="in_app")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["region-manager", "tech-dept"]
    assert fault_counts_check() == []
