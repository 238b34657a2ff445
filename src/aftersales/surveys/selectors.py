"""Satisfaction scores (R-9.5, R-9.6): means per dimension by period and by grouping, from database
aggregates over valid answers only. A period (or group within it) whose valid share is under
``MIN_VALID_SHARE`` is "not analysable": its share is shown, its means never.

The scores read the monthly summary (``ScoreSummary``, kept by summary.py as answers are
recorded): per month (Asia/Shanghai) and optional grouping, the number of answers, of valid ones
and the sum of each dimension over the valid ones. Quarters, half-years and years are months
added up (sums and counts, so the means stay exact).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import PermissionDenied
from aftersales.core.limits import MAX_ID
from aftersales.surveys.models import DIMENSIONS

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
    "source": (_("Source"), "source", "source"),  # how it was answered; on-site reports count too
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


def _quarter(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


_BUCKET: dict[str, Callable[[dt.date], dt.date]] = {
    "month": lambda day: day,
    "quarter": _quarter,
    "half": _half,
    "year": lambda day: dt.date(day.year, 1, 1),
}


def _group_names(grouping: str, keys: set[str]) -> dict[str, str]:
    """The names of the groups' keys (ids as text; a channel is its own name)."""
    ids = [int(k) for k in keys if k.isdigit()]
    pairs: Any
    if grouping == "channel":
        return {k: k for k in keys}
    if grouping == "source":
        from aftersales.surveys.models import Source

        return {k: str(Source(k).label) if k in Source.values else k for k in keys}
    if grouping == "team":
        from aftersales.accounts.models import Team

        pairs = Team.objects.filter(pk__in=ids).values_list("pk", "name")
    elif grouping == "technician":
        from aftersales.accounts.models import User

        pairs = User.objects.filter(pk__in=ids).values_list("pk", "display_name")
    elif grouping == "product_line":
        from aftersales.catalog.models import ProductLine

        pairs = ProductLine.objects.filter(pk__in=ids).values_list("pk", "name")
    elif grouping == "customer_category":
        from aftersales.customers.models import CustomerCategory

        pairs = CustomerCategory.objects.filter(pk__in=ids).values_list("pk", "name")
    else:
        return {}
    return {str(pk): name or "" for pk, name in pairs}


