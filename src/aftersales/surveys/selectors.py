"""Satisfaction scores (R-9.5, R-9.6): means per dimension by period and by grouping, from database
aggregates over valid answers only. A period (or group within it) whose valid share is under
``MIN_VALID_SHARE`` is "not analysable": its share is shown, its means never.

One GROUP BY query: per period (month, quarter or year, truncated in Asia/Shanghai) and optional
grouping, the number of answers, of valid ones and the sum of each dimension over the valid ones.
Half-years are two quarters added up (sums and counts, so the means stay exact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import PermissionDenied
from aftersales.surveys.models import DIMENSIONS, Answer

PERM_SCORES = "surveys.view_scores"
MIN_VALID_SHARE = 0.8

PERIODS = {
    "month": _("Month"),
    "quarter": _("Quarter"),
    "half": _("Half-year"),
    "year": _("Year"),
}
GROUPINGS: dict[str, tuple[Any, str, str]] = {
    # name: (label, the answer's column, the column of its name)
    "team": (_("Team"), "team_id", "team__name"),
    "technician": (_("Technician"), "technician_id", "technician__display_name"),
    "product_line": (_("Product line"), "product_line_id", "product_line__name"),
    "channel": (_("Channel"), "channel", "channel"),
    "customer_category": (_("Customer category"), "customer_category_id", "customer_category__name"),
}
_TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "half": TruncQuarter, "year": TruncYear}


@dataclass
class ScoreRow:
    period: dt.date
    key: Any = None
    label: str = ""
    total: int = 0
    valid: int = 0
    sums: dict[str, int] = field(default_factory=dict)
    trend: float | None = None  # overall mean against the previous period of the same row

    @property
    def share(self) -> float:
        return self.valid / self.total if self.total else 0.0

    @property
    def analysable(self) -> bool:
        return self.total > 0 and self.share >= MIN_VALID_SHARE

    @property
    def means(self) -> dict[str, float] | None:
        if not self.analysable:
            return None
        return {name: round(self.sums.get(name, 0) / self.valid, 2) for name in DIMENSIONS}

    @property
    def overall(self) -> float | None:
        means = self.means
        return round(sum(means.values()) / len(means), 2) if means else None


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _half(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def scores(*, actor: Any, start: dt.date, end: dt.date, period: str = "month", grouping: str = "") -> list[ScoreRow]:
    """Rows per period (and group) with answers answered on ``start`` ≤ day < ``end`` (local days)."""
    if not actor.has_perm(PERM_SCORES):
        raise PermissionDenied()
    if period not in PERIODS:
        period = "month"
    zone = _zone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end, dt.time.min, tzinfo=zone)
    qs = Answer.objects.filter(answered_at__gte=since, answered_at__lt=until).annotate(
        p=_TRUNC[period]("answered_at", tzinfo=zone)
    )
    keys = ["p"]
    if grouping in GROUPINGS:
        _label, column, name = GROUPINGS[grouping]
        qs = qs.annotate(g=F(column), g_name=F(name))
        keys += ["g", "g_name"]
    valid = Q(valid=True)
    aggregates: dict[str, Any] = {"n": Count("id"), "n_valid": Count("id", filter=valid)}
    aggregates.update({f"s_{name}": Sum(name, filter=valid) for name in DIMENSIONS})
    rows: dict[tuple[Any, ...], ScoreRow] = {}
    for values in qs.values(*keys).annotate(**aggregates).order_by(*keys):
        day = values["p"].date() if isinstance(values["p"], dt.datetime) else values["p"]
        if period == "half":
            day = _half(day)
        key = values.get("g")
        row = rows.setdefault((key, day), ScoreRow(period=day, key=key, label=str(values.get("g_name") or "")))
        row.total += values["n"]
        row.valid += values["n_valid"]
        for name in DIMENSIONS:
            row.sums[name] = row.sums.get(name, 0) + int(values[f"s_{name}"] or 0)
    ordered = sorted(rows.values(), key=lambda r: (str(r.label), str(r.key), r.period))
    previous: dict[Any, ScoreRow] = {}
    for row in ordered:
        before = previous.get(row.key)
        if before is not None and before.overall is not None and row.overall is not None:
            row.trend = round(row.overall - before.overall, 2)
        previous[row.key] = row
    return ordered
