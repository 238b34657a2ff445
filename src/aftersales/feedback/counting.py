"""Fault reports per product model and batch, and the incidents they open and raise (R-8.4).

Called by intake inside its transaction (``count_fault_report``) and by whatever changes a work
order's product (``fault_report_move``). No scan per intake; the statements of one counted
intake, all on indexed single rows:

1. ``FaultCounter`` upsert (``INSERT … ON CONFLICT DO UPDATE SET reports = reports + 1
   RETURNING``): the balance of the (model, batch), its open incident and the rule's change
   stamp (a scalar subquery, so the cached rule is checked without a statement of its own,
   ``rule``). Its row lock orders
   every report of one batch, on SQLite (one writer) and PostgreSQL (a second upsert of the same
   row waits for the first to commit, then adds to the committed value), so two intakes that
   commit at the same moment both count and see each other's count.
2. ``FaultDayCount`` upsert: the report's local day (the chart and the window).
3. The ``FaultReport`` ledger row (one prepared INSERT).
4. With an incident open: ``UPDATE incident SET reports = reports + 1 RETURNING reports, level``
   (under the counter's lock, so each report gets its own number and a level is reached by
   exactly one of them); else, when the batch's balance reaches the threshold at all, the rule
   (from the per-process cache while its stamp is unchanged) and the window count.

The rolling window, exactly: a report counts when ``reported_at >= now - window`` (a report 7
days old counts, 7 days and 1 second does not). The count is the day buckets of the days after
the cutoff's local day (at most ``window`` rows) plus the ledger rows of the cutoff's own day at
or after the cutoff (an index range over one day of one batch). After an incident of the batch
closes, the window starts no earlier than the close, so the next incident counts new reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from aftersales.catalog.models import ServiceType
from aftersales.core import stamps
from aftersales.core.db import insert
from aftersales.core.models import ChangeStamp
from aftersales.feedback.models import (
    LEVEL_ORDER,
    FaultCounter,
    FaultDayCount,
    FaultReport,
    FeedbackRule,
    Incident,
    Level,
)

# the work orders that are fault reports (with an installed product that has a batch).
COUNTED_SERVICE_TYPES = frozenset({ServiceType.REPAIR, ServiceType.GUARANTEE, ServiceType.COMPLAINT})
# The smallest opening threshold the rule allows (its check constraint): below it, no window count.
MIN_THRESHOLD = 2
# Upper bounds of the levels: I up to 50 reports, II 51 to 200, III over 200.
LEVEL_I_MAX, LEVEL_II_MAX = 50, 200

_COUNTER = FaultCounter._meta.db_table
_DAY = FaultDayCount._meta.db_table
_REPORT = FaultReport._meta.db_table
_INCIDENT = Incident._meta.db_table
_STAMP = ChangeStamp._meta.db_table
# Renewed by triggers on the rule's table (migration 0005, ``feedback/triggers.py``).
RULE_STAMP_KEY = "feedback-rule"


def level_for(reports: int) -> str:
    if reports <= LEVEL_I_MAX:
        return Level.I
    if reports <= LEVEL_II_MAX:
        return Level.II
    return Level.III


# ---- the per-process cache of the rule -----------------------------------------------------
# Intake asks for the rule whenever a batch without an open incident has 2 reports or more; the
# administrator changes it a few times a year. The cache is trusted only while the
# ``feedback-rule`` change stamp (core/stamps.py: triggers renew it on every write to the rule's
# table, however made) is the one it was loaded under, as the SLA policies' cache. The cached
# FeedbackRule is shared between requests: read it, never change it.


@dataclass(frozen=True, slots=True)
class _RuleSnapshot:
    token: int
    rule: FeedbackRule


_rule_snapshot: _RuleSnapshot | None = None


def rule() -> FeedbackRule:
    """The administrator's rule row, or the defaults when none was saved: the stamp (one
    single-row SELECT), then the row only when the stamp changed."""
    return _rule_at(stamps.token(RULE_STAMP_KEY))


def _rule_at(token: int | None) -> FeedbackRule:
    """The rule as of ``token``, the stamp read in the caller's transaction (None: no stamp row,
    e.g. after a test flush; then nothing is cached)."""
    global _rule_snapshot  # one reference, swapped whole
    snapshot = _rule_snapshot
    if token is not None and snapshot is not None and snapshot.token == token:
        return snapshot.rule
    # Loaded after the token was read: never older than the token it is stored under.
    current = FeedbackRule.objects.filter(pk=1).first() or FeedbackRule(pk=1)
    if token is not None:
        _rule_snapshot = _RuleSnapshot(token=token, rule=current)
    return current


@dataclass(frozen=True, slots=True)
class Key:
    product_model_id: int
    batch: str


def key_of(work_order: Any) -> Key | None:
    """What a work order counts towards, or None: a repair, guarantee or complaint whose
    installed product has a batch (the product's model, which intake copies onto the order). A
    cancelled work order (withdrawn, a duplicate, raised in error) reports no fault."""
    if work_order.status == "cancelled":
        return None
    if work_order.service_type not in COUNTED_SERVICE_TYPES or work_order.installed_product_id is None:
        return None
    product = work_order.installed_product
    batch = (product.batch or "").strip()
    if not batch:
        return None
    return Key(product.product_model_id, batch)


def _dt(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _day(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def count_fault_report(*, work_order: Any, now: dt.datetime | None = None) -> FaultReport | None:
    """Count a new work order towards its (model, batch); inside the caller's transaction."""
    key = key_of(work_order)
    if key is None:
        return None
    return _add(work_order, key, now or timezone.now())


def _add(work_order: Any, key: Key, now: dt.datetime) -> FaultReport:
    at = work_order.received_at
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_COUNTER} (product_model_id, batch, reports, incident_id) VALUES (%s, %s, 1, NULL) "  # noqa: S608 - table names
            f"ON CONFLICT (product_model_id, batch) DO UPDATE SET reports = {_COUNTER}.reports + 1 "
            f"RETURNING reports, incident_id, (SELECT token FROM {_STAMP} WHERE key = %s)",
            [key.product_model_id, key.batch, RULE_STAMP_KEY],
        )
        balance, incident_id, rule_token = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {_DAY} (product_model_id, batch, day, reports) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (product_model_id, batch, day) DO UPDATE SET reports = {_DAY}.reports + 1",
            [key.product_model_id, key.batch, _day(_local_day(at))],
        )
    report = FaultReport(
        work_order_id=work_order.pk,
        product_model_id=key.product_model_id,
        batch=key.batch,
        reported_at=at,
        region_id=work_order.customer.region_id,
        incident_id=incident_id,
    )
    insert([report])
    if incident_id is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_INCIDENT} SET reports = reports + 1 WHERE id = %s RETURNING reports, level",  # noqa: S608
                [incident_id],
            )
            reports, level = cursor.fetchone()
        if LEVEL_ORDER[level_for(reports)] > LEVEL_ORDER[level]:
            from aftersales.feedback.incidents import incident_rise

            incident_rise(incident_id=incident_id, reports=reports, now=now, region_id=report.region_id)
    elif balance >= MIN_THRESHOLD:
        _maybe_open(key, balance, now, report, None if rule_token is None else int(rule_token))
    return report


