"""R-4.2, R-4.3, R-4.6, R-4.7: what meets each target, and how a work order's targets are shown —
a paused target that was already overdue is still a breach; the next target first, each kind
once; the event that meets each one in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from aftersales.sla.models import SlaBreach, WorkOrderTarget
from aftersales.sla.selectors import (
    TargetState,
    sla_compliance,
    target_summary,
    target_view,
    work_order_targets,
    work_order_targets_many,
)
from aftersales.sla.services import sla_scan
from aftersales.workorders import services as wo_services
from tests.factories import UserFactory, make_work_order
from tests.sla.conftest import at

pytestmark = [
    pytest.mark.usefixtures("seeded"),
    pytest.mark.clock("2026-11-25T12:00:00+08:00"),
]  # written about November 2026: now is Wednesday 25 November, 12:00


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


@pytest.fixture
def tech(db):
    return UserFactory(role="technician")


@pytest.fixture
def supervisor(db):
    return UserFactory(role="supervisor")


def _target(wo, kind):
    return WorkOrderTarget.objects.filter(work_order=wo, kind=kind).order_by("-id").first()


def _waiting_after_the_resolution_was_due(agent, tech):
    """P2 received yesterday 11:02: resolution (24 h) due today 11:02; at 12:00 the handler starts
    and the work order waits on the customer, 58 minutes after the resolution was due."""
    wo = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 24, 11, 2))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    wo_services.work_order_wait(actor=tech, work_order_id=wo.pk, on="customer", reason="等待客户确认上门时间")
    return wo


# ---- a paused breach stays a breach (R-4.6, R-4.7) ----------------------------------------------
def test_r4_6_a_target_paused_after_its_due_time_is_shown_as_overdue_not_as_time_left(agent, tech):
    wo = _waiting_after_the_resolution_was_due(agent, tech)
    resolution = _target(wo, "resolution")
    assert resolution.paused_at is not None
    view = target_view(resolution, at(2026, 11, 25, 15))  # hours later: the clock is stopped
    assert view.state == TargetState.BREACHED
    assert view.css == "text-bg-danger"
    with translation.override("zh-hans"):
        assert view.time_text == "已暂停，已超时 58分钟"
        assert view.state_label == "超时"


def test_r4_6_a_target_paused_with_time_left_says_how_much(agent, tech):
    wo = _waiting_after_the_resolution_was_due(agent, tech)
    progress = _target(wo, "progress_update")  # set at the assignment, due in 6 h
    view = target_view(progress, at(2026, 11, 26, 9))
    assert view.state == TargetState.PAUSED
    with translation.override("zh-hans"):
        assert view.time_text.startswith("已暂停，剩余 5小时")


def test_r4_7_the_watcher_escalates_a_paused_breach_and_compliance_counts_it(agent, tech, supervisor):
    """Without this the watcher skipped every paused target: a target missed and then paused was
    never escalated nor recorded, and compliance counted it as neither met nor breached."""
    wo = _waiting_after_the_resolution_was_due(agent, tech)
    assert sla_scan(now=at(2026, 11, 25, 12, 1))["escalated"] >= 1
    resolution = _target(wo, "resolution")
    assert resolution.breached
    assert resolution.paused_at is not None  # still paused: the scan does not resume it
    assert SlaBreach.objects.filter(target=resolution, met_at=None).exists()
    rows = sla_compliance(actor=supervisor, month_from=dt.date(2026, 11, 1), month_to=dt.date(2026, 11, 1), by="kind")
    assert {row.key: row.breached for row in rows}["resolution"] == 1
    # A target paused before its due time is not escalated, however late the scan runs.
    assert not _target(wo, "progress_update").breached


# ---- what meets which target (R-4.2, R-4.3) -----------------------------------------------------
def test_r4_2_r4_3_the_handlers_outgoing_call_meets_the_contact_and_the_response(agent, tech):
    """The decision (SPEC R-4.2, R-4.3): a call the handler (the assignee) makes to the customer,
    recorded as an outgoing communication, is the handler contacting the customer after the
    assignment (R-4.3) and the response of R-4.2 — the intake promise tells the customer "we will
    contact you by" the response time — as well as a first response (R-4.1) and a progress update
    (R-3.6). The resolution is met only by resolving."""
    wo = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 25, 11, 55))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.communication_record(
        actor=tech, work_order_id=wo.pk, kind="call", direction="out", summary="致电客户确认故障现象"
    )
    for kind in ("first_response", "response", "contact_after_assignment"):
        assert _target(wo, kind).met_at is not None, kind
        assert not _target(wo, kind).breached, kind
    assert _target(wo, "resolution").met_at is None
    still_due = {v.target.kind for v in work_order_targets(actor=tech, work_order=wo) if v.target.is_open}
    assert "response" not in still_due  # the technician's page no longer shows it as due


def test_r4_3_someone_elses_call_is_a_first_response_not_the_handlers_contact(agent, tech):
    """R-4.3 asks the handler to contact the customer: an agent's call back meets the first
    response (R-4.1) only; the response and the handler's contact stay open."""
    wo = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 25, 11, 50))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.communication_record(actor=agent, work_order_id=wo.pk, kind="call", direction="out", summary="已回电")
    assert _target(wo, "first_response").met_at is not None
    assert _target(wo, "response").met_at is None
    assert _target(wo, "contact_after_assignment").met_at is None


