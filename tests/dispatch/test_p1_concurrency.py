"""R-5.1: two supervisors deciding the same P1 proposal at once: exactly one decides, the other
gets approval_decided (threads; SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from aftersales.dispatch import services
from aftersales.workorders.models import WorkOrderEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.certification_rule,
    pytest.mark.clock("2026-11-20T10:00:00+08:00"),  # the certifications of tests/dispatch/conftest.py hold then
]


def test_r5_1_concurrent_decisions_one_wins(world):
    wo = world.work_order("P1")
    approval = services.dispatch_assign(
        actor=world.dispatcher, work_order_id=wo.pk, technician_id=world.best.pk
    ).approval
    start = threading.Barrier(2)
    codes: list[str] = []

    def worker(actor, approve: bool) -> None:
        try:
            start.wait()
            services.approval_decide(actor=actor, approval_id=approval.pk, approve=approve, reason="不行")
            codes.append("ok")
        except Exception as exc:
            codes.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(world.supervisor, True)),
        threading.Thread(target=worker, args=(world.other_supervisor, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == ["approval_decided", "ok"]
    decided = WorkOrderEvent.objects.filter(work_order=wo, action__in=["dispatch_approved", "dispatch_refused"])
    assert decided.count() == 1
