"""R-5.3: two dispatchers issue service notices at once: distinct, consecutive numbers, and of one
work order exactly one notice stays current (threads; SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from aftersales.dispatch import notices
from aftersales.dispatch.models import ServiceNotice
from tests.dispatch.notice_helpers import CLOCK, NOW, booked
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clock(CLOCK)]


def run_together(calls) -> list[str]:
    start = threading.Barrier(len(calls))
    results: list[str] = []

    def worker(call) -> None:
        try:
            start.wait()
            results.append(call().number)
        except Exception as exc:
            results.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("same_work_order", [True, False])
def test_r5_3_two_dispatchers_at_once_get_consecutive_numbers(world, same_work_order):
    first = booked(world)
    second = first if same_work_order else booked(world, world.near)
    other_dispatcher = UserFactory(role="dispatcher")
    numbers = run_together(
        [
            lambda: notices.service_notice_issue(actor=world.dispatcher, work_order_id=first.pk, now=NOW),
            lambda: notices.service_notice_issue(actor=other_dispatcher, work_order_id=second.pk, now=NOW),
        ]
    )
    assert sorted(numbers) == ["SN-2026-000001", "SN-2026-000002"]
    current = ServiceNotice.objects.filter(superseded_at__isnull=True).count()
    assert current == (1 if same_work_order else 2)
