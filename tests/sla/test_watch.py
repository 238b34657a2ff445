"""R-4.7: the periodic watcher warns at 80 % and escalates at breach, exactly once per target
(also when run twice or by two workers at once), and records each breach."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from aftersales.accounts.models import Team
from aftersales.core.models import OutboxMessage
from aftersales.sla.models import SlaBreach, WorkOrderTarget
from aftersales.sla.services import sla_scan
from aftersales.sla.tasks import sla_scan_periodic
from aftersales.workorders import services as wo_services
from tests.factories import UserFactory, make_work_order
from tests.sla.conftest import at

pytestmark = pytest.mark.clock("2026-11-25T12:00:00+08:00")  # written about November 2026


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


@pytest.fixture
def tech(db):
    return UserFactory(role="technician")


def first_response(wo):
    return WorkOrderTarget.objects.get(work_order=wo, kind="first_response")


def messages(prefix):
    return OutboxMessage.objects.filter(dedupe_key__startswith=prefix)


@pytest.fixture
def web_request(agent, seeded):
    """A P2 request from the portal form on Monday 23 Nov 2026 10:00: first response due 10:10."""
    return make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 23, 10))


def test_r4_7_warns_the_owner_at_80_percent_once(web_request, agent):
    target = first_response(web_request)
    assert target.warn_at == at(2026, 11, 23, 10, 8)
    assert sla_scan(now=at(2026, 11, 23, 10, 7)) == {"warned": 0, "escalated": 0}
    assert sla_scan(now=at(2026, 11, 23, 10, 8)) == {"warned": 1, "escalated": 0}
    sent = messages(f"sla:{target.pk}:warn")
    assert {m.channel for m in sent} == {"in_app", "email", "sms"}
    assert {m.recipient_id for m in sent} == {agent.pk}  # unassigned: the first-contact owner
    assert "SR-" in sent.first().subject
    assert sla_scan(now=at(2026, 11, 23, 10, 9)) == {"warned": 0, "escalated": 0}
    assert messages(f"sla:{target.pk}:warn").count() == 3
    target.refresh_from_db()
    assert target.warned_at == at(2026, 11, 23, 10, 8)


def test_r4_7_warns_the_assignee_when_there_is_one(agent, tech, seeded):
    wo = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 23, 10))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    response = WorkOrderTarget.objects.get(work_order=wo, kind="response")  # 4 h: warned at 13:12
    sla_scan(now=at(2026, 11, 23, 13, 12))
    assert {m.recipient_id for m in messages(f"sla:{response.pk}:warn")} == {tech.pk}


def test_r4_7_escalates_to_the_teams_supervisor_and_records_the_breach(agent, tech, seeded):
    team = Team.objects.create(name="华东服务组")
    tech.team = team
    tech.save()
    boss = UserFactory(role="supervisor")
    boss.team = team
    boss.save()
    other_boss = UserFactory(role="supervisor")
    wo = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 23, 10))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    response = WorkOrderTarget.objects.get(work_order=wo, kind="response")
    result = sla_scan(now=at(2026, 11, 23, 14))
    assert result["escalated"] == 1
    response.refresh_from_db()
    assert response.breached
    assert response.escalated_at == at(2026, 11, 23, 14)
    assert response.warned_at == at(2026, 11, 23, 14)  # claimed, no separate warning after the due time
    assert not messages(f"sla:{response.pk}:warn").exists()
    sent = messages(f"sla:{response.pk}:breach")
    assert {m.recipient_id for m in sent} == {boss.pk}
    assert other_boss.pk not in {m.recipient_id for m in sent}
    breach = SlaBreach.objects.get(target=response)
    assert (breach.due_at, breach.met_at, breach.overdue_seconds) == (at(2026, 11, 23, 14), None, None)
    assert (breach.assignee, breach.team, breach.kind) == (tech, team, "response")
    # met later: the breach says when and by how much
    wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    breach.refresh_from_db()
    assert breach.met_at is not None
    assert breach.overdue_seconds == int((breach.met_at - breach.due_at).total_seconds())


def test_r4_7_without_a_team_every_supervisor_hears(web_request):
    bosses = {UserFactory(role="supervisor").pk, UserFactory(role="supervisor").pk}
    sla_scan(now=at(2026, 11, 23, 10, 11))
    target = first_response(web_request)
    assert {m.recipient_id for m in messages(f"sla:{target.pk}:breach")} == bosses


def test_r4_7_running_twice_writes_nothing_new(web_request):
    UserFactory(role="supervisor")
    now = at(2026, 11, 24, 12)  # every intake target of the request is overdue by now
    first = sla_scan(now=now)
    count = OutboxMessage.objects.count()
    breaches = SlaBreach.objects.count()
    # first response, response, resolution, green 24 h, appointment agreed (a repair on site, R-4.4)
    assert first["escalated"] == breaches == 5
    assert sla_scan(now=now) == {"warned": 0, "escalated": 0}
    assert sla_scan(now=now + dt.timedelta(hours=1)) == {"warned": 0, "escalated": 0}
    assert (OutboxMessage.objects.count(), SlaBreach.objects.count()) == (count, breaches)


def test_r4_6_r4_7_paused_and_met_targets_are_not_watched(agent, tech, seeded):
    """Paused before any target was due (two hours after receipt): the watcher leaves them alone.
    A target paused after its due time is another matter (test_target_display)."""
    wo = make_work_order(agent, priority="P2", channel="phone", received_at=at(2026, 11, 25, 10))
    wo_services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    wo_services.work_order_start(actor=tech, work_order_id=wo.pk)
    wo_services.work_order_wait(actor=tech, work_order_id=wo.pk, on="customer", reason="等待客户回复")
    assert sla_scan(now=at(2026, 11, 30, 10)) == {"warned": 0, "escalated": 0}


@pytest.mark.django_db(transaction=True)
def test_r4_7_the_scan_refuses_to_run_inside_a_transaction():
    agent = UserFactory(role="agent")
    make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 23, 10))
    with transaction.atomic(), pytest.raises(RuntimeError):
        sla_scan(now=at(2026, 11, 24, 12))


def test_r4_7_the_periodic_task_is_a_thin_wrapper(web_request):
    result = sla_scan_periodic.call_local()
    assert set(result) == {"warned", "escalated"}


def test_r4_7_the_scan_query_count_does_not_grow_with_open_targets(web_request, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        sla_scan(now=at(2026, 11, 23, 10, 1))  # nothing due: two indexed queries


@pytest.mark.django_db(transaction=True)
def test_r4_7_two_workers_at_once_escalate_each_target_exactly_once():
    agent = UserFactory(role="agent")
    UserFactory(role="supervisor")
    orders = [make_work_order(agent, priority="P2", channel="web", received_at=at(2026, 11, 23, 10)) for _ in range(5)]
    now = at(2026, 11, 24, 12)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(sla_scan(now=now))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r["escalated"] for r in results) == 4 * len(orders)
    assert SlaBreach.objects.count() == 4 * len(orders)
    for target in WorkOrderTarget.objects.filter(breached=True):
        assert messages(f"sla:{target.pk}:breach").count() == 3  # in-app, e-mail, SMS to one supervisor
