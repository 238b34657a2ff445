"""Benchmark: the periodic SLA scan (R-4.7) over 100,000 open work orders with stored targets.

Sets up Django against a throw-away SQLite database (or ``--pg-url``), migrates, bulk-creates
``--orders`` open work orders with four targets each (first response met; response, resolution,
progress update open) whose warning and due times are spread over the two weeks around "now";
everything already past was warned/escalated by earlier scans, as in production. Then it times
``sla_scan(now=...)``:

* steady state: nothing newly due since the last run (what most minutes look like);
* with ``--due`` targets newly past their warning time and ``--due`` newly past their due time
  (warnings to the assignee, escalations to the supervisors, breach records, outbox rows). Before
  each timed run those rows are put back to "not yet warned/escalated" (not timed).

    .venv/bin/python bench/sla_scan.py [--orders 100000] [--due 50] [--runs 7] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument(
        "--due", default="10,50", help="targets newly past warn and newly past due per run (comma-separated sizes)"
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pg-url", default="", help="e.g. postgres://postgres@127.0.0.1:5432/aftersales_bench_sla")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one busy scan")
    args = parser.parse_args()
    sizes = [int(v) for v in args.due.split(",")]

    tmp = tempfile.mkdtemp(prefix="sla-scan-bench-")
    os.environ["DATA_DIR"] = tmp
    os.environ["DATABASE_URL"] = args.pg_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction

    from aftersales.accounts.models import Team, User
    from aftersales.core.models import OutboxMessage, Region
    from aftersales.customers.models import Customer
    from aftersales.sla.models import SlaBreach, WorkOrderTarget
    from aftersales.sla.selectors import calendar_default_id
    from aftersales.sla.services import calendar_seed_years, sla_scan
    from aftersales.workorders.models import WorkOrder

    call_command("migrate", verbosity=0)
    if args.pg_url:  # a kept database: start from empty tables
        with transaction.atomic():
            OutboxMessage.objects.all().delete()
            SlaBreach.objects.all().delete()
            WorkOrderTarget.objects.all().delete()
            WorkOrder.objects.all().delete()
    calendar_seed_years(years=[2026])
    rng = random.Random(args.seed)
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)

    region, _created = Region.objects.get_or_create(code="bench", defaults={"name": "基准区"})
    # 8 teams of 5 technicians, one supervisor each (escalations go to the team's supervisor).
    staff = []
    boss_group = Group.objects.get(name="supervisor")
    for t in range(8):
        team, _created = Team.objects.get_or_create(name=f"服务{t}组")
        for i in range(5):
            user, _created = User.objects.get_or_create(
                username=f"bench-tech-{t}-{i}",
                defaults={"email": f"t{t}{i}@example.com", "phone": f"139000{t}{i:04d}", "team": team},
            )
            staff.append(user)
        boss, _created = User.objects.get_or_create(
            username=f"bench-boss-{t}",
            defaults={"email": f"b{t}@example.com", "phone": f"1370000{t:04d}", "team": team},
        )
        boss.groups.add(boss_group)
    customer = Customer.objects.create(code="BENCH", name="基准客户", kind="organisation", region=region)
    calendar_id = calendar_default_id()

    t0 = time.perf_counter()
    batch = 20_000
    week = 7 * 86_400
    for first in range(0, args.orders, batch):
        size = min(batch, args.orders - first)
        with transaction.atomic():
            orders = WorkOrder.objects.bulk_create(
                WorkOrder(
                    number=f"SR-2026-{first + i + 1:07d}",
                    customer=customer,
                    channel="phone",
                    received_at=now - dt.timedelta(seconds=rng.randrange(week)),
                    symptom="空调不制冷",
                    service_type="repair",
                    priority=rng.choice(["P1", "P2", "P3"]),
                    status="in_progress",
                    assignee=rng.choice(staff),
                    owner=staff[0],
                    created_by=staff[0],
                )
                for i in range(size)
            )
            rows = []
            for wo in orders:
                start = wo.received_at
                rows.append(
                    _target(
                        WorkOrderTarget,
                        wo,
                        "first_response",
                        start,
                        start + dt.timedelta(minutes=10),
                        now,
                        calendar_id,
                        met=True,
                    )
                )
                for kind in ("response", "resolution", "progress_update"):
                    due = now + dt.timedelta(seconds=rng.randrange(-week, week))
                    rows.append(_target(WorkOrderTarget, wo, kind, start, due, now, calendar_id))
            WorkOrderTarget.objects.bulk_create(rows, batch_size=5000)
    # The targets that become due during the timed runs: newly past warn / newly past due.
    most = max(sizes)
    open_ids = list(
        WorkOrderTarget.objects.filter(met_at__isnull=True).order_by("?").values_list("pk", flat=True)[: 2 * most]
    )
    warn_ids, breach_ids = open_ids[:most], open_ids[most:]
    WorkOrderTarget.objects.filter(pk__in=warn_ids).update(
        warn_at=now - dt.timedelta(seconds=30), due_at=now + dt.timedelta(hours=1), warned_at=None, escalated_at=None
    )
    WorkOrderTarget.objects.filter(pk__in=breach_ids).update(
        warn_at=now - dt.timedelta(hours=1),
        due_at=now - dt.timedelta(seconds=30),
        warned_at=now - dt.timedelta(hours=1),
        escalated_at=None,
        breached=False,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    load_s = time.perf_counter() - t0

    def reset(n: int) -> None:
        """The first ``n`` of each list become newly due again; the rest stay claimed."""
        with transaction.atomic():
            OutboxMessage.objects.all().delete()
            SlaBreach.objects.all().delete()
            WorkOrderTarget.objects.filter(pk__in=warn_ids[:n]).update(warned_at=None)
            WorkOrderTarget.objects.filter(pk__in=breach_ids[:n]).update(escalated_at=None, breached=False)
            WorkOrderTarget.objects.filter(pk__in=warn_ids[n:]).update(warned_at=now)
            WorkOrderTarget.objects.filter(pk__in=breach_ids[n:]).update(escalated_at=now, breached=True)

    steady: list[float] = []
    busy: dict[int, list[float]] = {n: [] for n in sizes}
    counts: dict[int, dict[str, int]] = {}
    sla_scan(now=now)  # warm-up (and claims what is due)
    for _ in range(args.runs):
        t = time.perf_counter()
        result = sla_scan(now=now)
        steady.append((time.perf_counter() - t) * 1000)
        assert result == {"warned": 0, "escalated": 0}, result
    for n in sizes:
        for _ in range(args.runs):
            reset(n)
            t = time.perf_counter()
            counts[n] = sla_scan(now=now)
            busy[n].append((time.perf_counter() - t) * 1000)

    if args.profile:
        import cProfile
        import pstats

        reset(sizes[0])
        profiler = cProfile.Profile()
        profiler.runcall(sla_scan, now=now)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    total = WorkOrderTarget.objects.count()
    open_count = WorkOrderTarget.objects.filter(met_at__isnull=True).count()
    print("command:", shlex.join([Path(sys.executable).as_posix(), *sys.argv]))
    print(
        f"database: {connection.vendor}; {args.orders} open work orders, {total} targets ({open_count} open); load {load_s:.1f} s"
    )
    print("steady state (nothing newly due), ms per scan:", ", ".join(f"{v:.2f}" for v in steady))
    print(f"  median: {statistics.median(steady):.2f} ms")
    for n in sizes:
        c, runs = counts[n], busy[n]
        print(
            f"with {c['warned']} warnings + {c['escalated']} escalations, ms per scan:",
            ", ".join(f"{v:.1f}" for v in runs),
        )
        print(
            f"  median: {statistics.median(runs):.1f} ms ({statistics.median(runs) / max(1, sum(c.values())):.2f} ms per target)"
        )


def _target(model, wo, kind, start, due, now, calendar_id, met=False):  # type: ignore[no-untyped-def]
    import datetime as dt

    past = due <= now
    warn = due - (due - start) * 0.2
    return model(
        work_order=wo,
        kind=kind,
        clock="wall",
        calendar_id=calendar_id,
        duration_seconds=max(1, int((due - start).total_seconds())),
        started_at=start,
        due_at=due,
        original_due_at=due,
        warn_at=warn,
        met_at=start + dt.timedelta(minutes=1) if met else None,
        warned_at=now - dt.timedelta(minutes=5) if warn <= now else None,
        escalated_at=now - dt.timedelta(minutes=5) if past and not met else None,
        breached=past and not met,
    )


if __name__ == "__main__":
    main()
