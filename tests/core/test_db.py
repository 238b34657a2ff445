"""core.db.insert, the lean INSERT of intake's rows (R-3.1, R-13.2): what it writes must read back
exactly as the ORM's own INSERT would have written it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.audit.models import AccessLog
from aftersales.core.db import insert
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
