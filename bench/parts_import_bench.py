"""Importing a 10,000-row parts catalogue (R-7.1): the dry run and the confirmed import.

    .venv/bin/python bench/parts_import_bench.py [--rows 10000] [--format xlsx|csv] [--db sqlite|postgres]

Uses its own database (never the development one): SQLite in ``--data-dir`` (default
``/tmp/aftersales-bench/parts-import-<db>``, emptied of parts before each run) or the PostgreSQL
database ``aftersales_bench_parts_import``. It writes a workbook (or a GBK CSV, as a Chinese Excel
saves it) of ``--rows`` parts, a third of them compatible with two product models, and times,
through the services the page calls:

* the upload with its dry run (``parts_import_upload``: read, check every row, keep the file);
* the confirmed import (``parts_import_confirm`` → ``parts_import_run``, which a file this large
  runs in the worker; here Huey is immediate, so it runs in-process): the second check and the
  one transaction that writes every part and its models;
* and again with every part already there (all rows become updates).

Aim: the 10,000-row catalogue imported (dry run + import) in under 30 s.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIM_S = 30.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    return parser.parse_args()


def configure(args: argparse.Namespace) -> None:
    data_dir = Path(args.data_dir or f"/tmp/aftersales-bench/parts-import-{args.db}")  # noqa: S108 - scratch
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ.setdefault("AFTERSALES_DEMO", "1")
    os.environ["DEBUG"] = "0"
    os.environ["HUEY_IMMEDIATE"] = "1"
    os.environ.pop("DATABASE_URL", None)
    if args.db == "postgres":
        import psycopg

        name = "aftersales_bench_parts_import"
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{args.pg_url}/{name}"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


HEADER = ["备件编号", "名称", "规格", "单位", "成本单价", "客户单价", "认证", "适用机型"]


def rows(n: int, models: list[str]) -> list[list[object]]:
    out: list[list[object]] = []
    for i in range(1, n + 1):
        compatible = f"{models[i % len(models)]}，{models[(i * 7) % len(models)]}" if i % 3 == 0 else ""
        out.append(
            [f"BP-{i:06d}", f"压缩机启动电容{i}", f"{i % 90 + 10}μF 450V", "个", 12.5 + i % 40, 30, "是", compatible]
        )
    return out


def workbook(data: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("备件目录")
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def gbk_csv(data: list[list[object]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(data)
    return out.getvalue().encode("gbk")


def main() -> None:
    args = parse_args()
    configure(args)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from aftersales.accounts.models import User
    from aftersales.catalog.models import ProductLine, ProductModel
    from aftersales.parts.imports import parts_import_confirm, parts_import_upload
    from aftersales.parts.models import Part, PartsImport

    call_command("migrate", verbosity=0)
    admin = User.objects.filter(username="bench-import-admin").first()
    if admin is None:
        from django.contrib.auth.models import Group

        admin = User.objects.create_user("bench-import-admin", password="bench")  # noqa: S106 - scratch db
        admin.groups.add(Group.objects.get(name="admin"))
    line, _created = ProductLine.objects.get_or_create(code="bench-ac", defaults={"name": "空调"})
    for n in range(20):
        ProductModel.objects.get_or_create(code=f"KFR-B{n:02d}", defaults={"product_line": line, "name": f"型号{n}"})
    models = [f"KFR-B{n:02d}" for n in range(20)]
    Part.compatible_models.through.objects.filter(part__code__startswith="BP-").delete()
    Part.objects.filter(code__startswith="BP-").delete()
    data = rows(args.rows, models)
    content = workbook(data) if args.format == "xlsx" else gbk_csv(data)
    name = f"备件目录.{args.format}"
    results: list[tuple[str, float]] = []
    for label in ("new parts", "all updates"):
        if label == "all updates":  # new prices for every part, so each row is a real update
            data = [[*row[:4], float(row[4]) + 1, *row[5:]] for row in data]
            content = workbook(data) if args.format == "xlsx" else gbk_csv(data)
        started = time.perf_counter()
        job = parts_import_upload(actor=admin, kind="catalogue", file=SimpleUploadedFile(name, content))
        checked = time.perf_counter()
        assert job.status == "ready", job.errors[:3]
        parts_import_confirm(actor=admin, import_id=job.pk)
        done = time.perf_counter()
        job = PartsImport.objects.get(pk=job.pk)
        assert job.status == "done", job.errors[:3]
        results.append((f"{label}: dry run (upload, read, check {args.rows} rows)", checked - started))
        results.append((f"{label}: confirmed import (check again, write in one transaction)", done - checked))
        results.append((f"{label}: total", done - started))
    assert Part.objects.filter(code__startswith="BP-").count() == args.rows

    command = " ".join(["bench/parts_import_bench.py", *sys.argv[1:]])
    print(f"\n$ .venv/bin/python {command}")
    print(f"{args.rows} rows, {args.format}, {args.db}, file {len(content) / 1024:.0f} KiB")
    for label, seconds in results:
        aim = f"  (aim < {AIM_S:.0f} s)" if label.endswith("total") else ""
        print(f"  {label:<78} {seconds:6.2f} s{aim}")
    worst = max(seconds for label, seconds in results if label.endswith("total"))
    print("OK" if worst < AIM_S else "SLOWER THAN THE AIM")


if __name__ == "__main__":
    main()
