"""Work-order list, search and intake at 100,000 and 1,000,000 rows.

    .venv/bin/python bench/workorders_bench.py --rows 100000 [--db sqlite|postgres] [--runs 30]

Uses its own database (never the development one): SQLite in ``--data-dir`` (default
``/tmp/aftersales-bench/<db>-<rows>``) or the PostgreSQL database ``aftersales_bench_<rows>``.
It migrates, bulk-loads the rows once (kept for the next run), then measures through Django's
in-process test client (no HTTP server) logged in as an agent:

* the median time of the staff list page (first page, a filtered page, two searches) and of
  ``GET /api/v1/work-orders`` (page sizes 25 and 100);
* SQL statements per list request at page sizes 25 and 100 (they must be the same);
* work orders created per second through ``POST /api/v1/work-orders``, one after another, as an
  integration sends them (``Authorization: Bearer`` token; the median of ``--rounds`` rounds),
  and the same with the agent's session cookie;
* the database's raw single-row-commit rate (INSERT + COMMIT per row, same connection
  settings) as the reference for the creation rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AIMS = {"list_100k_ms": 50.0, "list_1m_ms": 80.0, "creates_per_s": 300.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="work orders to load (default 100000)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=30, help="requests per measurement; the median is reported")
    parser.add_argument("--creates", type=int, default=500, help="sequential POSTs per round for the creation rate")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of --creates; the median round is reported")
    parser.add_argument("--commits", type=int, default=2000, help="single-row commits for the reference rate")
    parser.add_argument(
        "--data-dir", default="", help="SQLite data directory (default /tmp/aftersales-bench/<db>-<rows>)"
    )
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (no database)"
    )
    return parser.parse_args()


def configure(args: argparse.Namespace) -> None:
    """Point Django at the benchmark's own database before it starts."""
    data_dir = Path(args.data_dir or f"/tmp/aftersales-bench/{args.db}-{args.rows}")  # noqa: S108 — a scratch directory
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ["DEBUG"] = "0"
    os.environ.pop("DATABASE_URL", None)
    if args.db == "postgres":
        import psycopg

        name = f"aftersales_bench_{args.rows}"
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{args.pg_url}/{name}"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# ------------------------------------------------------------------------------------------
# loading
# ------------------------------------------------------------------------------------------


