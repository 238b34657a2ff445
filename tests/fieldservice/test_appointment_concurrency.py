"""No double booking under concurrent booking (R-6.1), on SQLite and PostgreSQL: four dispatchers
book the same technician's same slot for four work orders at once, twenty times; exactly one
wins each round, the others get ``appointment_conflict``."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from django.db import close_old_connections, connection

from aftersales.core.errors import DomainError
from aftersales.fieldservice.appointment_services import appointment_book
from aftersales.fieldservice.models import Appointment
from aftersales.sla.services import calendar_seed_years
from tests.factories import UserFactory, make_work_order
from tests.fieldservice.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4
ROUNDS = 20
NOW = at(2026, 11, 16, 7, 0)


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
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_r6_1_concurrent_bookings_of_one_slot_exactly_one_wins():
    calendar_seed_years(years=[2025, 2026])
    agent = UserFactory(role="agent")
    dispatchers = [UserFactory(role="dispatcher") for _ in range(THREADS)]
    technician = UserFactory(role="technician")
    orders = [[make_work_order(agent) for _ in range(ROUNDS)] for _ in range(THREADS)]
    # Overlapping, not identical, windows: each thread's slot starts 15 minutes after the last.
    starts = [at(2026, 11, 17, 8, 0) + dt.timedelta(hours=3 * r) for r in range(ROUNDS)]
    barrier = threading.Barrier(THREADS)
    won: list[int] = []
    refused: list[str] = []

    def dispatcher(index: int) -> None:
        for round_no, start in enumerate(starts):
            barrier.wait(timeout=60)
            begin = start + dt.timedelta(minutes=15 * index)
            try:
                appointment_book(
                    actor=dispatchers[index],
                    work_order_id=orders[index][round_no].pk,
                    technician_id=technician.pk,
                    starts_at=begin,
                    ends_at=begin + dt.timedelta(hours=2),
                    agreed_with="客户",
                    agreed_via="phone",
                    now=NOW,
                )
                won.append(round_no)
            except DomainError as exc:
                refused.append(exc.code)

    assert run_threads(THREADS, dispatcher) == []
    assert sorted(won) == list(range(ROUNDS))  # exactly one winner per round
    assert refused == ["appointment_conflict"] * (ROUNDS * (THREADS - 1))
    windows = sorted(Appointment.objects.filter(technician=technician).values_list("starts_at", "ends_at"))
    assert len(windows) == ROUNDS
    assert all(a_end <= b_start for (_s, a_end), (b_start, _e) in itertools.pairwise(windows))
    # The losers' work orders were not assigned (nothing half-saved).
    from aftersales.workorders.models import WorkOrder

    assert WorkOrder.objects.filter(assignee=technician).count() == ROUNDS
