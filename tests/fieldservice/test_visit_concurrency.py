"""What two people can do to one service report at once (R-6.4), with threads on SQLite and
PostgreSQL: two supervisors approving the same report (one wins, the other is refused with a
code); approvals of different reports get distinct, gap-free archive numbers; a submit sent twice
at once with the same Idempotency-Key records it once."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from aftersales.core.errors import DomainError
from aftersales.fieldservice import visit_services as vs
from aftersales.fieldservice.models import Visit
from aftersales.workorders.models import WorkOrderEvent
from tests.fieldservice.conftest import People
from tests.fieldservice.visit_helpers import signed_visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _visit_permissions(db):
    """A transactional test's flush empties the grants; put the visit permissions back."""
    importlib.import_module("aftersales.fieldservice.migrations.0004_grant_visit_permissions").grant_permissions(apps)


def run_together(*calls) -> list[object]:
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(i: int) -> None:
        try:
            start.wait()
            results[i] = calls[i]()
        except DomainError as exc:
            results[i] = exc.code
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_supervisors_approve_the_same_report_one_wins_r_6_4():
    people = People()
    from tests.factories import UserFactory

    second = UserFactory(role="supervisor")
    visit = vs.visit_submit(actor=people.technician, visit_id=signed_visit(people).pk)
    results = run_together(
        lambda: vs.visit_approve(actor=people.supervisor, visit_id=visit.pk).archive_number,
        lambda: vs.visit_return(actor=second, visit_id=visit.pk, comment="补充测试结果").status,
    )
    assert results.count("visit_illegal_transition") == 1, results
    assert results[0] == "visit_illegal_transition" or str(results[0]).startswith("RPT-")
    assert results[1] in ("visit_illegal_transition", "returned")
    visit.refresh_from_db()
    assert visit.status in ("approved", "returned")


def test_concurrent_approvals_get_distinct_gap_free_archive_numbers_r_6_4():
    people = People()
    visits = [vs.visit_submit(actor=people.technician, visit_id=signed_visit(people).pk) for _ in range(4)]
    results = run_together(*(lambda v=v: vs.visit_approve(actor=people.supervisor, visit_id=v.pk) for v in visits))
    assert all(isinstance(r, Visit) for r in results), results
    numbers = sorted(Visit.objects.values_list("archive_number", flat=True))
    year = numbers[0][4:8]
    assert numbers == [f"RPT-{year}-{i:06d}" for i in range(1, 5)]


def test_a_submit_sent_twice_at_once_with_one_key_is_recorded_once():
    people = People()
    visit = signed_visit(people)
    results = run_together(
        lambda: vs.visit_submit(actor=people.technician, visit_id=visit.pk, idempotency_key="same").pk,
        lambda: vs.visit_submit(actor=people.technician, visit_id=visit.pk, idempotency_key="same").pk,
    )
    assert results[0] == visit.pk or results[1] == visit.pk
    assert all(r in (visit.pk, "conflict", "visit_illegal_transition") for r in results), results
    assert WorkOrderEvent.objects.filter(work_order=visit.work_order, action="report_submitted").count() == 1
