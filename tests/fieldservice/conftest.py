from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.services import calendar_seed_years
from tests.factories import UserFactory, make_work_order, portal_user

SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def seeded(db):
    """The official 2026 calendar (National Day 1-7 Oct; 10 Oct, a Saturday, worked)."""
    calendar_seed_years(years=[2025, 2026])


class People:
    def __init__(self) -> None:
        self.agent = UserFactory(role="agent", display_name="坐席王")
        self.dispatcher = UserFactory(role="dispatcher", display_name="调度周")
        self.technician = UserFactory(role="technician", display_name="维修李")
        self.other_technician = UserFactory(role="technician", display_name="维修赵")
        self.expert = UserFactory(role="expert")
        self.qa = UserFactory(role="qa")
        self.quality = UserFactory(role="quality")
        self.executive = UserFactory(role="executive")
        self.admin = UserFactory(role="admin")
        self.supervisor = UserFactory(role="supervisor")


@pytest.fixture
def people(db) -> People:
    return People()


@pytest.fixture
def work_order(people):
    return make_work_order(people.agent)


@pytest.fixture
def customer_user(work_order):
    return portal_user(work_order.customer)
