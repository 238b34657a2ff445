"""Dispatch proposals (R-5.1): ``GET /api/v1/work-orders/{id}/dispatch/proposals`` with 500
technicians (profiles with regions, skills, certifications, capacity) and 1,000,000 work orders.

    .venv/bin/python bench/dispatch_bench.py --rows 1000000 [--db sqlite|postgres] [--runs 30]

Uses the work-order benchmark's own database and loader (``bench/workorders_bench.py``: ``--rows``
work orders, kept for the next run) and, when ``--rows`` is large enough, the appointments of
``bench/appointments_bench.py`` (technicians up to 500, three appointments a working day each
for 21 weeks). Below that it adds the technicians only (no appointments: every slot is free).
Once, it gives every technician without one a staff profile (seeded at random: one to three
regions, two to six fault categories as skills, a certification for one to three product lines
of which about one in eight has expired, one in five senior, capacity 3 to 6 a day). Then,
through Django's test client (no HTTP server) logged in as a dispatcher, it measures the median
wall and CPU time of ``--runs`` requests (after 3 warm-up requests) and the SQL statements of
one request, for a P2 and a P1 work order (open, with product line, fault and customer region),
and the dispatcher's proposals page for the P2 one. Aim: under 30 ms median for the API.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import appointments_bench as ab  # noqa: E402
import workorders_bench as wb  # noqa: E402

TECHNICIANS = ab.TECHNICIANS
AIM_MS = 30.0


def ensure_technicians() -> list[Any]:
    """Technicians up to 500 (as the appointments bench names them), without appointments."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from aftersales.accounts.models import User
    from aftersales.demo import seed as demo

    group = Group.objects.get(name="technician")
    techs = list(User.objects.filter(groups=group, is_active=True).order_by("pk"))
    password = make_password(demo.DEMO_PASSWORD)
    with transaction.atomic():
        for i in range(len(techs), TECHNICIANS):
            user = User.objects.create(username=f"bench-fs-tech{i}", password=password, display_name=f"工程师{i}")
            user.groups.add(group)
            techs.append(user)
    return techs[:TECHNICIANS]


def ensure_profiles(techs: list[Any], now: Any) -> int:
    """A staff profile with regions, skills and certifications for each technician lacking one."""
    import datetime as dt

    from django.db import transaction

    from aftersales.catalog.models import FaultCategory, ProductLine
    from aftersales.core.models import Region
    from aftersales.staff.models import Certification, StaffProfile

    have = set(StaffProfile.objects.filter(user__in=techs).values_list("user_id", flat=True))
    missing = [t for t in techs if t.pk not in have]
    if not missing:
        return 0
    rng = random.Random(5001)
    regions = list(Region.objects.order_by("pk").values_list("pk", flat=True))
    faults = list(FaultCategory.objects.exclude(product_line=None).order_by("pk").values_list("pk", flat=True))
    lines = list(ProductLine.objects.order_by("pk").values_list("pk", flat=True))
    today = now.date()
    with transaction.atomic():
        profiles = StaffProfile.objects.bulk_create(
            [
                StaffProfile(user_id=t.pk, is_senior=rng.random() < 0.2, daily_capacity=rng.randint(3, 6))
                for t in missing
            ]
        )
        region_rows, skill_rows, certs = [], [], []
        for profile in profiles:
            for region_id in rng.sample(regions, min(len(regions), rng.randint(1, 3))):
                region_rows.append(StaffProfile.regions.through(staffprofile_id=profile.pk, region_id=region_id))
            for fault_id in rng.sample(faults, min(len(faults), rng.randint(2, 6))):
                skill_rows.append(StaffProfile.skills.through(staffprofile_id=profile.pk, faultcategory_id=fault_id))
            for line_id in rng.sample(lines, min(len(lines), rng.randint(1, 3))):
                expired = rng.random() < 0.125
                until = today + dt.timedelta(days=-rng.randint(1, 300) if expired else rng.randint(1, 700))
                certs.append(
                    Certification(
                        profile_id=profile.pk,
                        product_line_id=line_id,
                        number=f"BENCH-{profile.pk}-{line_id}",
                        exam_date=until - dt.timedelta(days=730),
                        score=rng.randint(60, 100),
                        valid_until=until,
                    )
                )
        StaffProfile.regions.through.objects.bulk_create(region_rows, batch_size=2000)
        StaffProfile.skills.through.objects.bulk_create(skill_rows, batch_size=2000)
        Certification.objects.bulk_create(certs, batch_size=2000)
    return len(profiles)


