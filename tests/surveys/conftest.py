from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aftersales.sla.clocks import calendar_cache_clear
from aftersales.workorders.models import WorkOrder
from tests.factories import CustomerFactory, InstalledProductFactory, TeamFactory, UserFactory, make_work_order

SH = ZoneInfo("Asia/Shanghai")
GOOD_TEXT = "师傅上门很准时，问题一次解决了，谢谢"
GOOD = {"responsiveness": 9, "problem_solving": 8, "attitude": 10, "professionalism": 9, "communication": 9}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


def closed_work_order(closed_at: dt.datetime, *, email: str = "", technician: Any = None, **kwargs: Any) -> WorkOrder:
    """A work order through intake, marked closed at ``closed_at`` (the survey rules start there)."""
    agent = UserFactory(role="agent")
    customer = CustomerFactory(email=email, notification_channel="email" if email else "sms")
    wo = make_work_order(agent, InstalledProductFactory(customer=customer), **kwargs)
    if technician is None:
        technician = UserFactory(role="technician", team=TeamFactory(name="华东一组"))
    WorkOrder.objects.filter(pk=wo.pk).update(status="closed", closed_at=closed_at, assignee=technician)
    return WorkOrder.objects.get(pk=wo.pk)