def window_start(key: Key, now: dt.datetime, window_days: int) -> dt.datetime:
    """The earliest report time that counts now: ``now - window``, but not before the close of
    the batch's last incident."""
    start = now - dt.timedelta(days=window_days)
    last_closed = (
        Incident.objects.filter(product_model_id=key.product_model_id, batch=key.batch, closed_at__isnull=False)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    return max(start, last_closed) if last_closed else start


def window_count(key: Key, start: dt.datetime) -> int:
    """Active reports of ``key`` with ``reported_at >= start``: the day buckets after the start's
    local day plus the ledger rows of that day from ``start`` on. Exact to the microsecond."""
    edge_day = _local_day(start)
    next_midnight = timezone.make_aware(dt.datetime.combine(edge_day + dt.timedelta(days=1), dt.time()))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE((SELECT SUM(reports) FROM {_DAY} WHERE product_model_id = %s AND batch = %s AND day > %s), 0)"  # noqa: S608
            f" + (SELECT COUNT(*) FROM {_REPORT} WHERE product_model_id = %s AND batch = %s"
            " AND reported_at >= %s AND reported_at < %s AND withdrawn_at IS NULL)",
            [
                key.product_model_id,
                key.batch,
                _day(edge_day),
                key.product_model_id,
                key.batch,
                _dt(start),
                _dt(next_midnight),
            ],
        )
        return int(cursor.fetchone()[0])


