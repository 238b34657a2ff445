"""R-13.2 / R-13.3: the access log is append-only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from aftersales.audit.models import AccessLog
from aftersales.audit.services import record
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def row() -> AccessLog:
    return record(actor=UserFactory(role="agent"), action="view", obj=CustomerFactory())


def test_row_cannot_be_updated(row):
    row.action = "export"
    with pytest.raises(RuntimeError, match="append-only"):
        row.save()
    row.refresh_from_db()
    assert row.action == "view"


def test_row_cannot_be_deleted(row):
    with pytest.raises(RuntimeError, match="append-only"):
        row.delete()
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_new_rows_are_written(row):
    record(actor=None, action="login", object_type="user", object_id="1")
    assert AccessLog.objects.count() == 2


# ---- in the database: whoever writes, not only the model (R-13.2) ----------------------------


def _raw(sql: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_r13_2_queryset_update_and_delete_are_refused_by_the_database(row):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(action="export")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.action == "view"


def test_r13_2_raw_sql_update_and_delete_are_refused_by_the_database(row):
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("UPDATE audit_accesslog SET object_repr = %s WHERE id = %s", ["forged", row.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM audit_accesslog WHERE id = %s", [row.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM audit_accesslog", [])
    assert AccessLog.objects.get(pk=row.pk).object_repr == row.object_repr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_r13_2_truncate_is_refused_by_the_database(row):
    _raw("SET CONSTRAINTS ALL IMMEDIATE", [])  # else the row's deferred foreign-key check blocks TRUNCATE first
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("TRUNCATE audit_accesslog", [])
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_r13_2_raw_sql_can_still_append(row):
    _raw(
        "INSERT INTO audit_accesslog (at, action, object_type, object_id, object_repr, detail) "
        "VALUES (%s, 'view', 'customer', '1', '', '{}')",
        [row.at],
    )
    assert AccessLog.objects.count() == 2
