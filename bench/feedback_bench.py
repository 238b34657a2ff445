"""Batch-fault counting (R-8.4) at 1,000,000 work orders: intake with counting on, and the
incident list and page.

    .venv/bin/python bench/feedback_bench.py --rows 1000000 [--open-batches 10000] [--creates 300 --rounds 5]

Uses its own SQLite database (``/tmp/aftersales-bench/feedback-<rows>``, or ``--data-dir``) and
``workorders_bench.load`` for the work orders (every product in batch B2601-01, all repairs).
Then, once, it fills the counting tables as intake would have (a ledger row per loaded work
order, the per-batch and per-day balances, by INSERT … SELECT) and ``--open-batches`` open
incidents of other batches (each with its level and checklist), so the incidents list has that
many open batches to pick from. It measures:

* work orders created per second through ``POST /api/v1/work-orders`` (token), alternating
  rounds with batch counting on and off (the hook replaced by a no-op), so both rates come from
  the same minutes of a shared machine; the loaded batches are past the threshold, so the first
  report of each opens its incident and every later one increments it (the 4-statement path);
* the median of ``--runs`` requests of ``GET /api/v1/incidents`` (all, and filtered by model and
  batch), the incidents page and one incident's page, as a supervisor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workorders_bench as wb

AIMS = {"creates_per_s": 300.0, "incident_ms": 50.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--open-batches", type=int, default=10_000, help="open incidents of other batches")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5, help="rounds with counting on (and as many off)")
    parser.add_argument("--data-dir", default="")
    args = parser.parse_args()
    args.db, args.pg_url = "sqlite", ""
    args.data_dir = args.data_dir or f"/tmp/aftersales-bench/feedback-{args.rows}"  # noqa: S108 - scratch
    return args


def fill_counts(open_batches: int) -> dict[str, Any]:
    """The ledger and balances of the loaded work orders, and ``open_batches`` open incidents."""
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.catalog.models import ProductModel
    from aftersales.feedback.incidents import CHECKLIST
    from aftersales.feedback.models import FaultReport, Incident, IncidentLevel, IncidentTask

    if FaultReport.objects.exists():
        return {"filled": False, "seconds": 0.0}
    started = time.monotonic()
    day = "date(wo.received_at, '+8 hours')"  # the local (Asia/Shanghai) day, as counting keeps it
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO feedback_faultreport (work_order_id, product_model_id, batch, reported_at, region_id) "
            "SELECT wo.id, ip.product_model_id, ip.batch, wo.received_at, c.region_id "
            "FROM workorders_workorder wo JOIN customers_installedproduct ip ON ip.id = wo.installed_product_id "
            "JOIN customers_customer c ON c.id = wo.customer_id WHERE ip.batch <> ''"
        )
        cursor.execute(
            "INSERT INTO feedback_faultcounter (product_model_id, batch, reports) "
            "SELECT product_model_id, batch, COUNT(*) FROM feedback_faultreport GROUP BY product_model_id, batch"
        )
        cursor.execute(
            "INSERT INTO feedback_faultdaycount (product_model_id, batch, day, reports) "  # noqa: S608 - constant
            f"SELECT ip.product_model_id, ip.batch, {day}, COUNT(*) FROM workorders_workorder wo "
            "JOIN customers_installedproduct ip ON ip.id = wo.installed_product_id WHERE ip.batch <> '' "
            f"GROUP BY ip.product_model_id, ip.batch, {day}"
        )
    models = list(ProductModel.objects.values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic():
        incidents = Incident.objects.bulk_create(
            [
                Incident(
                    product_model_id=models[i % len(models)], batch=f"BX{i:06d}", level="I", reports=10, opened_at=now
                )
                for i in range(open_batches)
            ],
            batch_size=2000,
        )
        IncidentLevel.objects.bulk_create(
            [IncidentLevel(incident=i, level="I", reached_at=now, reports=10) for i in incidents], batch_size=2000
        )
        IncidentTask.objects.bulk_create(
            [
                IncidentTask(
                    incident=i, level="I", kind=plan.kind, due_at=now + dt_hours(plan.hours) if plan.hours else None
                )
                for i in incidents
                for plan in CHECKLIST["I"]
            ],
            batch_size=2000,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO feedback_faultcounter (product_model_id, batch, reports, incident_id) "
                "SELECT product_model_id, batch, reports, id FROM feedback_incident WHERE batch LIKE 'BX%'"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"filled": True, "seconds": time.monotonic() - started}


def dt_hours(hours: int) -> Any:
    import datetime as dt

    return dt.timedelta(hours=hours)


def _round(client: Any, creates: int) -> tuple[float, float]:
    """One round: creates per second of wall clock and per second of this process's CPU time
    (the machine is shared; CPU time leaves out the waits for a core, SQLite runs in-process)."""
    cpu = time.process_time()
    (wall,) = wb.creation_rate(client, creates)
    return wall, creates / (time.process_time() - cpu)


def rates(client: Any, args: argparse.Namespace) -> dict[str, list[float]]:
    """Alternating rounds with counting on and off (the intake hook replaced by a no-op)."""
    from aftersales.workorders.services import intake

    real = intake.count_fault_report
    out: dict[str, list[float]] = {"on": [], "on_cpu": [], "off": [], "off_cpu": []}
    wb.creation_rate(client, args.creates)  # warm-up: opens the loaded batches' incidents
    for _round_no in range(args.rounds):
        for state, hook in (("on", real), ("off", lambda **kwargs: None)):
            intake.count_fault_report = hook  # type: ignore[assignment]
            wall, cpu = _round(client, args.creates)
            out[state].append(wall)
            out[f"{state}_cpu"].append(cpu)
    intake.count_fault_report = real  # type: ignore[assignment]
    return out


def main() -> None:
    args = parse_args()
    wb.configure(args)
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from aftersales.accounts.models import User
    from aftersales.feedback.counting import fault_counts_check
    from aftersales.feedback.models import FaultReport, Incident
    from aftersales.workorders.models import WorkOrder

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loaded = wb.load(args.rows)
    filled = fill_counts(args.open_batches)
    supervisor, _created = User.objects.get_or_create(username="bench-supervisor", defaults={"display_name": "主管"})
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    agent = User.objects.get(username="bench-agent0")

    measured_rates = rates(wb.token_client(agent.username), args)
    client = Client()
    client.force_login(supervisor)
    hot = Incident.objects.filter(status="open").exclude(batch__startswith="BX").order_by("-reports").first()
    assert hot is not None, "the loaded batches should have opened incidents"
    measured = [
        ("API GET /incidents (newest 100 of all)", "/api/v1/incidents"),
        (
            "API GET /incidents?product_model_id=&batch=",
            f"/api/v1/incidents?product_model_id={hot.product_model_id}&batch={hot.batch}",
        ),
        ("incidents page (open, level I)", "/feedback/incidents/?status=open&level=I"),
        (f"incident page ({hot.reports:,} reports, level {hot.level})", f"/feedback/incidents/{hot.pk}/"),
        ("reference: the work-order list's first page", "/work-orders/"),
    ]
    rows = [(label, *wb.median_ms(client, url, args.runs)) for label, url in measured]
    # The synthetic open batches (BX…) have balances without ledger rows; every other batch must agree.
    problems = [p for p in fault_counts_check() if "BX" not in p] if args.rows <= 100_000 else ["(skipped)"]
    problems = [p for p in problems if not p.startswith("incident ") or int(p.split()[1][:-1]) > args.open_batches]

    print(f"\n$ .venv/bin/python bench/feedback_bench.py {' '.join(sys.argv[1:])}")
    print(
        f"database: {connection.vendor}, {WorkOrder.objects.count():,} work orders, "
        f"{FaultReport.objects.count():,} fault reports, {Incident.objects.filter(status='open').count():,} open incidents"
    )
    if loaded["loaded"] or filled["filled"]:
        print(f"loaded in {loaded['seconds']:.0f} s, counts filled in {filled['seconds']:.0f} s")
    print(f"\n| {'measurement':<52} | {'median ms':>9} | {'SQL statements':>14} | aim |")
    print(f"|{'-' * 54}|{'-' * 11}|{'-' * 16}|-----|")
    for label, ms, statements in rows:
        ok = "ok" if ms < AIMS["incident_ms"] else "MISS"
        print(f"| {label:<52} | {ms:>9.1f} | {statements:>14} | {ok} |")
    for state in ("on", "off"):
        wall, cpu = measured_rates[state], measured_rates[f"{state}_cpu"]
        verdict = "ok" if statistics.median(wall) >= AIMS["creates_per_s"] else "MISS"
        print(
            f"POST /api/v1/work-orders, counting {state:>3}: {statistics.median(wall):.0f}/s wall ({verdict}), "
            f"{statistics.median(cpu):.0f}/s of CPU time; rounds {', '.join(f'{r:.0f}' for r in wall)}"
        )
    print(f"ledger and balances: {'agree' if not problems else problems[:5]}")


if __name__ == "__main__":
    main()