def load(rows: int) -> dict[str, Any]:
    """Bulk-load ``rows`` work orders (and rows/5 customers, rows/4 products) unless present."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.accounts.models import User
    from aftersales.catalog.models import FaultCategory, ProductModel
    from aftersales.core.models import Counter, Region
    from aftersales.customers.models import Customer, CustomerCategory, InstalledProduct
    from aftersales.demo import seed as demo
    from aftersales.workorders.models import WorkOrder

    have = WorkOrder.objects.count()
    if have >= rows:
        return {"loaded": False, "seconds": 0.0}
    if have:
        raise SystemExit(f"The benchmark database holds {have} work orders, not {rows}: remove it and start again.")
    started = time.monotonic()
    rng = random.Random(2026)
    now = timezone.now().replace(microsecond=0)
    gen = demo._Generator(scale=0.01, seed=1, now=now)
    with transaction.atomic():
        gen.seed_master_data()
        password = make_password(demo.DEMO_PASSWORD)
        groups = {g.name: g for g in Group.objects.all()}
        staff: dict[str, list[User]] = {"agent": [], "technician": []}
        for role, count in (("agent", 20), ("technician", 60)):
            for i in range(count):
                user = User.objects.create(username=f"bench-{role}{i}", password=password, display_name=f"{role}{i}")
                user.groups.add(groups[role])
                staff[role].append(user)
    regions = list(Region.objects.all())
    categories = list(CustomerCategory.objects.all())
    models = list(ProductModel.objects.select_related("product_line"))
    faults_by_line: dict[int, list[tuple[int, list[str]]]] = {}
    symptoms_of = {code: s for line in demo.PRODUCT_LINES for code, _n, _p, _q, s, _r in line["faults"]}
    for fault in FaultCategory.objects.exclude(product_line=None):
        faults_by_line.setdefault(fault.product_line_id, []).append((fault.pk, symptoms_of[fault.code]))

    def insert(model: Any, fields: list[str], values: list[tuple[Any, ...]]) -> None:
        table = model._meta.db_table
        columns = [model._meta.get_field(f).column for f in fields]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)

    def chunks(total: int, size: int = 20_000) -> list[range]:
        return [range(start, min(start + size, total)) for start in range(0, total, size)]

    n_customers, n_products = max(rows // 5, 10), max(rows // 4, 10)
    aware = now  # stored as UTC by the driver through Django's adapters below
    adapt = connection.ops.adapt_datetimefield_value
    for part in chunks(n_customers):
        values = []
        for i in part:
            person = rng.random() < 0.75
            name = (
                (rng.choice(demo.SURNAMES) + rng.choice(demo.GIVEN_NAMES))
                if person
                else f"{rng.choice(demo.FIRMS)}{i}商贸有限公司"
            )
            values.append(
                (
                    f"B{i:08d}", "person" if person else "organisation", name, rng.choice(categories).pk, rng.choice(regions).pk,
                    f"139{i:08d}", "", f"上海市浦东新区张江路{i % 999 + 1}号", "", "sms", adapt(aware), adapt(aware),
                )
            )  # fmt: skip
        with transaction.atomic():
            insert(
                Customer,
                [
                    "code",
                    "kind",
                    "name",
                    "category",
                    "region",
                    "phone",
                    "email",
                    "address",
                    "service_preferences",
                    "notification_channel",
                    "created_at",
                    "updated_at",
                ],
                values,
            )
    customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    product_of: list[tuple[int, int, int, str]] = []  # (product id, customer id, model index, serial)
    for part in chunks(n_products):
        values = []
        for i in part:
            customer = customer_ids[i] if i < len(customer_ids) else rng.choice(customer_ids)
            model_index = rng.randrange(len(models))
            purchase = now.date() - dt.timedelta(days=rng.randint(30, 2000))
            values.append(
                (
                    customer,
                    models[model_index].pk,
                    f"LQ{i:010d}",
                    "B2601-01",
                    purchase,
                    purchase,
                    purchase + dt.timedelta(days=1095),
                    "",
                    adapt(aware),
                )
            )
        with transaction.atomic():
            insert(
                InstalledProduct,
                [
                    "customer",
                    "product_model",
                    "serial_number",
                    "batch",
                    "purchase_date",
                    "installation_date",
                    "warranty_end",
                    "configuration",
                    "created_at",
                ],
                values,
            )
    for pk, customer_id, model_id, serial in InstalledProduct.objects.order_by("pk").values_list(
        "pk", "customer_id", "product_model_id", "serial_number"
    ):
        product_of.append((pk, customer_id, model_id, serial))
    model_by_id = {m.pk: m for m in models}

    statuses = (
        ["closed"] * 45 + ["archived"] * 35 + ["new", "acknowledged", "assigned", "assigned", "in_progress", "in_progress"]
        + ["waiting_customer", "waiting_parts", "resolved", "resolved", "confirmed"] + ["in_progress"] * 3
    )  # fmt: skip
    open_statuses = {"new", "acknowledged", "assigned", "in_progress", "waiting_customer", "waiting_parts"}
    agents, techs = staff["agent"], staff["technician"]
    span = dt.timedelta(days=360).total_seconds()
    times = sorted(now - dt.timedelta(seconds=rng.uniform(60, span)) for _i in range(rows))
    counters: dict[int, int] = {}
    wo_fields = [
        "number", "customer", "installed_product", "product_model", "product_line", "serial_number", "fault_category",
        "channel", "received_at", "symptom", "demand", "service_type", "priority", "colour", "status", "handling_mode",
        "answered_on_spot", "owner", "assignee", "created_by", "resolution", "technical_solution", "resolved_at",
        "closed_at", "close_reason", "archived_at", "created_at", "updated_at", "search_text",
    ]  # fmt: skip
    from aftersales.workorders.search import search_text

    names = dict(Customer.objects.values_list("pk", "name"))
    for part in chunks(rows):
        values = []
        for i in part:
            received = times[i]
            year = timezone.localtime(received).year
            counters[year] = counters.get(year, 0) + 1
            product_id, customer_id, model_id, serial = rng.choice(product_of)
            model = model_by_id[model_id]
            fault_id, symptoms = rng.choice(faults_by_line[model.product_line_id])
            status = (
                rng.choice(statuses)
                if now - received > dt.timedelta(days=14)
                else rng.choice([*sorted(open_statuses), "resolved", "closed"])
            )
            if now - received < dt.timedelta(days=40) and status == "archived":
                status = "closed"
            done = status not in open_statuses
            agent = rng.choice(agents)
            tech = rng.choice(techs) if status not in ("new", "acknowledged") else None
            later = received + dt.timedelta(hours=rng.uniform(2, 72))
            number, symptom = f"SR-{year}-{counters[year]:06d}", rng.choice(symptoms)
            values.append(
                (
                    number, customer_id, product_id, model_id, model.product_line_id, serial, fault_id,
                    rng.choice(["phone"] * 6 + ["web", "app", "email", "sms"]), adapt(received), symptom,
                    "尽快上门维修", "repair", rng.choice(["P1", "P2", "P2", "P3", "P3", "P3"]), "green", status,
                    "on_site" if tech else "", False, agent.pk, tech.pk if tech else None, agent.pk,
                    "更换配件后运行正常" if done else "", "", adapt(later) if done else None,
                    adapt(later) if status in ("closed", "archived") else None, "",
                    adapt(later + dt.timedelta(days=30)) if status == "archived" else None, adapt(received), adapt(later if done else received),
                    search_text(number, names[customer_id], serial, model.code, symptom),
                )
            )  # fmt: skip
        with transaction.atomic():
            insert(WorkOrder, wo_fields, values)
        print(f"  loaded {part.stop:,} / {rows:,} work orders ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    with transaction.atomic():
        for year, value in counters.items():
            Counter.objects.update_or_create(key=f"SR-{year}", defaults={"value": value})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"loaded": True, "seconds": time.monotonic() - started}


# ------------------------------------------------------------------------------------------
# measuring
# ------------------------------------------------------------------------------------------


def median_ms(client: Any, url: str, runs: int) -> tuple[float, int]:
    from django.db import connection

    for _i in range(3):  # warm caches (templates, URL resolver, the database's page cache)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    # Counted with an execute wrapper: the test client closes the connection after each
    # request (CONN_MAX_AGE=0 on SQLite), which would empty CaptureQueriesContext's log.
    statements = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _i in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(timings), statements[0]


def creation_rate(client: Any, count: int, rounds: int = 1, cpu: list[float] | None = None) -> list[float]:
    """Work orders per second over ``count`` sequential POSTs, one figure per round. With ``cpu``,
    also the rate per second of this process's CPU time (the request, the ORM and SQLite all run
    in it), which a shared, loaded machine disturbs far less than the wall clock."""
    from aftersales.customers.models import InstalledProduct

    products = list(InstalledProduct.objects.order_by("?").values_list("pk", "customer_id")[:count])
    rates = []
    for _round in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        for i in range(count):
            product_id, customer_id = products[i % len(products)]
            response = client.post(
                "/api/v1/work-orders",
                {
                    "customer_id": customer_id,
                    "installed_product_id": product_id,
                    "channel": "phone",
                    "symptom": "空调开机后不制冷，外机有异响",
                    "service_type": "repair",
                    "priority": "P2",
                },
                content_type="application/json",
            )
            assert response.status_code == 201, response.content[:300]
        rates.append(count / (time.perf_counter() - started))
        if cpu is not None:
            cpu.append(count / (time.process_time() - cpu_started))
    return rates


def token_client(username: str) -> Any:
    """A test client that authenticates as an integration does: a personal API token."""
    from django.test import Client

    from aftersales.accounts.models import User
    from aftersales.accounts.services import api_token_create

    _token, raw = api_token_create(actor=User.objects.get(username=username), name="benchmark")
    return Client(headers={"authorization": f"Bearer {raw}"})


def commit_rate(count: int) -> float:
    """INSERT + COMMIT of one row at a time on Django's own connection (same settings: WAL,
    synchronous=NORMAL on SQLite), in autocommit mode, i.e. one commit per statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_commit_reference")
        cursor.execute("CREATE TABLE bench_commit_reference (id integer PRIMARY KEY, payload varchar(64))")
    assert connection.get_autocommit()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for i in range(count):
            cursor.execute("INSERT INTO bench_commit_reference (id, payload) VALUES (%s, %s)", [i + 1, "x" * 40])
    rate = count / (time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_commit_reference")
    return rate


def main() -> None:
    args = parse_args()
    configure(args)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from aftersales.accounts.models import User
    from aftersales.customers.models import Customer
    from aftersales.workorders.models import WorkOrder

    call_command("migrate", verbosity=0)

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages need a current manifest
    loaded = load(args.rows)
    agent = User.objects.get(username="bench-agent0")
    client = Client()
    client.force_login(agent)
    list_url = reverse("workorders:list")
    customer_name = (
        Customer.objects.filter(work_orders__isnull=False)
        .order_by("pk")
        .values_list("name", flat=True)[len(str(args.rows))]
    )
    number = WorkOrder.objects.order_by("pk").values_list("number", flat=True)[args.rows // 2]
    rows: list[tuple[str, float, int]] = []
    measured = [
        ("list page: first page", list_url),
        ("list page: filtered (in progress, P1)", f"{list_url}?status=in_progress&priority=P1"),
        ("list page: search symptom “漏水”", f"{list_url}?q=漏水"),
        (f"list page: search customer “{customer_name}”", f"{list_url}?q={customer_name}"),
        (f"list page: search number {number}", f"{list_url}?q={number}"),
        ("API GET /work-orders page_size=25", "/api/v1/work-orders?page_size=25"),
        ("API GET /work-orders page_size=100", "/api/v1/work-orders?page_size=100"),
        ("API GET filtered page_size=25", "/api/v1/work-orders?status=in_progress&priority=P1&page_size=25"),
        ("API GET filtered page_size=100", "/api/v1/work-orders?status=in_progress&priority=P1&page_size=100"),
        ("API GET search “漏水” page_size=25", "/api/v1/work-orders?q=漏水&page_size=25"),
    ]
    for label, url in measured:
        ms, statements = median_ms(client, url, args.runs)
        rows.append((label, ms, statements))
    integration = token_client(agent.username)
    creation_rate(integration, args.creates)  # warm-up round: the caches of a server that has been running
    token_cpu: list[float] = []
    token_rounds = creation_rate(integration, args.creates, args.rounds, cpu=token_cpu)
    session_rounds = creation_rate(client, args.creates, args.rounds)
    creates, session_creates = statistics.median(token_rounds), statistics.median(session_rounds)
    commits = commit_rate(args.commits)

    aim = AIMS["list_100k_ms"] if args.rows <= 100_000 else AIMS["list_1m_ms"]
    command = " ".join(["bench/workorders_bench.py", *sys.argv[1:]])
    print(f"\n$ .venv/bin/python {command}")
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {WorkOrder.objects.count():,} work orders, "
          f"{Customer.objects.count():,} customers; median of {args.runs} runs; aim for lists: < {aim:.0f} ms")  # fmt: skip
    if loaded["loaded"]:
        print(f"loaded in {loaded['seconds']:.0f} s")
    print(f"\n| {'measurement':<48} | {'median ms':>9} | {'SQL statements':>14} | aim |")
    print(f"|{'-' * 50}|{'-' * 11}|{'-' * 16}|-----|")
    for label, ms, statements in rows:
        print(f"| {label:<48} | {ms:>9.1f} | {statements:>14} | {'ok' if ms < aim else 'MISS'} |")
    print(f"\n| {'rate':<48} | {'per second':>9} |")
    print(f"|{'-' * 50}|{'-' * 11}|")
    print(
        f"| {'POST /api/v1/work-orders (sequential, token)':<48} | {creates:>9.0f} | aim ≥ {AIMS['creates_per_s']:.0f}: {'ok' if creates >= AIMS['creates_per_s'] else 'MISS'}"
    )
    print(f"| {'POST /api/v1/work-orders (sequential, session)':<48} | {session_creates:>9.0f} |")
    print(f"| {'the same, per CPU second of this process (token)':<48} | {statistics.median(token_cpu):>9.0f} |")
    print(f"  rounds of {args.creates} (token):   {', '.join(f'{rate:.0f}' for rate in token_rounds)}")
    print(f"  rounds of {args.creates} (session): {', '.join(f'{rate:.0f}' for rate in session_rounds)}")
    print(f"| {'raw single-row INSERT + COMMIT (reference)':<48} | {commits:>9.0f} |")
    same = {s for label, _ms, s in rows if label.startswith("API GET /work-orders")}
    print(
        f"\nstatements per API list request at page sizes 25 and 100: {'the same' if len(same) == 1 else 'DIFFERENT'} ({sorted(same)})"
    )


if __name__ == "__main__":
    main()
