"""The timeline is in the order things were recorded, to the second (R-3.5, issue 9): a
communication logged seconds after "开始处理" comes after it, though its own time was typed to
the minute; when it took place is shown as its content."""

from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.test import Client

from aftersales.workorders import services
from aftersales.workorders.models import WorkOrderEvent
from aftersales.workorders.selectors import work_order_timeline
from tests.factories import UserFactory, make_work_order, portal_user

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 25)


def _at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def started_then_called():
    """Started at 10:15:20; the technician's call to the customer recorded at 10:15:40 with the
    time the form offers, 10:15 (to the minute)."""
    agent = UserFactory(role="agent")
    tech = UserFactory(role="technician", display_name="赵师傅")
    with time_machine.travel(_at(10, 0), tick=False):
        wo = make_work_order(agent)
        services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    with time_machine.travel(_at(10, 15, 20), tick=False):
        services.work_order_start(actor=tech, work_order_id=wo.pk, mode="on_site")
    with time_machine.travel(_at(10, 15, 40), tick=False):
        services.communication_record(
            actor=tech,
            work_order_id=wo.pk,
            kind="call",
            direction="out",
            summary="已电话联系客户，约定11点上门",
            at=_at(10, 15),
        )
    return wo, tech


def test_r3_5_a_communication_recorded_after_start_in_the_same_minute_is_shown_after_it(started_then_called):
    wo, tech = started_then_called
    events = work_order_timeline(actor=tech, work_order_id=wo.pk)
    order = [(e.kind, e.action) for e in events]
    assert order.index(("status", "start")) < order.index(("communication", ""))
    call = events[-1]
    assert call.kind == WorkOrderEvent.Kind.COMMUNICATION
    assert call.at == _at(10, 15, 40)  # when it was recorded
    assert call.communication.at == _at(10, 15)  # when it took place, as typed


def test_r3_5_the_detail_page_lists_the_call_after_the_start_with_the_time_it_took_place(started_then_called):
    wo, tech = started_then_called
    client = Client()
    client.force_login(tech)
    page = client.get(f"/work-orders/{wo.pk}/").content.decode()
    timeline = page[page.index('id="h-timeline"') :]
    assert timeline.index("开始处理") < timeline.index("已电话联系客户")
    assert "发生于 2026-11-25 10:15" in timeline


def test_r13_1_the_customer_timeline_keeps_its_order_and_shows_no_communication(started_then_called):
    wo, _tech = started_then_called
    customer = portal_user(wo.customer)
    events = work_order_timeline(actor=customer, work_order_id=wo.pk)
    assert [e.action for e in events] == ["", "assign", "start"]
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_migration_moves_existing_communication_events_to_their_recording_time(started_then_called):
    """Events written before the change carried the communication's own time; migration 0006
    places them when the communication was recorded, and back again when reversed."""
    wo, _tech = started_then_called
    event = WorkOrderEvent.objects.get(work_order=wo, kind=WorkOrderEvent.Kind.COMMUNICATION)
    migration = importlib.import_module("aftersales.workorders.migrations.0006_communication_events_at_recording_time")

    migration.at_communication_time(apps, None)
    event.refresh_from_db()
    assert event.at == _at(10, 15)
    migration.at_recording_time(apps, None)
    event.refresh_from_db()
    assert event.at == event.communication.created_at == _at(10, 15, 40)
