"""R-5.1 P1: a dispatcher's proposal of a senior technician waits for a supervisor, who approves
(assigned) or refuses with a reason; both on the timeline; the SLA clocks keep running."""

from __future__ import annotations

import pytest

from aftersales.core.errors import DomainError, PermissionDenied, ValidationFailed
from aftersales.core.models import OutboxMessage
from aftersales.dispatch import services
from aftersales.dispatch.models import DispatchApproval
from aftersales.workorders.models import WorkOrderEvent
from tests.factories import PASSWORD

pytestmark = [pytest.mark.certification_rule, pytest.mark.clock("2026-11-20T10:00:00+08:00")]


def _propose(world, wo, tech=None):
    return services.dispatch_assign(actor=world.dispatcher, work_order_id=wo.pk, technician_id=(tech or world.best).pk)


def test_r5_1_p1_waits_for_approval_then_is_assigned(world):
    wo = world.work_order("P1")
    result = _propose(world, wo)
    assert result.outcome == "proposed"
    wo.refresh_from_db()
    assert wo.assignee_id is None
    assert OutboxMessage.objects.filter(recipient=world.supervisor, topic="dispatch.approval_requested").exists()
    assert wo.next_due_at is not None  # the SLA target is still running
    services.approval_decide(actor=world.supervisor, approval_id=result.approval.pk, approve=True)
    wo.refresh_from_db()
    assert wo.assignee_id == world.best.pk
    actions = list(WorkOrderEvent.objects.filter(work_order=wo).values_list("action", flat=True))
    assert "dispatch_proposed" in actions
    assert "dispatch_approved" in actions


def test_r5_1_refusal_needs_a_reason_and_is_on_the_timeline(world):
    wo = world.work_order("P1")
    approval = _propose(world, wo).approval
    with pytest.raises(ValidationFailed) as refused:
        services.approval_decide(actor=world.supervisor, approval_id=approval.pk, approve=False, reason=" ")
    assert "reason" in refused.value.fields
    services.approval_decide(actor=world.supervisor, approval_id=approval.pk, approve=False, reason="他今天在外地")
    wo.refresh_from_db()
    assert wo.assignee_id is None
    event = WorkOrderEvent.objects.get(work_order=wo, action="dispatch_refused")
    assert event.text == "他今天在外地"
    assert OutboxMessage.objects.filter(recipient=world.dispatcher, topic="dispatch.approval_refused").exists()
    # A new proposal may follow.
    assert _propose(world, wo).outcome == "proposed"


def test_r5_1_p1_only_a_senior_may_be_proposed(world):
    wo = world.work_order("P1")
    with pytest.raises(DomainError) as refused:
        _propose(world, wo, world.near)
    assert refused.value.code == "senior_required"
    with pytest.raises(DomainError) as refused:
        _propose(world, wo, world.expired)  # senior, but expired
    assert refused.value.code == "certification_expired"
    assert not DispatchApproval.objects.exists()


def test_r5_1_one_pending_proposal_at_a_time(world):
    wo = world.work_order("P1")
    _propose(world, wo)
    with pytest.raises(DomainError) as refused:
        _propose(world, wo)
    assert refused.value.code == "approval_pending"


def test_r5_1_a_supervisors_own_click_is_approved_at_once(world):
    wo = world.work_order("P1")
    result = services.dispatch_assign(actor=world.supervisor, work_order_id=wo.pk, technician_id=world.best.pk)
    assert result.outcome == "assigned"
    assert result.approval.status == "approved"


@pytest.mark.parametrize("role", ["dispatcher", "agent", "executive", "qa", "expert"])
def test_r5_1_only_supervisors_decide(world, role):
    approval = _propose(world, world.work_order("P1")).approval
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=getattr(world, role), approval_id=approval.pk, approve=True)


def test_r5_1_api_and_page_decide(world, client):
    wo = world.work_order("P1")
    client.login(username=world.dispatcher.username, password=PASSWORD)
    made = client.post(
        f"/api/v1/work-orders/{wo.pk}/dispatch/assign",
        {"technician_id": world.best.pk},
        content_type="application/json",
    ).json()
    assert made["outcome"] == "proposed"
    assert made["assignee_id"] is None
    assert [a["id"] for a in client.get("/api/v1/dispatch/approvals").json()["items"]] == [made["approval_id"]]
    refused = client.post(
        f"/api/v1/dispatch/approvals/{made['approval_id']}/decide", {"approve": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    client.logout()
    client.login(username=world.supervisor.username, password=PASSWORD)
    page = client.get("/dispatch/").content.decode()
    assert wo.number in page
    assert "批准" in page
    bad = client.post(
        f"/api/v1/dispatch/approvals/{made['approval_id']}/decide", {"approve": "yes"}, content_type="application/json"
    )
    assert bad.status_code == 422
    response = client.post(f"/dispatch/approvals/{made['approval_id']}/decide/", {"approve": "1"})
    assert response.status_code == 302
    wo.refresh_from_db()
    assert wo.assignee_id == world.best.pk
    again = client.post(
        f"/api/v1/dispatch/approvals/{made['approval_id']}/decide", {"approve": True}, content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "approval_decided"
