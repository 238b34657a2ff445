"""R-6.5, R-6.6 demo data: repair orders in every state, through the real services, their
timelines in order on the work orders' timelines too."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from aftersales.repairs.models import RepairOrder, Shipment
from aftersales.repairs.states import Status
from aftersales.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_r6_5_demo_has_repair_orders_in_every_state():
    call_command("demo_seed", "--scale", "0.1", stdout=StringIO())
    assert set(RepairOrder.objects.values_list("status", flat=True)) == set(Status.values)
    assert RepairOrder.objects.filter(inspections_failed__gt=0).exists()
    assert RepairOrder.objects.filter(agreements__isnull=False).exists()
    assert Shipment.objects.filter(repair_order__isnull=True).count() == 2
    for wo in WorkOrder.objects.filter(repair_orders__isnull=False):
        times = list(wo.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times)
