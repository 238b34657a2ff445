"""R-5.1: with the setting on, a P2/P3 work order goes to its first eligible proposal when it
is acknowledged; P1 never; off by default; only supervisors and administrators switch it."""

from __future__ import annotations

import pytest

from aftersales.core.errors import PermissionDenied
from aftersales.dispatch import automatic
from aftersales.workorders.services import work_order_acknowledge
from tests.factories import PASSWORD

pytestmark = [pytest.mark.certification_rule, pytest.mark.clock("2026-11-20T10:00:00+08:00")]


def test_r5_1_off_by_default(world):
    wo = work_order_acknowledge(actor=world.agent, work_order_id=world.work_order("P2").pk)
    assert wo.assignee_id is None
    assert wo.status == "acknowledged"


def test_r5_1_on_p2_goes_to_the_first_eligible_proposal(world):
    automatic.dispatch_settings_update(actor=world.supervisor, auto_assign=True)
    wo = work_order_acknowledge(actor=world.agent, work_order_id=world.work_order("P3").pk)
    assert wo.assignee_id == world.best.pk
    assert wo.status == "assigned"
    assert wo.owner_id == world.agent.pk


def test_r5_1_on_p1_still_waits_for_a_supervisor(world):
    automatic.dispatch_settings_update(actor=world.supervisor, auto_assign=True)
    wo = work_order_acknowledge(actor=world.agent, work_order_id=world.work_order("P1").pk)
    assert wo.assignee_id is None


def test_r5_1_nobody_eligible_leaves_it_for_the_dispatcher(world):
    automatic.dispatch_settings_update(actor=world.supervisor, auto_assign=True)
    for user in (world.best, world.near, world.far_tech):
        user.is_active = False
        user.save()
    wo = work_order_acknowledge(actor=world.agent, work_order_id=world.work_order("P2").pk)
    assert wo.assignee_id is None


@pytest.mark.parametrize("role", ["agent", "dispatcher", "executive", "qa", "expert"])
def test_r5_1_only_supervisors_switch_it(world, role):
    with pytest.raises(PermissionDenied):
        automatic.dispatch_settings_update(actor=getattr(world, role), auto_assign=True)


def test_r5_1_settings_api_and_page(world, client):
    client.login(username=world.dispatcher.username, password=PASSWORD)
    assert client.get("/api/v1/dispatch/settings").json() == {"auto_assign": False}
    refused = client.put("/api/v1/dispatch/settings", {"auto_assign": True}, content_type="application/json")
    assert refused.status_code == 403
    assert client.post("/dispatch/settings/", {"auto_assign": "1"}).status_code == 403
    client.logout()
    client.login(username=world.supervisor.username, password=PASSWORD)
    bad = client.put("/api/v1/dispatch/settings", {"auto_assign": "yes"}, content_type="application/json")
    assert bad.status_code == 422
    assert client.post("/dispatch/settings/", {"auto_assign": "1"}).status_code == 302
    assert automatic.dispatch_settings().auto_assign is True
    assert "关闭自动派工" in client.get("/dispatch/").content.decode()
