"""core.db.insert, the lean INSERT of intake's rows (R-3.1, R-13.2): what it writes must read back
exactly as the ORM's own INSERT would have written it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.audit.models import AccessLog
from aftersales.core.db import _plain_types, insert
from aftersales.workorders.models import WorkOrderEvent
from tests.factories import UserFactory, make_work_order

pytestmark = pytest.mark.django_db


def test_r13_2_rows_read_back_as_written_with_their_ids():
    user = UserFactory()
    at = dt.datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows = [
        AccessLog(actor=user, action="view", object_type="workorder", object_id=str(i), detail={"页": i, "q": "漏水"})
        for i in range(3)
    ]
    insert(rows)
    for i, row in enumerate(rows):
        stored = AccessLog.objects.get(pk=row.pk)
        assert stored.object_id == str(i)  # each object got its own row's id
        assert stored.detail == {"页": i, "q": "漏水"}
        assert stored.actor_id == user.pk
        assert abs(stored.at - timezone.now()) < dt.timedelta(seconds=5)  # auto_now_add
    wo = make_work_order(UserFactory(role="agent"))
    event = WorkOrderEvent(work_order=wo, kind="note", actor=user, at=at, text="已联系客户")
    insert([event])
    assert WorkOrderEvent.objects.get(pk=event.pk).at == at  # the same instant, time zone kept


def test_saved_rows_and_mixed_models_are_refused():
    user = UserFactory()
    entry = AccessLog(actor=user, action="view", object_type="x", object_id="1")
    insert([entry])
    with pytest.raises(TypeError):
        insert([entry])
    with pytest.raises(TypeError):
        insert([AccessLog(actor=user, action="view", object_type="x", object_id="2"), user])
    assert AccessLog.objects.filter(object_type="x").count() == 1


# Every model intake and the outbox write with ``insert``.
INSERTED = (
    "workorders.WorkOrder",
    "workorders.WorkOrderEvent",
    "audit.AccessLog",
    "sla.WorkOrderTarget",
    "feedback.FaultReport",
    "core.OutboxMessage",
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**31),
    st.text(max_size=20),
)


@given(value=VALUES)
@settings(max_examples=60, deadline=None)
def test_r3_1_values_written_as_they_are_are_those_the_orm_prepares_unchanged(value):
    """``insert`` writes a value as it is only where the ORM's own preparation (``pre_save`` then
    ``get_db_prep_save``, on this database) would have given the very same value; every other
    value is prepared (so an auto_now_add time is still set, a JSON value still encoded)."""
    for label in INSERTED:
        model = apps.get_model(label)
        for field in model._meta.concrete_fields:
            if field.primary_key or type(value) not in _plain_types(field):
                continue
            obj = model()
            setattr(obj, field.attname, value)
            prepared = field.get_db_prep_save(field.pre_save(obj, True), connection)
            assert (prepared, type(prepared)) == (value, type(value)), (label, field.name)


def test_r3_1_times_json_and_automatic_values_are_always_prepared():
    fields = {f.name: f for f in apps.get_model("workorders.WorkOrder")._meta.concrete_fields}
    assert _plain_types(fields["created_at"]) == ()  # auto_now_add: set by pre_save
    assert _plain_types(fields["updated_at"]) == ()  # auto_now
    assert type(None) in _plain_types(fields["received_at"])
    assert dt.datetime not in _plain_types(fields["received_at"])
    detail = {f.name: f for f in AccessLog._meta.concrete_fields}["detail"]
    assert _plain_types(detail) == ()  # JSON: encoded
