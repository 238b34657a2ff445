"""R-13.2 / R-13.3: the access log is append-only."""

from __future__ import annotations

import pytest

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
