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
from django.db.models import Count, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import PermissionDenied
from aftersales.core.limits import MAX_ID
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


# --------------------------------------------------------------------------------------------
# Monthly samples and the improvement items: read by whoever sees the scores.
# --------------------------------------------------------------------------------------------


def _may_see(actor: Any) -> None:
    if not actor.has_perm(PERM_SCORES):
        raise PermissionDenied()


def sample_list(*, actor: Any) -> list[Any]:
    from aftersales.surveys.models import Sample

    _may_see(actor)
    return list(Sample.objects.all()[:120])


def sample_get(*, actor: Any, sample_id: int) -> Any:
    """The sample with its strata (and their fault category); NotFound when there is none."""
    from aftersales.core.errors import NotFound
    from aftersales.surveys.models import Sample

    _may_see(actor)
    sample = Sample.objects.filter(pk=sample_id).first() if 0 < sample_id <= MAX_ID else None
    if sample is None:
        raise NotFound()
    sample.strata_list = list(  # type: ignore[attr-defined]
        sample.strata.select_related("fault_category").order_by("service_type", "channel", "pk")
    )
    return sample


def sample_members(sample: Any, *, limit: int = 200) -> list[Any]:
    """The first sampled customers with their work order and whether their invitation was answered."""
    from django.db.models import Subquery

    from aftersales.surveys.models import Invitation, Kind, SampleMember

    invitations = Invitation.objects.filter(work_order=OuterRef("work_order_id"), kind=Kind.SAMPLING)
    return list(
        SampleMember.objects.filter(sample=sample)
        .select_related("customer", "work_order", "stratum")
        .annotate(
            invited_at=Subquery(invitations.values("sent_at")[:1]),
            answered_at=Subquery(invitations.values("answered_at")[:1]),
        )
        .order_by("pk")[:limit]
    )


def improvement_items(*, actor: Any, limit: int = 200) -> list[Any]:
    from aftersales.surveys.models import ImprovementItem

    _may_see(actor)
    return list(ImprovementItem.objects.select_related("team")[:limit])


def improvement_item_get(*, actor: Any, item_id: int) -> Any:
    from aftersales.core.errors import NotFound
    from aftersales.surveys.models import ImprovementItem

    item = ImprovementItem.objects.select_related("team").filter(pk=item_id).first() if 0 < item_id <= MAX_ID else None
    if item is None:
        raise NotFound()
    return item


def meeting_list(*, actor: Any) -> list[Any]:
    """The service-quality meetings (R-9.7), newest first, with how many items each reviewed."""
    from aftersales.surveys.models import QualityMeeting

    _may_see(actor)
    return list(QualityMeeting.objects.annotate(reviewed=Count("decisions")).order_by("-held_on", "-pk")[:200])


def meeting_get(*, actor: Any, meeting_id: int) -> Any:
    """A meeting with its attendees and decisions (each with its item and team)."""
    from aftersales.core.errors import NotFound
    from aftersales.surveys.models import QualityMeeting

    _may_see(actor)
    meeting = QualityMeeting.objects.filter(pk=meeting_id).first() if 0 < meeting_id <= MAX_ID else None
    if meeting is None:
        raise NotFound()
    meeting.attendee_list = list(meeting.attendees.order_by("display_name", "pk"))  # type: ignore[attr-defined]
    meeting.decision_list = list(  # type: ignore[attr-defined]
        meeting.decisions.select_related("item__team").order_by("pk")
    )
    return meeting


def meeting_reviewable_items(*, meeting: Any = None) -> list[Any]:
    """The items a meeting may review: every item not yet verified, and those it reviewed."""
    from aftersales.surveys.models import ImprovementItem

    scope = ~Q(status=ImprovementItem.Status.VERIFIED)
    if meeting is not None:
        scope |= Q(decisions__meeting=meeting)
    return list(
        ImprovementItem.objects.filter(scope)
        .select_related("team")
        .distinct()
        .order_by("-month", "dimension", "pk")[:100]
    )


def meeting_attendee_choices() -> Any:
    """Active staff (no customer users) who may attend."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True)
        .exclude(groups__name="customer")
        .order_by("display_name", "username")
    )
