"""Staff notifications about a work order (R-4.7, issue 9): each carries its work order as its topic
and what happened as its kind, so the inbox links it and shows a work order's repeated SLA alerts
as one row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.core.models import OutboxMessage
from aftersales.core.selectors import inbox_groups
from aftersales.sla.services import sla_scan
from aftersales.workorders import services
from tests.factories import UserFactory, make_work_order
from tests.sla.conftest import at

pytestmark = pytest.mark.clock("2026-11-25T12:00:00+08:00")  # written about November 2026


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


@pytest.fixture
def seeded(db):
    """The official calendar of 2026 (the SLA tests' fixture of the same name)."""
    from aftersales.sla.services import calendar_seed_years

    calendar_seed_years(years=[2026])


def test_r4_7_a_work_orders_breaches_are_one_row_for_the_supervisor(agent, seeded):
    boss = UserFactory(role="supervisor")
    wo = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 23, 10))
    other = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 23, 10))
    # A week later every target of both has been missed, one escalation per target.
    assert sla_scan(now=at(2026, 11, 30, 10))["escalated"] >= 4
    alerts = OutboxMessage.objects.filter(recipient=boss, channel="in_app")
    assert set(alerts.values_list("kind", flat=True)) == {"sla_breach"}
    per_order = alerts.filter(topic=f"workorder:{wo.pk}").count()
    assert per_order >= 2
    rows = inbox_groups(actor=boss)
    assert [(row.latest.topic, row.count) for row in rows] == [
        (f"workorder:{other.pk}", per_order),
        (f"workorder:{wo.pk}", per_order),
    ]
    assert rows[1].subject.label == wo.number
    assert rows[1].subject.url == reverse("workorders:detail", args=[wo.pk])


def test_r4_7_the_handlers_warning_links_to_the_work_order(agent, seeded):
    wo = make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 23, 10))
    sla_scan(now=at(2026, 11, 23, 10, 8))
    (warning,) = OutboxMessage.objects.filter(recipient=agent, channel="in_app")
    assert (warning.topic, warning.kind) == (f"workorder:{wo.pk}", "sla_warning")


def test_r3_5_the_owner_hears_of_the_resolution_and_the_handler_of_a_reopening(agent, db):
    tech = UserFactory(role="technician")
    supervisor = UserFactory(role="supervisor")
    wo = make_work_order(agent)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    services.work_order_start(actor=tech, work_order_id=wo.pk, mode="remote")
    services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="已远程处理")
    services.work_order_reopen(actor=supervisor, work_order_id=wo.pk, reason="客户说没好")
    kinds = {
        (m.recipient_id, m.kind) for m in OutboxMessage.objects.filter(channel="in_app", topic=f"workorder:{wo.pk}")
    }
    assert kinds == {(tech.pk, "assigned"), (agent.pk, "resolved"), (tech.pk, "reopened")}
