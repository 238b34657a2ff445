"""Human-readable, gap-free numbers such as ``SR-2026-000123``.

The counter row is incremented with an UPDATE inside the caller's transaction: PostgreSQL
locks the row until commit, SQLite (IMMEDIATE transactions) holds the database write lock,
so two transactions never read the same value, and a rolled-back transaction gives its
number back (gap-free).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from aftersales.core.models import Counter


def next_value(key: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside the transaction that uses the number")
    updated = Counter.objects.filter(key=key).update(value=F("value") + 1)
    if not updated:
        try:
            with transaction.atomic():
                Counter.objects.create(key=key, value=0)
        except IntegrityError:
            pass  # another transaction created it first; its row is locked for us below
        Counter.objects.filter(key=key).update(value=F("value") + 1)
    return Counter.objects.values_list("value", flat=True).get(key=key)


def next_number(prefix: str, year: int, width: int = 6) -> str:
    value = next_value(f"{prefix}-{year}")
    return f"{prefix}-{year}-{value:0{width}d}"