def _maybe_open(key: Key, balance: int, now: dt.datetime, report: FaultReport, rule_token: int | None) -> None:
    current = _rule_at(rule_token)
    if balance < current.open_threshold:
        return  # fewer reports than the threshold ever: no window can hold enough
    start = window_start(key, now, current.window_days)
    if window_count(key, start) < current.open_threshold:
        return
    from aftersales.feedback.incidents import incident_open

    report.incident_id = incident_open(key=key, window_start=start, now=now, region_id=report.region_id).pk


def fault_report_move(*, work_order: Any, now: dt.datetime | None = None) -> FaultReport | None:
    """The work order's product (or its batch) changed: withdraw its count from where it was
    and count it where it is now; inside the caller's transaction. Nothing when it still counts
    towards the same (model, batch). Returns the active report, if any."""
    now = now or timezone.now()
    old = FaultReport.objects.filter(work_order_id=work_order.pk, withdrawn_at__isnull=True).first()
    new_key = key_of(work_order)
    old_key = Key(old.product_model_id, old.batch) if old else None
    if old_key == new_key:
        return old
    # Both counter rows are locked first, in one order (model id, batch), so two moves never
    # deadlock; then the old row is withdrawn before the new one is added (one active row).
    keys = sorted((k for k in (old_key, new_key) if k is not None), key=lambda k: (k.product_model_id, k.batch))
    for key in keys:
        list(FaultCounter.objects.select_for_update().filter(product_model_id=key.product_model_id, batch=key.batch))
    if old is not None:
        _withdraw(old, now)
    added = _add(work_order, new_key, now) if new_key is not None else None
    return added


def _withdraw(report: FaultReport, now: dt.datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_COUNTER} SET reports = reports - 1 WHERE product_model_id = %s AND batch = %s",  # noqa: S608
            [report.product_model_id, report.batch],
        )
        cursor.execute(
            f"UPDATE {_DAY} SET reports = reports - 1 WHERE product_model_id = %s AND batch = %s AND day = %s",  # noqa: S608
            [report.product_model_id, report.batch, _day(_local_day(report.reported_at))],
        )
        if report.incident_id is not None:
            # The incident loses the report; a level once reached stays (levels only rise).
            cursor.execute(
                f"UPDATE {_INCIDENT} SET reports = reports - 1 WHERE id = %s AND status = 'open'",  # noqa: S608
                [report.incident_id],
            )
    FaultReport.objects.filter(pk=report.pk).update(withdrawn_at=now)


def fault_counts_check() -> list[str]:
    """The ledger and the balances agree (ARCHITECTURE): per (model, batch) the counter and the
    day buckets hold the number of active ledger rows, and each open incident's count is the
    number of active rows behind it. Returns the disagreements (empty when all agree)."""
    from django.db.models import Count, Sum

    problems: list[str] = []
    ledger = {
        (row["product_model_id"], row["batch"]): row["n"]
        for row in FaultReport.objects.filter(withdrawn_at__isnull=True)
        .values("product_model_id", "batch")
        .annotate(n=Count("id"))
    }
    counters = {(c.product_model_id, c.batch): c.reports for c in FaultCounter.objects.all()}
    days = {
        (row["product_model_id"], row["batch"]): row["n"]
        for row in FaultDayCount.objects.values("product_model_id", "batch").annotate(n=Sum("reports"))
    }
    for key in set(ledger) | set(counters) | set(days):
        have = (ledger.get(key, 0), counters.get(key, 0), days.get(key, 0) or 0)
        if len(set(have)) != 1:
            problems.append(f"{key}: ledger {have[0]}, counter {have[1]}, days {have[2]}")
    behind = dict(
        FaultReport.objects.filter(withdrawn_at__isnull=True, incident__isnull=False)
        .values("incident_id")
        .annotate(n=Count("id"))
        .values_list("incident_id", "n")
    )
    for incident in Incident.objects.filter(status=Incident.Status.OPEN):
        if incident.reports != behind.get(incident.pk, 0):
            problems.append(
                f"incident {incident.pk}: {incident.reports} reports, {behind.get(incident.pk, 0)} behind it"
            )
    return problems
