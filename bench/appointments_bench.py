"""Appointments (R-6.1): the dispatcher's week board, the technician's "today" page and the
free-slot search, with 500 technicians and a busy calendar.

    .venv/bin/python bench/appointments_bench.py --rows 1000000 [--db sqlite|postgres] [--runs 15]

Uses the work-order benchmark's own database and loader (``bench/workorders_bench.py``: ``--rows``
work orders, kept for the next run), adds technicians up to 500 and, once, appointments for
each: three a working day for 21 weeks around the measured week (about 150,000 rows, ten
thousand in the measured week), then measures through Django's test client (no HTTP server):

* ``GET /field/board/`` as the dispatcher: the page with its first slice of 50 technicians
  (aim 80 ms), one further slice as the board fetches it when scrolled to (htmx), and the whole
  week of all 500 (the page and its nine further slices, one after the other);
* ``GET /field/today/`` as a technician with three jobs today (aim 40 ms);
* ``selectors.next_free_slot`` for a technician whose next two days are full.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import workorders_bench as wb  # noqa: E402

TECHNICIANS = 500
WEEKS = 21
AIMS = {"board_ms": 80.0, "today_ms": 40.0}


def load_appointments(now: dt.datetime) -> list[Any]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from aftersales.accounts.models import User
    from aftersales.demo import seed as demo
    from aftersales.fieldservice import selectors
    from aftersales.fieldservice.models import Appointment
    from aftersales.workorders.models import WorkOrder

    group = Group.objects.get(name="technician")
    techs = list(User.objects.filter(groups=group, is_active=True).order_by("pk"))
    password = make_password(demo.DEMO_PASSWORD)
    with transaction.atomic():
        for i in range(len(techs), TECHNICIANS):
            user = User.objects.create(username=f"bench-fs-tech{i}", password=password, display_name=f"工程师{i}")
            user.groups.add(group)
            techs.append(user)
    techs = techs[:TECHNICIANS]
    if Appointment.objects.exists():
        return techs
    dispatcher = User.objects.filter(groups__name="dispatcher").first() or User.objects.create(
        username="bench-dispatcher", password=password
    )
    if not dispatcher.groups.filter(name="dispatcher").exists():
        dispatcher.groups.add(Group.objects.get(name="dispatcher"))
    today = now.astimezone(selectors._tz()).date()
    first = selectors.week_start(today) - dt.timedelta(weeks=WEEKS // 2)
    wo_ids = iter(WorkOrder.objects.order_by("pk").values_list("pk", flat=True))
    rows = []
    for week in range(WEEKS):
        for d in range(5):
            day = first + dt.timedelta(weeks=week, days=d)
            starts = selectors.slot_starts(day=day)[:3]
            for tech in techs:
                for start in starts:
                    rows.append(
                        Appointment(
                            work_order_id=next(wo_ids),
                            technician_id=tech.pk,
                            starts_at=start,
                            ends_at=start + dt.timedelta(hours=2),
                            status="done" if start < now else "scheduled",
                            agreed_with="客户",
                            agreed_via="phone",
                            agreed_at=start - dt.timedelta(days=1),
                            created_by_id=dispatcher.pk,
                        )
                    )
    Appointment.objects.bulk_create(rows, batch_size=5000)
    return techs


def median_ms(client: Any, url: str, runs: int, **headers: str) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.rows < WEEKS * 5 * 3 * TECHNICIANS:
        raise SystemExit(f"--rows must be at least {WEEKS * 5 * 3 * TECHNICIANS} (one work order per appointment)")
    wb.configure(args)
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from aftersales.accounts.models import User
    from aftersales.fieldservice import selectors

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("calendar_seed", "--known", verbosity=0)
    loaded = wb.load(args.rows)
    now = timezone.now()
    started = time.monotonic()
    techs = load_appointments(now)
    print(
        f"work orders: {args.rows} (loaded now: {loaded['loaded']}); appointments ready in {time.monotonic() - started:.1f} s"
    )
    dispatcher = User.objects.filter(groups__name="dispatcher").first()
    board_client, tech_client = Client(), Client()
    board_client.force_login(dispatcher)
    tech_client.force_login(techs[0])
    from aftersales.fieldservice.appointment_views import BOARD_ROWS

    week = f"?week={selectors.week_start(timezone.localdate()).isoformat()}"
    slices = [f"/field/board/{week}&from={start}" for start in range(BOARD_ROWS, TECHNICIANS, BOARD_ROWS)]
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        assert board_client.get("/field/board/").status_code == 200
        for url in slices:
            assert board_client.get(url, HTTP_HX_REQUEST="true").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    results = {
        "board_ms": median_ms(board_client, "/field/board/", args.runs),
        "board_next_slice_ms": median_ms(board_client, slices[0], args.runs, HTTP_HX_REQUEST="true"),
        "board_whole_week_ms": statistics.median(times),
        "today_ms": median_ms(tech_client, "/field/today/", args.runs),
    }
    times = []
    for _ in range(args.runs * 5):
        t0 = time.perf_counter()
        selectors.next_free_slot(technician_id=techs[1].pk, now=now)
        times.append((time.perf_counter() - t0) * 1000)
    results["next_free_slot_ms"] = statistics.median(times)
    command = " ".join(["bench/appointments_bench.py", *sys.argv[1:]])
    print(f"command: .venv/bin/python {command}")
    for name, value in results.items():
        aim = AIMS.get(name)
        print(
            f"{name}: {value:.1f} ms" + (f" (aim {aim:.0f} ms: {'met' if value <= aim else 'NOT met'})" if aim else "")
        )


if __name__ == "__main__":
    main()
