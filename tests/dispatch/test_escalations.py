"""R-5.5: a hard problem is put to a technical expert (the question now, the answer later), both
on the work order's timeline; only the expert asked answers, once."""

from __future__ import annotations

import pytest

from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import OutboxMessage
from aftersales.dispatch import escalations
from aftersales.workorders.models import WorkOrderEvent
from aftersales.workorders.services import work_order_assign
from tests.factories import PASSWORD, UserFactory, portal_user

pytestmark = [pytest.mark.certification_rule, pytest.mark.clock("2026-11-20T10:00:00+08:00")]


def _assigned(world):
    wo = world.work_order()
    return work_order_assign(actor=world.dispatcher, work_order_id=wo.pk, assignee_id=world.best.pk)


def test_r5_5_question_then_answer_on_the_timeline(world):
    wo = _assigned(world)
    esc = escalations.escalation_ask(
        actor=world.best, work_order_id=wo.pk, expert_id=world.expert.pk, question="压缩机不启动，电容已换，怎么查？"
    )
    assert OutboxMessage.objects.filter(recipient=world.expert, topic="dispatch.expert_question").exists()
    escalations.escalation_answer(actor=world.expert, escalation_id=esc.pk, answer="量一下启动继电器的电阻。")
    events = {e.action: e.text for e in WorkOrderEvent.objects.filter(work_order=wo)}
    assert events["expert_question"].startswith("压缩机")
    assert events["expert_answer"] == "量一下启动继电器的电阻。"
    assert OutboxMessage.objects.filter(recipient=world.best, topic="dispatch.expert_answer").exists()
    with pytest.raises(DomainError) as again:
        escalations.escalation_answer(actor=world.expert, escalation_id=esc.pk, answer="再说一次")
    assert again.value.code == "escalation_answered"


def test_r5_5_only_the_expert_asked_answers(world):
    wo = _assigned(world)
    esc = escalations.escalation_ask(
        actor=world.dispatcher, work_order_id=wo.pk, expert_id=world.expert.pk, question="?"
    )
    other_expert = UserFactory(role="expert")
    with pytest.raises(PermissionDenied):
        escalations.escalation_answer(actor=other_expert, escalation_id=esc.pk, answer="我来")
    with pytest.raises(PermissionDenied):
        escalations.escalation_answer(actor=world.dispatcher, escalation_id=esc.pk, answer="我来")


def test_r5_5_bad_input_names_the_field(world):
    wo = _assigned(world)
    with pytest.raises(ValidationFailed) as refused:
        escalations.escalation_ask(actor=world.best, work_order_id=wo.pk, expert_id=world.near.pk, question="?")
    assert "expert_id" in refused.value.fields  # a technician is not an expert
    with pytest.raises(ValidationFailed) as refused:
        escalations.escalation_ask(actor=world.best, work_order_id=wo.pk, expert_id=world.expert.pk, question="  ")
    assert "question" in refused.value.fields
    with pytest.raises(ValidationFailed):
        escalations.escalation_ask(
            actor=world.best, work_order_id=wo.pk, expert_id=world.expert.pk, question="x" * 4001
        )


@pytest.mark.parametrize("role", ["executive", "quality"])
def test_r5_5_who_neither_handles_nor_dispatches_may_not_ask(world, role):
    wo = _assigned(world)
    with pytest.raises(PermissionDenied):
        escalations.escalation_ask(
            actor=getattr(world, role), work_order_id=wo.pk, expert_id=world.expert.pk, question="?"
        )


def test_r5_5_another_technician_cannot_ask_on_a_job_not_his(world):
    wo = _assigned(world)
    with pytest.raises(NotFound):
        escalations.escalation_ask(actor=world.near, work_order_id=wo.pk, expert_id=world.expert.pk, question="?")


def test_r5_5_api_and_pages(world, client):
    wo = _assigned(world)
    client.login(username=world.best.username, password=PASSWORD)
    made = client.post(
        f"/api/v1/work-orders/{wo.pk}/escalations",
        {"expert_id": world.expert.pk, "question": "怎么查？"},
        content_type="application/json",
    )
    assert made.status_code == 201
    esc_id = made.json()["id"]
    assert (
        client.post(
            f"/api/v1/escalations/{esc_id}/answer", {"answer": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    bad = client.post(
        f"/api/v1/work-orders/{wo.pk}/escalations", {"expert_id": "1", "question": ""}, content_type="application/json"
    )
    assert bad.status_code == 422
    page = client.get(f"/dispatch/work-orders/{wo.pk}/escalate/")
    assert page.status_code == 200
    assert "怎么查" in page.content.decode()
    client.logout()
    client.login(username=world.expert.username, password=PASSWORD)
    listed = client.get("/dispatch/escalations/").content.decode()
    assert "怎么查" in listed
    assert client.post(f"/dispatch/escalations/{esc_id}/answer/", {"answer": "量电阻"}).status_code == 302
    assert client.get("/api/v1/escalations").json()["items"][0]["answer"] == "量电阻"
    client.logout()
    client.login(username=portal_user(wo.customer).username, password=PASSWORD)
    assert client.get("/api/v1/escalations").json()["items"] == []
    assert client.get("/dispatch/escalations/").status_code == 403
