"""Cancelling a work order (R-3.5, R-7.2, R-4, R-8.4, R-9.1): the customer withdrew it, a duplicate,
raised in error. From every open status, with a reason, by the desk (``close_workorder``); final
(archived later, never reopened). In the same transaction its reserved parts go back to stock,
its SLA targets stop applying (never breached later), it stops counting towards its batch's
faults, and no satisfaction survey follows. The page offers 取消工单 exactly to those the service
accepts; the API has the same transition; the portal says 已取消."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.core.models import OutboxMessage
from aftersales.feedback.counting import fault_counts_check
from aftersales.feedback.models import FaultCounter, FaultReport
from aftersales.parts.models import MoveKind, StockBalance, StockMove, WorkOrderPart
from aftersales.parts.services import work_order_part_reserve
from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.models import SlaBreach, WorkOrderTarget
from aftersales.sla.services import calendar_seed_years, sla_scan
from aftersales.surveys import services as survey_services
from aftersales.surveys.models import Invitation
from aftersales.workorders import services
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.states import Action, Status
from tests.api.conftest import ApiClient
from tests.factories import (
    InstalledProductFactory,
    PartFactory,
    UserFactory,
    WarehouseFactory,
    make_work_order,
    portal_user,
    stock_in,
)
from tests.sla.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-25T12:00:00+08:00")]

STAFF_REFUSED = ["technician", "dispatcher", "expert", "qa", "quality", "executive"]


@pytest.fixture(autouse=True)
def _calendar():
    calendar_cache_clear()
    calendar_seed_years(years=[2026])
    yield
    calendar_cache_clear()


@pytest.fixture
def agent():
    return UserFactory(role="agent", display_name="李客服")


@pytest.fixture
def tech():
    return UserFactory(role="technician", display_name="王工")


@pytest.fixture
def assigned(agent, tech) -> WorkOrder:
    """A P2 repair from the web form on Monday 23 Nov 2026 10:00 for a product of batch B-7, assigned."""
    product = InstalledProductFactory(batch="B-7")
    wo = make_work_order(agent, product, channel="web", received_at=at(2026, 11, 23, 10))
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    return wo


def cancel(actor, wo, reason="用户撤回：已自行找人修好"):
    return services.work_order_cancel(actor=actor, work_order_id=wo.pk, reason=reason)


def test_r3_5_cancelling_records_the_reason_on_the_timeline_and_is_final(agent, assigned):
    done = cancel(agent, assigned)
    assert done.status == Status.CANCELLED
    event = assigned.events.get(action=Action.CANCEL)
    assert (event.from_status, event.to_status, event.text, event.actor) == (
        Status.ASSIGNED,
        Status.CANCELLED,
        "用户撤回：已自行找人修好",
        agent,
    )
    wo = WorkOrder.objects.get(pk=assigned.pk)
    assert (wo.closed_at, wo.resolved_at, wo.is_open) == (None, None, False)
    supervisor = UserFactory(role="supervisor")
    assert services.available_actions(actor=supervisor, wo=wo) == [Action.ARCHIVE]
    for call in (
        lambda: services.work_order_reopen(actor=supervisor, work_order_id=wo.pk, reason="又坏了"),
        lambda: cancel(supervisor, wo),
        lambda: services.work_order_resolve(actor=supervisor, work_order_id=wo.pk, resolution="修好"),
    ):
        with pytest.raises(DomainError) as refusal:
            call()
        assert (refusal.value.code, refusal.value.status) == ("illegal_transition", 409)
    assert services.work_order_archive(actor=supervisor, work_order_id=wo.pk).status == Status.ARCHIVED


def test_r7_2_cancelling_gives_every_reserved_part_back_to_stock(agent, tech, assigned):
    central, van = WarehouseFactory(kind="central"), WarehouseFactory(kind="van", holder=tech)
    capacitor, fan = PartFactory(), PartFactory()
    stock_in(capacitor, central, 3)
    stock_in(fan, van, 1)
    for part, warehouse, quantity in ((capacitor, central, 2), (fan, van, 1)):
        work_order_part_reserve(
            actor=agent, work_order_id=assigned.pk, part_id=part.pk, warehouse_id=warehouse.pk, quantity=quantity
        )
    cancel(agent, assigned)
    for part, warehouse, on_hand in ((capacitor, central, 3), (fan, van, 1)):
        balance = StockBalance.objects.get(part=part, warehouse=warehouse)
        assert (balance.on_hand, balance.reserved, balance.available) == (on_hand, 0, on_hand)
    assert set(WorkOrderPart.objects.filter(work_order=assigned).values_list("status", flat=True)) == {"released"}
    releases = StockMove.objects.filter(kind=MoveKind.RELEASE, work_order=assigned)
    assert releases.count() == 2
    assert {m.reason for m in releases} == {"用户撤回：已自行找人修好"}
    assert not StockMove.objects.filter(kind=MoveKind.CONSUMPTION).exists()


def test_r4_a_cancelled_work_order_never_breaches_later(agent, tech, assigned):
    """Cancelled before its response target (4 h, 14:00) was due: the watcher, run after every
    due time, records nothing for it; the work order leaves the due queue."""
    open_before = WorkOrderTarget.objects.filter(work_order=assigned, met_at__isnull=True).count()
    assert open_before >= 2
    cancel(agent, assigned)
    assert not WorkOrderTarget.objects.filter(
        work_order=assigned, met_at__isnull=True, cancelled_at__isnull=True
    ).exists()
    assert WorkOrder.objects.get(pk=assigned.pk).next_due_at is None
    sla_scan(now=at(2026, 12, 31, 12))
    assert not WorkOrderTarget.objects.filter(work_order=assigned, breached=True).exists()
    assert not SlaBreach.objects.filter(target__work_order=assigned).exists()


def test_r4_an_escalated_targets_breach_is_settled_at_the_cancel(agent, tech):
    wo = make_work_order(agent, channel="phone", received_at=at(2026, 11, 23, 10))
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    sla_scan(now=at(2026, 11, 23, 14, 30))  # the response target (due 14:00) escalated
    breach = SlaBreach.objects.get(target__work_order=wo, kind="response")
    assert breach.overdue_seconds is None
    services.work_order_cancel(actor=agent, work_order_id=wo.pk, reason="重复工单")
    breach.refresh_from_db()
    assert breach.overdue_seconds is not None
    assert breach.overdue_seconds > 0


def test_r8_4_a_cancelled_work_order_no_longer_counts_towards_its_batch(agent, assigned):
    counter = FaultCounter.objects.get(product_model_id=assigned.product_model_id, batch="B-7")
    assert counter.reports == 1
    cancel(agent, assigned, reason="误建：客户打错了电话")
    counter.refresh_from_db()
    assert counter.reports == 0
    assert FaultReport.objects.get(work_order=assigned).withdrawn_at is not None
    assert fault_counts_check() == []


def test_r9_1_no_survey_invitation_for_a_cancelled_work_order(agent, assigned):
    cancel(agent, assigned)
    now = timezone.now()
    for later in (dt.timedelta(hours=1), dt.timedelta(days=3), dt.timedelta(days=8)):
        assert set(survey_services.invitations_scan(now=now + later).values()) == {0}
    assert not Invitation.objects.filter(work_order=assigned).exists()
    assert not OutboxMessage.objects.filter(kind="survey").exists()


def test_r3_5_the_customer_and_the_handler_are_told_once(agent, tech, assigned):
    cancel(agent, assigned)
    assert OutboxMessage.objects.filter(kind="customer_cancelled", topic__endswith=str(assigned.pk)).count() == 1
    told = OutboxMessage.objects.get(kind="cancelled", recipient=tech, channel="in_app")
    assert assigned.number in told.subject
    assert "用户撤回" in told.body
    assert not OutboxMessage.objects.filter(kind="customer_closed").exists()


@pytest.mark.parametrize("reason", ["", "   ", "长" * 4001])
def test_r3_5_a_reason_is_required_and_nothing_changes_without_one(agent, assigned, reason):
    part, central = PartFactory(), WarehouseFactory(kind="central")
    stock_in(part, central, 1)
    work_order_part_reserve(
        actor=agent, work_order_id=assigned.pk, part_id=part.pk, warehouse_id=central.pk, quantity=1
    )
    with pytest.raises(DomainError) as refusal:
        cancel(agent, assigned, reason=reason)
    assert (refusal.value.code, list(refusal.value.fields)) == ("validation_error", ["reason"])
    assert WorkOrder.objects.get(pk=assigned.pk).status == Status.ASSIGNED
    assert StockBalance.objects.get(part=part, warehouse=central).reserved == 1


@pytest.mark.parametrize("role", [*STAFF_REFUSED, "customer"])
def test_r3_5_only_the_desk_may_cancel(agent, tech, assigned, role):
    """Agents, supervisors and administrators (``close_workorder``) cancel; the handler and every
    other role are refused and offered nothing; nothing is changed."""
    if role == "technician":
        actor = tech  # the assigned handler himself
    elif role == "customer":
        actor = portal_user(assigned.customer)
    else:
        actor = UserFactory(role=role)
    shown = WorkOrder.objects.get(pk=assigned.pk)
    assert Action.CANCEL not in services.available_actions(actor=actor, wo=shown)
    with pytest.raises(DomainError) as refusal:
        cancel(actor, assigned)
    assert (refusal.value.code, refusal.value.status) == ("permission_denied", 403)
    assert WorkOrder.objects.get(pk=assigned.pk).status == Status.ASSIGNED


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin"])
@pytest.mark.parametrize(
    "steps", [[], ["acknowledge"], ["start"], ["start", "wait_customer"], ["start", "wait_parts"]], ids="-".join
)
def test_r3_5_the_desk_cancels_from_every_open_status(agent, tech, role, steps):
    wo = make_work_order(agent)
    if steps and steps[0] != "acknowledge":
        services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    for step in steps:
        if step == "acknowledge":
            services.work_order_acknowledge(actor=agent, work_order_id=wo.pk)
        elif step == "start":
            services.work_order_start(actor=tech, work_order_id=wo.pk)
        else:
            services.work_order_wait(actor=tech, work_order_id=wo.pk, on=step.removeprefix("wait_"), reason="等")
    actor = UserFactory(role=role)
    assert Action.CANCEL in services.available_actions(actor=actor, wo=WorkOrder.objects.get(pk=wo.pk))
    assert cancel(actor, wo).status == Status.CANCELLED


@pytest.mark.parametrize("target", ["resolved", "confirmed", "closed"])
def test_r3_5_a_solved_work_order_is_not_cancelled(agent, tech, assigned, target):
    services.work_order_resolve(actor=tech, work_order_id=assigned.pk, resolution="更换电容")
    if target in ("confirmed", "closed"):
        services.work_order_confirm(actor=agent, work_order_id=assigned.pk, note="电话确认")
    if target == "closed":
        services.work_order_close(actor=agent, work_order_id=assigned.pk)
    with pytest.raises(DomainError) as refusal:
        cancel(agent, assigned)
    assert (refusal.value.code, refusal.value.status) == ("illegal_transition", 409)
    assert WorkOrder.objects.get(pk=assigned.pk).status == target


def test_r6_5_not_while_the_product_is_at_the_factory(agent, assigned):
    from aftersales.repairs.services import repair_order_create

    repair_order_create(actor=agent, work_order_id=assigned.pk, fault="压缩机异响")
    with pytest.raises(DomainError) as refusal:
        cancel(agent, assigned)
    assert (refusal.value.code, refusal.value.status) == ("repair_order_open", 409)
    assert WorkOrder.objects.get(pk=assigned.pk).status == Status.ASSIGNED


# --- the page, the API, the portal ------------------------------------------------------------


def test_r3_5_the_page_offers_the_cancel_form_to_the_desk_only(client, agent, tech, assigned):
    client.force_login(tech)
    page = client.get(reverse("workorders:detail", args=[assigned.pk])).content.decode()
    assert "取消工单" not in page
    response = client.post(reverse("workorders:action", args=[assigned.pk, "cancel"]), {"reason": "重复"})
    assert response.status_code == 403
    client.force_login(agent)
    page = client.get(reverse("workorders:detail", args=[assigned.pk])).content.decode()
    assert "取消工单" in page
    assert "取消原因" in page
    response = client.post(
        reverse("workorders:action", args=[assigned.pk, "cancel"]), {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert "请说明取消工单的原因。" in response.content.decode()
    assert WorkOrder.objects.get(pk=assigned.pk).status == Status.ASSIGNED
    response = client.post(
        reverse("workorders:action", args=[assigned.pk, "cancel"]), {"reason": "重复工单"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "已取消" in body
    assert "重复工单" in body
    assert WorkOrder.objects.get(pk=assigned.pk).status == Status.CANCELLED


def test_r3_5_the_list_filters_and_badges_know_cancelled(client, agent, assigned):
    cancel(agent, assigned)
    other = make_work_order(agent)
    client.force_login(agent)
    response = client.get(reverse("workorders:list"), {"status": "cancelled"})
    assert response.status_code == 200
    body = response.content.decode()
    assert assigned.number in body
    assert other.number not in body
    assert "已取消" in body
    api = ApiClient(agent)
    listed = api.get("/work-orders", {"status": "cancelled"})
    assert listed.status_code == 200
    assert [item["number"] for item in listed.json()["items"]] == [assigned.number]
    done = api.get("/work-orders", {"open": "false"}).json()["items"]
    assert assigned.number in [item["number"] for item in done]


def test_r3_5_cancel_through_the_api(agent, tech, assigned):
    base = f"/work-orders/{assigned.pk}"
    refused = ApiClient(tech).post(f"{base}/cancel", {"reason": "重复"})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    outsider = ApiClient(UserFactory(role="technician")).post(f"{base}/cancel", {"reason": "重复"})
    assert (outsider.status_code, outsider.json()["code"]) == (404, "not_found")
    customer = ApiClient(portal_user(assigned.customer)).post(f"{base}/cancel", {"reason": "不修了"})
    assert (customer.status_code, customer.json()["code"]) == (403, "permission_denied")
    api = ApiClient(agent)
    assert "cancel" in api.get(base).json()["allowed_actions"]
    empty = api.post(f"{base}/cancel")
    assert (empty.status_code, empty.json()["code"]) == (422, "validation_error")
    assert "reason" in empty.json()["fields"]
    wrong = api.post(f"{base}/cancel", {"reason": 12})
    assert wrong.status_code == 422
    done = api.post(f"{base}/cancel", {"reason": "用户撤回"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["allowed_actions"]) == ("cancelled", [])
    again = api.post(f"{base}/cancel", {"reason": "用户撤回"})
    assert (again.status_code, again.json()["code"]) == (409, "illegal_transition")
    assert api.post("/work-orders/99999999999999999999/cancel", {"reason": "x"}).status_code == 422
    timeline = api.get(f"{base}/timeline").json()
    assert timeline[-1]["action"] == "cancel"


def test_r13_1_the_portal_shows_cancelled(client, agent, assigned):
    cancel(agent, assigned)
    client.force_login(portal_user(assigned.customer))
    response = client.get(reverse("portal:detail", args=[assigned.pk]))
    assert response.status_code == 200
    assert "已取消" in response.content.decode()
    listing = client.get(reverse("portal:home")).content.decode()
    assert "已取消" in listing


# --- at the same moment -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_r3_5_r7_2_cancel_and_resolve_at_once_exactly_one_wins(agent, tech):
    """The handler resolves while the desk cancels: one is accepted, the other sees the new status
    (409); the reserved part is either consumed or released, never both."""
    calendar_seed_years(years=[2026])
    central = WarehouseFactory(kind="central")
    part = PartFactory()
    stock_in(part, central, 1)
    wo = make_work_order(agent)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    work_order_part_reserve(actor=agent, work_order_id=wo.pk, part_id=part.pk, warehouse_id=central.pk, quantity=1)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def worker(name, call):
        try:
            start.wait()
            call()
            outcomes[name] = "ok"
        except DomainError as refusal:
            outcomes[name] = refusal.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=("cancel", lambda: cancel(agent, wo, reason="重复"))),
        threading.Thread(
            target=worker,
            args=("resolve", lambda: services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="修好")),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["illegal_transition", "ok"]
    status = WorkOrder.objects.get(pk=wo.pk).status
    line = WorkOrderPart.objects.get(work_order=wo)
    balance = StockBalance.objects.get(part=part, warehouse=central)
    if outcomes["cancel"] == "ok":
        assert (status, line.status, balance.on_hand, balance.reserved) == ("cancelled", "released", 1, 0)
    else:
        assert (status, line.status, balance.on_hand, balance.reserved) == ("resolved", "consumed", 0, 0)