_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def previous_period(day: dt.date, period: str) -> dt.date:
    """The first day of the period before the one that starts on ``day``."""
    months = day.year * 12 + day.month - 1 - _MONTHS[period]
    return dt.date(months // 12, months % 12 + 1, 1)


def scores(*, actor: Any, start: dt.date, end: dt.date, period: str = "month", grouping: str = "") -> list[ScoreRow]:
    """Rows per period (and group) of the months from ``start``'s to the one before ``end``
    (local months), read from the monthly summary (summary.py), never from every answer. A row's
    trend is its overall mean against the same group's in the period just before (the previous
    month, quarter, half-year or year, also when that lies before ``start``)."""
    from aftersales.surveys.models import ScoreSummary

    if not actor.has_perm(PERM_SCORES):
        raise PermissionDenied()
    if period not in PERIODS:
        period = "month"
    grouping = grouping if grouping in GROUPINGS else ""
    first = start.replace(day=1)
    bucket = _BUCKET[period]
    since = previous_period(bucket(first), period)  # the period before the first one, for its trend
    summary = ScoreSummary.objects.filter(grouping=grouping, month__gte=since, month__lt=end)
    found = list(summary.values_list("month", "key", "total", "valid", *(f"s_{name}" for name in DIMENSIONS)))
    names = _group_names(grouping, {key for month, key, *_rest in found if key and month >= first}) if grouping else {}
    rows: dict[tuple[Any, ...], ScoreRow] = {}
    before: dict[tuple[Any, ...], ScoreRow] = {}  # months before ``start``: only the first trend's base
    for month, raw_key, total, valid, *sums in found:
        key: Any = None
        if raw_key:
            key = raw_key if grouping in ("channel", "source") or not raw_key.isdigit() else int(raw_key)
        day = bucket(month)
        into = rows if month >= first else before
        row = into.setdefault((key, day), ScoreRow(period=day, key=key, label=names.get(raw_key, "")))
        row.total += total
        row.valid += valid
        for name, value in zip(DIMENSIONS, sums, strict=True):
            row.sums[name] = row.sums.get(name, 0) + int(value)
    ordered = sorted(rows.values(), key=lambda r: (str(r.label), str(r.key), r.period))
    for row in ordered:
        at = (row.key, previous_period(row.period, period))
        base = rows.get(at) or before.get(at)
        if base is not None and base.overall is not None and row.overall is not None:
            row.trend = round(row.overall - base.overall, 2)
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


# --------------------------------------------------------------------------------------------
# QA follow-up calls
# --------------------------------------------------------------------------------------------


def follow_up_calls_due(*, actor: Any, now: dt.datetime, limit: int = 100) -> dict[str, list[Any]]:
    """The call list: work orders closed in the last week with no follow-up call after closing
    (complaints have their own call), and complaints ready for their follow-up call (acknowledged;
    a red one agreed) that have none — read from the feedback app's complaint, written only by its
    service. Oldest first, within the actor's work-order scope."""
    from django.db.models import Exists

    from aftersales.catalog.models import Colour, ServiceType
    from aftersales.feedback.models import Complaint
    from aftersales.surveys.followup import CALL_WITHIN, PERM_CALL
    from aftersales.surveys.models import FollowUpCall, FollowUpKind
    from aftersales.workorders.selectors import work_order_scope

    if not actor.has_perm(PERM_CALL) or getattr(actor, "is_customer_user", False):
        raise PermissionDenied()
    scope = work_order_scope(actor=actor)

    def called(kind: str) -> Exists:
        return Exists(
            FollowUpCall.objects.filter(work_order=OuterRef("pk"), kind=kind).exclude(
                outcome=FollowUpCall.Outcome.UNREACHABLE
            )
        )

    after_close = list(
        scope.filter(closed_at__gt=now - CALL_WITHIN, closed_at__lte=now)
        .exclude(service_type=ServiceType.COMPLAINT)
        .exclude(called(FollowUpKind.AFTER_CLOSE))
        .select_related("customer", "assignee")
        .order_by("closed_at", "pk")[:limit]
    )
    ready = Complaint.objects.filter(follow_up_at__isnull=True, acknowledged_at__isnull=False).filter(
        ~Q(work_order__colour=Colour.RED) | Q(agreed_at__isnull=False)
    )
    complaints = list(
        scope.filter(Exists(ready.filter(work_order=OuterRef("pk"))))
        .exclude(called(FollowUpKind.COMPLAINT))
        .select_related("customer", "assignee")
        .order_by("received_at", "pk")[:limit]
    )
    return {FollowUpKind.AFTER_CLOSE: after_close, FollowUpKind.COMPLAINT: complaints}


def follow_up_call_work_order(*, actor: Any, work_order_id: int) -> Any:
    """The work order a call is about, with its customer and contact, and its earlier calls."""
    from aftersales.core.errors import NotFound
    from aftersales.surveys.followup import PERM_CALL
    from aftersales.surveys.models import FollowUpCall
    from aftersales.workorders.selectors import work_order_scope

    if not actor.has_perm(PERM_CALL) or getattr(actor, "is_customer_user", False):
        raise PermissionDenied()
    wo = (
        work_order_scope(actor=actor).select_related("customer", "contact").filter(pk=work_order_id).first()
        if 0 < work_order_id <= MAX_ID
        else None
    )
    if wo is None:
        raise NotFound()
    wo.follow_up_calls = list(  # type: ignore[attr-defined]
        FollowUpCall.objects.filter(work_order=wo).select_related("called_by").order_by("-called_at")
    )
    return wo
