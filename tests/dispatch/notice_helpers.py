"""Helpers of the service-notice tests (R-5.3): a work order booked for a technician, a part."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import Client

from aftersales.fieldservice import appointment_services
from tests.factories import PartFactory

SH = ZoneInfo("Asia/Shanghai")
CLOCK = "2026-11-20T10:00:00+08:00"  # the certifications of tests/dispatch/conftest.py hold then
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)


def booked(world, technician=None, *, to_prepare="请清理空调下方空间"):
    """A P2 work order with an appointment tomorrow 09:00–11:00 (booking assigns the technician)."""
    wo = world.work_order()
    appointment_services.appointment_book(
        actor=world.dispatcher,
        work_order_id=wo.pk,
        technician_id=(technician or world.best).pk,
        starts_at=dt.datetime(2026, 11, 21, 9, 0, tzinfo=SH),
        ends_at=dt.datetime(2026, 11, 21, 11, 0, tzinfo=SH),
        agreed_with="李娜",
        agreed_via="phone",
        to_prepare=to_prepare,
        now=NOW,
    )
    wo.refresh_from_db()
    return wo


def part(world, **kwargs):
    p = PartFactory(**kwargs)
    return p


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
