from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.repairs import services, shipping
from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.services import calendar_seed_years
from tests.factories import InstalledProductFactory, UserFactory, make_work_order, portal_user

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
        self.dispatcher = UserFactory(role="dispatcher")
        self.technician = UserFactory(role="technician", display_name="维修李")
        self.other_technician = UserFactory(role="technician", display_name="维修赵")
        self.expert = UserFactory(role="expert")
        self.qa = UserFactory(role="qa", display_name="质检陈")
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


@pytest.fixture
def other_customer_user(db):
    return portal_user(InstalledProductFactory().customer)


def walk(people, work_order, *, to: str):
    """A repair order through the real services up to the status ``to``."""
    ro = services.repair_order_create(actor=people.agent, work_order_id=work_order.pk, fault="不制冷")
    steps = [
        (
            "received",
            lambda: services.repair_order_receive(
                actor=people.agent, repair_order_id=ro.pk, condition="外壳完好", accessories=["power_cord", "remote"]
            ),
        ),
        (
            "assigned",
            lambda: services.repair_order_assign(
                actor=people.agent, repair_order_id=ro.pk, repairer_id=people.technician.pk
            ),
        ),
        (
            "repairing",
            lambda: services.repair_order_diagnose(
                actor=people.technician, repair_order_id=ro.pk, diagnosis="压缩机启动电容损坏"
            ),
        ),
        (
            "inspecting",
            lambda: services.repair_order_repair_done(
                actor=people.technician, repair_order_id=ro.pk, repair_notes="更换启动电容"
            ),
        ),
        ("passed", lambda: services.repair_order_inspect(actor=people.qa, repair_order_id=ro.pk, result="pass")),
        (
            "shipped",
            lambda: shipping.repair_order_ship(
                actor=people.agent, repair_order_id=ro.pk, tracking_number="EA123456789CN"
            ),
        ),
    ]
    for _status, step in steps:
        if ro.status == to:
            break
        step()
        ro.refresh_from_db()
    assert ro.status == to
    return ro
