"""R-5.1: the work-order page leads who may dispatch to the work order's proposals (the ranked
list with one-click assignment); nobody else sees the link, and a closed work order has none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.workorders.models import WorkOrder
from tests.factories import PASSWORD

pytestmark = [pytest.mark.certification_rule, pytest.mark.clock("2026-11-20T10:00:00+08:00")]


def _page(client, user, wo) -> str:
    client.force_login(user)
    response = client.get(reverse("workorders:detail", args=[wo.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_r5_1_dispatcher_finds_the_proposals_from_the_work_order(world, client):
    wo = world.work_order()
    page = _page(client, world.dispatcher, wo)
    link = reverse("dispatch:proposals", args=[wo.pk])
    assert f'href="{link}"' in page
    assert "派工建议" in page
    client.login(username=world.dispatcher.username, password=PASSWORD)
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("role", ["executive", "qa", "quality", "expert"])
def test_r5_1_no_proposals_link_for_who_may_not_assign(world, client, role):
    wo = world.work_order()
    assert reverse("dispatch:proposals", args=[wo.pk]) not in _page(client, getattr(world, role), wo)


def test_r5_1_no_proposals_link_for_the_technician_or_on_a_closed_work_order(world, client):
    from aftersales.workorders.services import work_order_assign

    wo = world.work_order()
    work_order_assign(actor=world.dispatcher, work_order_id=wo.pk, assignee_id=world.best.pk)
    assert reverse("dispatch:proposals", args=[wo.pk]) not in _page(client, world.best, wo)
    WorkOrder.objects.filter(pk=wo.pk).update(status="closed")
    assert reverse("dispatch:proposals", args=[wo.pk]) not in _page(client, world.dispatcher, wo)
