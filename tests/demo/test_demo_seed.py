"""``manage.py demo_seed`` (the ``demo`` app): the demo data set that ``make run`` loads into an
empty database."""

from __future__ import annotations

import datetime as dt
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.catalog.models import FaultCategory
from aftersales.core.models import OutboxMessage
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.feedback.demo import DEMO_BATCH, DEMO_BATCH_REPORTS
from aftersales.feedback.models import Incident
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import Status
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LOGINS = ["admin", "agent", "dispatcher", "tech", "supervisor", "qa", "executive", "customer"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("demo_seed", *args, stdout=out)
    return out.getvalue()


# Known failure, left open (closing note of 2026-12-02): on PostgreSQL, after the rest of the suite,
# the demo at a small scale leaves no acknowledged work order and fewer visits; alone it passes.
_PG_AFTER_THE_SUITE = pytest.mark.xfail(
    "postgres" in os.environ.get("DATABASE_URL", ""), reason="demo on PostgreSQL after the suite", strict=False
)


@_PG_AFTER_THE_SUITE
def test_demo_seed_fills_an_empty_database_with_every_status_and_the_logins():
    """Counts follow --scale (full size: 200 customers, 500 products, 1,000 work orders); every
    R-3.5 status is present; the eight demo logins work with the password `aftersales`."""
    output = seed("--if-empty", "--scale", "0.05")

    assert Customer.objects.count() == 10
    # besides, one batch's run of faults (feedback.demo) that crosses level II.
    assert InstalledProduct.objects.count() == 25 + DEMO_BATCH_REPORTS
    assert WorkOrder.objects.count() == 50 + DEMO_BATCH_REPORTS
    assert Incident.objects.filter(batch=DEMO_BATCH, level="II").exists()
    assert set(WorkOrder.objects.values_list("status", flat=True)) == set(Status.values)
    for username in LOGINS:
        user = User.objects.get(username=username)
        assert user.check_password("aftersales"), username
        assert f"  {username} " in output
    assert "aftersales" in output

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.has_role("admin")
    portal = User.objects.get(username="customer")
    assert portal.customer is not None
    assert portal.customer.work_orders.count() >= 3
    assert WorkOrder.objects.filter(assignee__username="tech").exists()


def test_demo_history_is_consistent_in_time():
    """R-3.5 timelines: each work order's events lie between its received time and now, in
    order, and no demo notification is left for the worker to send."""
    seed("--scale", "0.05")
    now = timezone.now()
    for wo in WorkOrder.objects.all():
        times = list(wo.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times)
        assert wo.received_at <= times[0] <= now
        assert wo.created_at == times[0]
        assert times[-1] <= now
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
    # every product line's fault categories come with guided questions.
    assert FaultCategory.objects.filter(questions__isnull=False).distinct().count() >= 15
    assert Customer.objects.exclude(service_preferences="").exists()


def test_seeding_leaves_the_real_clock_behind():
    """The simulated history is scoped to the seed (demo/clock.py): afterwards, and for every
    other thread meanwhile, ``timezone.now`` is Django's own."""
    real = timezone.now
    seed("--scale", "0.02")
    assert timezone.now is real
    assert WorkOrder.objects.filter(received_at__lt=timezone.now() - dt.timedelta(days=30)).exists()


def test_if_empty_changes_nothing_when_there_is_data():
    CustomerFactory()

    output = seed("--if-empty")

    assert "nothing to do" in output
    assert Customer.objects.count() == 1
    assert not User.objects.filter(username="admin").exists()
