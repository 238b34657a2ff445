"""The scores' monthly summary (R-9.6): ``ScoreSummary`` rows per month × grouping × key, added to
in the transaction that records an answer (``summary_add``, called by services._save_answer), so
the dashboard (selectors.scores) reads summary rows, not every answer.

An addition is an ``UPDATE … SET total = total + 1 …``; the first answer of a row inserts it in a
savepoint, and an insert that lost the race to another transaction becomes the update. Answers
are never changed once recorded (cleaning happens as they are recorded), so additions are all it
takes. ``summary_rebuild`` computes every row again from the answers (the migration that created
the table, a data repair, the benchmark's bulk-loaded answers); ``summary_from_answers`` is that
aggregate, which the tests compare the maintained summary with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from aftersales.surveys.models import DIMENSIONS, Answer, ScoreSummary

# grouping: the answer's column ("" = the whole company, one row per month)
GROUP_COLUMNS: dict[str, str | None] = {
    "": None,
    "team": "team_id",
    "technician": "technician_id",
    "product_line": "product_line_id",
    "channel": "channel",
    "customer_category": "customer_category_id",
    "source": "source",  # link, SMS, phone, on-site service report
}
Row = tuple[int, int, tuple[int, ...]]  # total, valid, the five sums


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def answer_month(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, _zone()).date().replace(day=1)


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def summary_add(answer: Answer) -> None:
    """Add ``answer`` to its month's rows (inside the caller's transaction)."""
    month = answer_month(answer.answered_at)
    scores = {name: int(getattr(answer, name)) if answer.valid else 0 for name in DIMENSIONS}
    increments: dict[str, Any] = {"total": F("total") + 1, "valid": F("valid") + int(answer.valid)}
    increments.update({f"s_{name}": F(f"s_{name}") + value for name, value in scores.items()})
    for grouping, column in GROUP_COLUMNS.items():
        key = "" if column is None else _key(getattr(answer, column))
        rows = ScoreSummary.objects.filter(grouping=grouping, month=month, key=key)
        if rows.update(**increments):
            continue
        try:
            with transaction.atomic():
                ScoreSummary.objects.create(
                    grouping=grouping,
                    month=month,
                    key=key,
                    total=1,
                    valid=int(answer.valid),
                    **{f"s_{name}": value for name, value in scores.items()},
                )
        except IntegrityError:  # inserted meanwhile by another answer's transaction
            rows.update(**increments)


def summary_from_answers(grouping: str = "", *, answer_model: Any = Answer) -> dict[tuple[dt.date, str], Row]:
    """The summary's rows of ``grouping`` as one aggregate over the answers."""
    column = GROUP_COLUMNS[grouping]
    qs = answer_model.objects.annotate(p=TruncMonth("answered_at", tzinfo=_zone()))
    keys = ["p"] if column is None else ["p", column]
    valid = Q(valid=True)
    aggregates: dict[str, Any] = {"n": Count("id"), "n_valid": Count("id", filter=valid)}
    aggregates.update({f"s_{name}": Sum(name, filter=valid) for name in DIMENSIONS})
    out: dict[tuple[dt.date, str], Row] = {}
    for values in qs.values(*keys).annotate(**aggregates).order_by(*keys):
        month = values["p"].date() if isinstance(values["p"], dt.datetime) else values["p"]
        key = "" if column is None else _key(values[column])
        out[(month, key)] = (
            values["n"],
            values["n_valid"],
            tuple(int(values[f"s_{name}"] or 0) for name in DIMENSIONS),
        )
    return out


def summary_rows(grouping: str = "", *, summary_model: Any = ScoreSummary) -> dict[tuple[dt.date, str], Row]:
    return {
        (row.month, row.key): (row.total, row.valid, tuple(getattr(row, f"s_{name}") for name in DIMENSIONS))
        for row in summary_model.objects.filter(grouping=grouping)
    }


def summary_rebuild(*, answer_model: Any = Answer, summary_model: Any = ScoreSummary) -> int:
    """Every summary row computed again from the answers; answers how many rows there are."""
    with transaction.atomic():
        summary_model.objects.all().delete()
        rows = [
            summary_model(
                grouping=grouping,
                month=month,
                key=key,
                total=total,
                valid=valid,
                **{f"s_{name}": value for name, value in zip(DIMENSIONS, sums, strict=True)},
            )
            for grouping in GROUP_COLUMNS
            for (month, key), (total, valid, sums) in summary_from_answers(grouping, answer_model=answer_model).items()
        ]
        summary_model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