def test_r4_2_a_call_from_the_customer_to_the_handler_is_no_response(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 25, 11, 50))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.communication_record(actor=tech, work_order_id=wo.pk, kind="call", direction="in", summary="客户来电")
    assert _target(wo, "response").met_at is None
    assert _target(wo, "contact_after_assignment").met_at is not None  # the handler spoke with them


# ---- the next target first, each kind once ------------------------------------------------------
def test_r4_7_the_summary_puts_the_next_deadline_first_and_shows_each_kind_once(agent, tech):
    wo = make_work_order(agent, priority="P2", channel="phone", colour="green", received_at=at(2026, 11, 25, 9))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    for text in ("已联系客户", "等待配件报价", "配件已到"):  # three progress rounds
        wo_services.work_order_add_note(actor=tech, work_order_id=wo.pk, text=text)
    views = work_order_targets(actor=tech, work_order=wo)
    assert [v.target.kind for v in views].count("progress_update") == 4
    summary = target_summary(views)
    shown = [summary.next, *summary.others]
    kinds = [v.target.kind for v in shown if v is not None]
    assert len(kinds) == len(set(kinds))  # no target twice
    assert kinds.count("progress_update") == 1
    current = next(v for v in shown if v is not None and v.target.kind == "progress_update")
    assert current.target.is_open  # the current round, not one already given
    assert [v.target.kind for v in summary.history] == ["progress_update"] * 3
    open_views = [v for v in views if v.target.is_open]
    assert summary.next is not None
    assert summary.next.target.due_at == min(v.target.due_at for v in open_views)
    assert summary.next.target.kind == "response"  # 09:00 + 4 h = 13:00, before the rest
    with translation.override("zh-hans"):
        assert summary.next.met_by == "开始处理、处理人联系客户（记为“发给客户”的电话、短信或邮件）或解决时达成"


def test_r4_7_the_list_names_the_next_running_target_before_a_paused_one(agent, tech):
    running = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 25, 11, 55))
    rows = work_order_targets_many(actor=agent, work_orders=[running])
    assert rows[running.pk][0].target.kind == "first_response"  # due 12:05, the first deadline
    paused = _waiting_after_the_resolution_was_due(agent, tech)
    first = work_order_targets_many(actor=agent, work_orders=[paused])[paused.pk][0]
    assert first.target.kind == "resolution"  # paused but overdue: still the first thing to see
