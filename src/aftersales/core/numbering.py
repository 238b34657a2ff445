"""Human-readable, gap-free numbers such as ``SR-2026-000123``.

The counter row is incremented with an UPDATE inside the caller's transaction: PostgreSQL
locks the row until commit, SQLite (IMMEDIATE transactions) holds the database write lock,
so two transactions never read the same value, and a rolled-back transaction gives its
number back (gap-free).
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from aftersales.core.models import Counter


def next_value(key: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside the transaction that uses the number")
    # One statement: increment and read back (RETURNING: SQLite >= 3.35, PostgreSQL).
    table = Counter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE key = %s RETURNING value", [key])  # noqa: S608 - table name is ours
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    try:
        with transaction.atomic():
            Counter.objects.create(key=key, value=1)
            return 1
    except IntegrityError:
        # Another transaction created it first; increment its row (locked for us until commit).
        Counter.objects.filter(key=key).update(value=F("value") + 1)
        return Counter.objects.values_list("value", flat=True).get(key=key)


def next_number(prefix: str, year: int, width: int = 6) -> str:
    value = next_value(f"{prefix}-{year}")
    return f"{prefix}-{year}-{value:0{width}d}"