def dispatcher_user() -> Any:
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import User

    user = User.objects.filter(groups__name="dispatcher", is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create(username="bench-dispatcher", display_name="调度员")
        user.groups.add(Group.objects.get(name="dispatcher"))
    return User.objects.get(pk=user.pk)


def measured_work_order(priority: str) -> Any:
    from aftersales.workorders.models import WorkOrder

    return (
        WorkOrder.objects.filter(
            priority=priority,
            status="acknowledged",
            product_line__isnull=False,
            fault_category__isnull=False,
            customer__region__isnull=False,
        )
        .order_by("-pk")
        .first()
    )


def measure(client: Any, url: str, runs: int) -> tuple[float, float, int, Any]:
    """(median wall ms, median CPU ms, SQL statements of one request, the last response)."""
    from django.db import connection

    for _i in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    statements = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    walls, cpus = [], []
    for _i in range(runs):
        w, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(walls), statistics.median(cpus), statements[0], response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    wb.configure(args)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from aftersales.fieldservice.models import Appointment
    from aftersales.staff.models import Certification, StaffProfile
    from aftersales.workorders.models import WorkOrder

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("calendar_seed", "--known", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the page needs a current manifest
    loaded = wb.load(args.rows)
    now = timezone.now()
    started = time.monotonic()
    with_appointments = args.rows >= ab.WEEKS * 5 * 3 * TECHNICIANS
    techs = ab.load_appointments(now) if with_appointments else ensure_technicians()
    created = ensure_profiles(techs, timezone.localtime(now))
    print(
        f"work orders: {WorkOrder.objects.count():,} (loaded now: {loaded['loaded']}); technicians: {len(techs)} "
        f"({created} profiles created now; {StaffProfile.objects.count()} profiles, "
        f"{Certification.objects.count()} certifications); appointments: {Appointment.objects.count():,}; "
        f"set-up {time.monotonic() - started:.1f} s"
    )
    client = Client()
    client.force_login(dispatcher_user())
    results = []
    for priority in ("P2", "P1"):
        wo = measured_work_order(priority)
        assert wo is not None, f"no acknowledged {priority} work order with a product line, fault and region"
        url = f"/api/v1/work-orders/{wo.pk}/dispatch/proposals"
        wall, cpu, statements, response = measure(client, url, args.runs)
        items = response.json()["items"]
        eligible = sum(item["eligible"] for item in items)
        slots = sum(item["next_free_slot"] is not None for item in items)
        label = f"API proposals {priority} {wo.number} ({len(items)} rows, {eligible} eligible, {slots} slots)"
        results.append((label, wall, cpu, statements, True))
    wo = measured_work_order("P2")
    wall, cpu, statements, _response = measure(client, reverse("dispatch:proposals", args=[wo.pk]), args.runs)
    results.append((f"page /dispatch/work-orders/{wo.pk}/ (P2)", wall, cpu, statements, False))

    load1, load5, _load15 = os.getloadavg()
    command = " ".join(["bench/dispatch_bench.py", *sys.argv[1:]])
    print(f"\ncommand: .venv/bin/python {command}")
    print(
        f"database: {connection.vendor}; median of {args.runs} requests; load average {load1:.2f} (1 min), "
        f"{load5:.2f} (5 min); aim for the API: < {AIM_MS:.0f} ms"
    )
    print(f"\n| {'measurement':<62} | wall ms | CPU ms | SQL statements | aim |")
    print(f"|{'-' * 64}|---------|--------|----------------|-----|")
    for label, wall, cpu, statements, aimed in results:
        verdict = ("ok" if wall < AIM_MS else "MISS") if aimed else ""
        print(f"| {label:<62} | {wall:>7.1f} | {cpu:>6.1f} | {statements:>14} | {verdict} |")


if __name__ == "__main__":
    main()
