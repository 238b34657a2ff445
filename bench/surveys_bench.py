"""Benchmark: the survey reminder/expiry scan over 100,000 open invitations and the scores
dashboard's aggregates over a year of answers (R-9.3, R-9.6).

Sets up Django against a throw-away SQLite database (or ``--pg-url``), migrates, bulk-creates
``--rows`` closed work orders, one open invitation each (sent over the last week, none due) and
one answer each (spread over 2026, 15 % invalid), then times

* ``reminders_scan(now=...)`` in the steady state (nothing due since the last run);
* ``selectors.scores`` for the year by month, company-wide and by team (the dashboard's two queries,
  read from the monthly summary, rebuilt once after the bulk load), and the dashboard page itself
  (``GET /surveys/scores/?year=2026``, company-wide and by team) through Django's test client;
* ``sampling.sample_draw`` of November (R-9.1): the month's customers (a third of the rows), the
  stratified draw and storing it (target under 2 s); then, once, the sample's invitations.

    .venv/bin/python bench/surveys_bench.py [--rows 100000] [--runs 7] [--pg-url URL]

Figures (SQLite, ``--rows 100000 --runs 5``, a 2-CPU machine shared by six sessions; bench/README.md):
scores by month 878.5 ms and by month and team 986.6 ms aggregating the answers (04:45), 1.4 ms
and 10.6 ms from the monthly summary (05:37; 594 summary rows, independent of the number of
answers); the monthly sample 609.2 ms (31,602 customers, 3,167 sampled in 12 strata).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="surveys-bench-")
    os.environ["DATA_DIR"] = tmp
    os.environ["DATABASE_URL"] = args.pg_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from aftersales.accounts.models import Team, User
    from aftersales.customers.models import Customer
    from aftersales.surveys import selectors, services
    from aftersales.surveys.models import DIMENSIONS, Answer, Invitation
    from aftersales.workorders.models import WorkOrder

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    staff = []
    for t in range(8):
        team, _created = Team.objects.get_or_create(name=f"服务{t}组")
        for i in range(5):
            staff.append(User.objects.create(username=f"bench-{t}-{i}", team=team))
    boss = User.objects.create(username="bench-boss", is_superuser=True)
    Customer.objects.create(code="BENCH", name="基准客户", kind="organisation")
    # Three closed work orders per customer on average: the monthly sample draws customers.
    customers = Customer.objects.bulk_create(
        Customer(code=f"BENCH-{i:06d}", name=f"基准客户{i}", kind="organisation") for i in range(args.rows // 3 or 1)
    )
    t0 = time.perf_counter()
    batch = 20_000
    for first in range(0, args.rows, batch):
        size = min(batch, args.rows - first)
        with transaction.atomic():
            orders = WorkOrder.objects.bulk_create(
                WorkOrder(
                    number=f"SR-2026-{first + i + 1:07d}",
                    customer=rng.choice(customers),
                    channel=rng.choice(["phone", "web", "email"]),
                    received_at=now - dt.timedelta(days=10),
                    symptom="空调不制冷",
                    service_type=rng.choice(["repair", "repair", "installation", "consultation", "complaint"]),
                    priority="P3",
                    status="closed",
                    closed_at=now - dt.timedelta(days=rng.randrange(1, 7), minutes=rng.randrange(600)),
                    assignee=rng.choice(staff),
                    created_by=staff[0],
                )
                for i in range(size)
            )
            Invitation.objects.bulk_create(
                Invitation(
                    work_order=wo,
                    kind="after_close",
                    token=f"t{wo.pk}",
                    code=f"C{wo.pk}",
                    channel="sms",
                    address="13800000000",
                    sent_at=(sent := now - dt.timedelta(hours=rng.randrange(1, 70))),
                    remind_at=sent + dt.timedelta(days=3),
                    expires_at=sent + dt.timedelta(days=7),
                )
                for wo in orders
            )
            rows = []
            for wo in orders:
                base = rng.randrange(5, 10)
                invalid = rng.random() < 0.15
                rows.append(
                    Answer(
                        work_order=wo,
                        kind="complaint",
                        source="phone",
                        valid=not invalid,
                        invalid_reason="straight_lining" if invalid else "",
                        answered_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
                        + dt.timedelta(minutes=rng.randrange(480_000)),
                        team_id=wo.assignee.team_id if wo.assignee else None,
                        technician=wo.assignee,
                        channel=wo.channel,
                        **{name: min(10, base + rng.randrange(0, 2)) for name in DIMENSIONS},
                    )
                )
            Answer.objects.bulk_create(rows)
    print(f"loaded {args.rows} work orders, invitations and answers in {time.perf_counter() - t0:.1f} s")
    from aftersales.surveys.summary import summary_rebuild

    t0 = time.perf_counter()
    summary_rows = summary_rebuild()  # the answers were bulk-loaded past the service that keeps it
    print(f"monthly summary rebuilt ({summary_rows} rows) in {time.perf_counter() - t0:.1f} s")

    def timed(label: str, fn) -> None:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        print(f"{label}: median {statistics.median(times):.1f} ms (runs: {', '.join(f'{t:.0f}' for t in times)})")

    timed("reminders_scan, steady state", lambda: services.reminders_scan(now=now))
    year = (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    timed("scores by month", lambda: selectors.scores(actor=boss, start=year[0], end=year[1]))
    timed("scores by month and team", lambda: selectors.scores(actor=boss, start=year[0], end=year[1], grouping="team"))

    # The dashboard page itself (R-9.6: "the dashboard for a year"): the view, its two score reads,
    # the chart's data and the template, through Django's test client as the logged-in supervisor.
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # no collected manifest
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    page = Client()
    page.force_login(boss)
    for query in ("year=2026", "year=2026&group=team"):
        response = page.get(f"/surveys/scores/?{query}")
        assert response.status_code == 200, (query, response.status_code)
        timed(f"dashboard page ?{query}", lambda query=query: page.get(f"/surveys/scores/?{query}"))

    from aftersales.surveys import sampling
    from aftersales.surveys.models import Sample

    november = dt.date(2026, 11, 1)

    def draw() -> None:
        Sample.objects.filter(month=november).delete()
        start = time.perf_counter()
        sample, _drawn = sampling.sample_draw(month=november, now=now, seed=2026)
        draws.append((time.perf_counter() - start) * 1000)
        sizes.append((sample.population, sample.size, sample.strata.count()))

    draws: list[float] = []
    sizes: list[tuple[int, int, int]] = []
    for _ in range(args.runs):
        draw()
    print(
        f"monthly sample over {args.rows} closed work orders ({sizes[0][0]} customers, {sizes[0][1]} sampled in "
        f"{sizes[0][2]} strata): median {statistics.median(draws):.1f} ms (runs: {', '.join(f'{t:.0f}' for t in draws)})"
    )
    sample = Sample.objects.get(month=november)
    start = time.perf_counter()
    invited = sampling.sample_invite(sample, now=now)
    print(f"  then its {invited} invitations through invitation_create (once): {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
