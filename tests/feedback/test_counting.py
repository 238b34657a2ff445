"""R-8.4 batch-fault counting: which work orders count, the rolling window's edges, the levels'
boundaries, a moved work order moving its count, and the ledger agreeing with its balances."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.core.models import OutboxMessage
from aftersales.feedback.counting import fault_counts_check, fault_report_move
from aftersales.feedback.models import FaultCounter, FaultReport, FeedbackRule, Incident, IncidentLevel, IncidentTask
from aftersales.workorders.models import WorkOrder
from tests.factories import InstalledProductFactory, make_work_order
from tests.feedback.conftest import batch_product, report

pytestmark = pytest.mark.django_db

NOW = "2026-11-25T12:00:00+08:00"


def _incident(model, batch="B2026-11"):
    return Incident.objects.filter(product_model=model, batch=batch).first()


def test_r8_4_only_repairs_guarantees_and_complaints_with_a_batch_count(agent, model):
    report(agent, model, service_type="repair")
    report(agent, model, service_type="guarantee")
    report(agent, model, service_type="complaint", colour="yellow")
    report(agent, model, service_type="consultation")
    report(agent, model, service_type="installation")
    make_work_order(agent, InstalledProductFactory(product_model=model, batch=""))
    make_work_order(agent, None, installed_product_id=None, customer_id=batch_product(model).customer_id)
    assert FaultCounter.objects.get(product_model=model, batch="B2026-11").reports == 3
    assert FaultReport.objects.count() == 3
    assert fault_counts_check() == []


@pytest.mark.clock(NOW, tick=False)
def test_r8_4_a_report_seven_days_and_one_second_old_does_not_count(agent, model):
    now = timezone.now()
    for _ in range(9):
        report(agent, model, received_at=now - dt.timedelta(days=7, seconds=1))
    report(agent, model)
    assert _incident(model) is None  # 1 in the window, 9 just outside it


@pytest.mark.clock(NOW, tick=False)
def test_r8_4_a_report_exactly_seven_days_old_counts(agent, model, owners):
    now = timezone.now()
    for _ in range(9):
        report(agent, model, received_at=now - dt.timedelta(days=7))
    assert _incident(model) is None
    report(agent, model)
    incident = _incident(model)
    assert incident is not None
    assert incident.reports == 10
    assert incident.level == "I"


@pytest.mark.clock(NOW, tick=False)
def test_r8_4_the_window_edge_inside_a_day_counts_to_the_second(agent, model):
    """The cutoff falls in the middle of a local day: the day's reports before it do not count,
    those at or after it do (the ledger's timestamps, not the day bucket)."""
    now = timezone.now()
    edge = now - dt.timedelta(days=7)
    for seconds in (-3600, -1, 0, 1, 3600):  # two before the cutoff, three at or after it
        report(agent, model, received_at=edge + dt.timedelta(seconds=seconds))
    for _ in range(6):
        report(agent, model, received_at=now - dt.timedelta(days=3))
    assert _incident(model) is None  # 3 + 6 = 9
    report(agent, model)
    assert _incident(model).reports == 10


def test_r8_4_level_boundaries_10_50_51_200_201(agent, model, owners):
    """Opens at the 10th report (level I), I up to 50, II from 51 to 200, III from 201; each
    level reached once, its owner told once, its checklist and deadlines stored."""
    for n in range(1, 202):
        report(agent, model)
        incident = _incident(model)
        if n < 10:
            assert incident is None, n
            continue
        assert incident.reports == n
        expected = "I" if n <= 50 else "II" if n <= 200 else "III"
        assert incident.level == expected, n
    levels = list(IncidentLevel.objects.filter(incident=incident).values_list("level", "reports", "owner__username"))
    assert levels == [("I", 10, "region-manager"), ("II", 51, "tech-dept"), ("III", 201, "ceo")]
    told = OutboxMessage.objects.filter(topic=f"incident:{incident.pk}", kind="incident_level", channel="in_app")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["ceo", "region-manager", "tech-dept"]
    kinds = set(IncidentTask.objects.filter(incident=incident).values_list("kind", flat=True))
    assert {"detection", "compensation_plan", "public_statement", "apology", "recall_plan"} <= kinds
    apology = IncidentTask.objects.get(incident=incident, kind="apology")
    level_iii = IncidentLevel.objects.get(incident=incident, level="III")
    assert apology.due_at == level_iii.reached_at + dt.timedelta(hours=12)
    assert fault_counts_check() == []


def test_r8_4_the_threshold_is_a_setting(agent, model):
    FeedbackRule.objects.filter(pk=1).update(open_threshold=3)
    for _ in range(3):
        report(agent, model)
    assert _incident(model).reports == 3


def _rule_reads(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "feedback_feedbackrule" in q["sql"]]


def test_r8_4_a_warm_intake_does_not_read_the_rule_row(agent, model):
    """The rule is cached behind its change stamp, which the counter's upsert returns: a counted
    intake below the threshold reads neither the rule row nor the stamp on its own."""
    for _ in range(2):
        report(agent, model)  # the second asks for the rule: now cached
    with CaptureQueriesContext(connection) as ctx:
        report(agent, model)
    assert _rule_reads(ctx) == []
    own_stamp_reads = [q for q in ctx.captured_queries if "feedback-rule" in q["sql"] and "INSERT" not in q["sql"]]
    assert own_stamp_reads == []  # the stamp came back with the counter's upsert


@pytest.mark.parametrize("how", ["save", "update"])
def test_r8_4_an_edited_rule_takes_effect_at_once(agent, model, how):
    """R-8.4 / STYLE rule 7: the administrator lowers the threshold (in the admin: a save; or any
    UPDATE): the very next report uses it, though the old rule was cached."""
    for _ in range(2):
        report(agent, model)  # the default rule (threshold 10) is cached now
    assert _incident(model) is None
    if how == "save":
        current = FeedbackRule.objects.filter(pk=1).first() or FeedbackRule(pk=1)
        current.open_threshold = 3
        current.save()
    else:
        FeedbackRule.objects.filter(pk=1).update(open_threshold=3)
    with CaptureQueriesContext(connection) as ctx:
        report(agent, model)
    assert len(_rule_reads(ctx)) == 1  # the stamp changed: read again, once
    assert _incident(model).reports == 3
    with CaptureQueriesContext(connection) as ctx:
        report(agent, model)  # the incident is open now; and the rule is cached again
    assert _rule_reads(ctx) == []


def test_r8_4_batches_and_models_count_apart(agent, model):
    for _ in range(9):
        report(agent, model, "B-A")
        report(agent, model, "B-B")
    assert not Incident.objects.exists()


def test_r8_4_a_work_order_moved_to_another_batch_moves_its_count(agent, model, owners):
    orders = [report(agent, model) for _ in range(10)]
    incident = _incident(model)
    assert incident.reports == 10
    wo = WorkOrder.objects.select_related("installed_product", "customer").get(pk=orders[0].pk)
    wo.installed_product = batch_product(model, "B-OTHER")
    with transaction.atomic():
        fault_report_move(work_order=wo)
    incident.refresh_from_db()
    assert incident.reports == 9
    assert FaultCounter.objects.get(product_model=model, batch="B2026-11").reports == 9
    assert FaultCounter.objects.get(product_model=model, batch="B-OTHER").reports == 1
    assert FaultReport.objects.filter(work_order=wo, withdrawn_at__isnull=True).get().batch == "B-OTHER"
    assert FaultReport.objects.filter(work_order=wo).count() == 2  # the ledger keeps the withdrawn row
    with transaction.atomic():
        fault_report_move(work_order=wo)  # unchanged: nothing moves
    assert FaultReport.objects.filter(work_order=wo).count() == 2
    assert fault_counts_check() == []


def test_r8_4_a_retried_intake_counts_once(agent, model):
    product = batch_product(model)
    make_work_order(agent, product, idempotency_key="retry-1")
    make_work_order(agent, product, idempotency_key="retry-1")
    assert FaultCounter.objects.get(product_model=model).reports == 1


def test_r8_4_counting_adds_bounded_statements_to_intake(agent, model, owners):
    """The counting statements of one intake (bench/README): counter, day bucket, ledger row,
    and the open incident's count; no scan. Below the threshold on a new batch: three."""
    report(agent, model, "WARM")
    with CaptureQueriesContext(connection) as ctx:
        report(agent, model, "NEW")
    touching = [q["sql"] for q in ctx.captured_queries if "feedback_" in q["sql"]]
    assert len(touching) == 3
    for _ in range(10):
        report(agent, model)
    with CaptureQueriesContext(connection) as ctx:
        report(agent, model)
    touching = [q["sql"] for q in ctx.captured_queries if "feedback_" in q["sql"]]
    assert len(touching) == 4
    assert not any("COUNT(" in sql.upper() or "SUM(" in sql.upper() for sql in touching)


def test_r8_4_changing_a_work_orders_product_moves_its_count(agent, model, owners):
    """The work-order service that corrects the product (workorders.services.product) moves the
    count: the incident loses the report, the new batch gains it, the timeline says why."""
    from aftersales.core.errors import DomainError
    from aftersales.workorders.services import work_order_product_change

    orders = [report(agent, model) for _ in range(10)]
    incident = _incident(model)
    wo = orders[0]
    other = InstalledProductFactory(customer=wo.customer, product_model=model, batch="B-RIGHT")
    work_order_product_change(actor=agent, work_order_id=wo.pk, installed_product_id=other.pk, reason="序列号读错")
    incident.refresh_from_db()
    assert incident.reports == 9
    assert FaultCounter.objects.get(product_model=model, batch="B-RIGHT").reports == 1
    assert wo.events.filter(action="product").exists()
    assert fault_counts_check() == []
    stranger = InstalledProductFactory(batch="B-X")  # another customer's product
    with pytest.raises(DomainError) as exc:
        work_order_product_change(actor=agent, work_order_id=wo.pk, installed_product_id=stranger.pk, reason="x")
    assert "installed_product_id" in exc.value.fields
