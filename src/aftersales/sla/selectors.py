"""Reads of the working calendar (R-4). Calendar data is company-wide and not confidential, so
these selectors take no actor; the pages that show them check ``sla.change_calendarday``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aftersales.core import stamps
from aftersales.core.errors import NotFound
from aftersales.sla.errors import CalendarError, CalendarErrorCode
from aftersales.sla.models import (
    AppliesWhen,
    Calendar,
    CalendarDay,
    CalendarYear,
    DayKind,
    DaySource,
    SlaPolicy,
    SlaTargetRule,
    TargetKind,
    WorkingPeriod,
    WorkOrderTarget,
)
from aftersales.sla.official import holiday_label, known_years
from aftersales.sla.targets import CREATED_TARGETS

# From this day of December on, next year's missing calendar is flagged too: deadlines set in the
# last weeks of a year already run into the next one (the State Council publishes in Oct-Dec).
NEXT_YEAR_WARNING_FROM = (12, 1)


def calendar_list() -> QuerySet[Calendar]:
    return Calendar.objects.all()


def calendar_get(*, calendar_id: int) -> Calendar:
    calendar = Calendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(_("This calendar does not exist."))
    return calendar


def calendar_default() -> Calendar:
    calendar = Calendar.objects.filter(is_default=True).first()
    if calendar is None:
        raise CalendarError(CalendarErrorCode.NO_DEFAULT_CALENDAR, _("No default working calendar is set."))
    return calendar


def calendar_default_id() -> int:
    return calendar_default().pk


def calendar_periods(*, calendar_id: int) -> list[tuple[dt.time, dt.time]]:
    """The calendar's working periods as (start, end) pairs, by start time."""
    rows = WorkingPeriod.objects.filter(calendar_id=calendar_id).order_by("start").values_list("start", "end")
    return list(rows)


def working_period_list(*, calendar: Calendar) -> QuerySet[WorkingPeriod]:
    return WorkingPeriod.objects.filter(calendar=calendar).order_by("start")


def calendar_year_days(*, calendar_id: int, year: int) -> dict[dt.date, bool]:
    """Every exception day of ``year`` for the calendar (date → is working); admin rows win."""
    rows = CalendarDay.objects.filter(
        Q(calendar__isnull=True) | Q(calendar_id=calendar_id), date__year=year
    ).values_list("date", "is_working", "source")
    days: dict[dt.date, bool] = {}
    admin: dict[dt.date, bool] = {}
    for day, is_working, source in rows:
        (admin if source == DaySource.ADMIN else days)[day] = is_working
    days.update(admin)
    return days


CALENDAR_STAMP_KEY = "sla-calendar"  # renewed by triggers on the calendar tables (migration 0008)


def calendar_change_stamp() -> int | None:
    """The calendar tables' change stamp (``core/stamps.py``): any write to them, however made,
    gives a new value; None when there is no stamp row (clocks.py then trusts nothing)."""
    return stamps.token(CALENDAR_STAMP_KEY)


def seeded_years() -> frozenset[int]:
    return frozenset(CalendarYear.objects.values_list("year", flat=True))


def unseeded_years(years: Iterable[int]) -> list[int]:
    """The given years that have no official calendar yet (computed as plain Monday-Friday)."""
    wanted = sorted(set(years))
    done = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in done]


def calendar_year_status(*, year: int) -> CalendarYear | None:
    """How ``year``'s official days are known: seeded (``package_version``) or confirmed by an
    administrator (``confirmed_by``); None while the year is computed as plain Monday-Friday."""
    return CalendarYear.objects.select_related("confirmed_by").filter(year=year).first()


def calendar_warnings(*, today: dt.date | None = None, except_year: int | None = None) -> list[str]:
    """Warnings for the admin and dashboard pages: the current year (and next year from
    December on) without an official calendar; ``except_year`` is left out (the calendar page
    shows that year's warning itself, with what to do about it)."""
    today = today or timezone.localdate()
    years = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_WARNING_FROM:
        years.append(today.year + 1)
    messages = []
    for year in unseeded_years(year for year in years if year != except_year):
        if year in known_years():
            text = _(
                "The working calendar for %(year)s has not been loaded: deadlines count every Monday to Friday"
                " as a working day. Load the official calendar for %(year)s."
            )
        else:
            text = _(
                "The official working calendar for %(year)s is not known yet: deadlines count every Monday to"
                " Friday as a working day. Enter the holidays and make-up working days of %(year)s and confirm the year."
            )
        messages.append(text % {"year": year})
    return messages


@dataclass(frozen=True, slots=True)
class DayRow:
    """One exception day as the administrator page shows it."""

    date: dt.date
    is_working: bool  # the effective kind of the day
    official: CalendarDay | None
    admin: CalendarDay | None

    @property
    def label(self) -> str:
        if self.admin is not None and self.admin.name:
            return self.admin.name
        return holiday_label(self.official.name) if self.official is not None else ""

    @property
    def kind_label(self) -> str:
        """Statutory holiday, make-up working day, company rest day or company working day."""
        row = self.admin or self.official
        return str(DayKind(row.kind).label) if row is not None else ""


def calendar_exceptions(*, calendar: Calendar, year: int) -> list[DayRow]:
    """The days of ``year`` that differ from plain Monday-Friday for ``calendar``, by date."""
    official: dict[dt.date, CalendarDay] = {}
    admin: dict[dt.date, CalendarDay] = {}
    rows = CalendarDay.objects.filter(Q(calendar__isnull=True) | Q(calendar=calendar), date__year=year)
    for row in rows:
        (admin if row.source == DaySource.ADMIN else official)[row.date] = row
    out = []
    for day in sorted(official.keys() | admin.keys()):
        chosen = admin.get(day) or official[day]
        out.append(DayRow(day, chosen.is_working, official.get(day), admin.get(day)))
    return out


# ---- SLA preview (R-2.5, R-4.9) -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PreviewTarget:
    """One promised time: ``name`` is the target kind, ``due_at`` in the local time zone."""

    name: str
    due_at: dt.datetime
    clock: str
    duration_seconds: int

    @property
    def label(self) -> str:
        return str(TargetKind(self.name).label)


def sla_preview(
    *,
    priority: str,
    received_at: dt.datetime | None,
    service_type: str = "",
    customer_category: str = "",
    product_line: str = "",
    customer_category_id: int | None = None,
    product_line_id: int | None = None,
) -> list[PreviewTarget]:
    """The first response, response and resolution times a request would get (the same policy
    and clocks as intake). Categories and product lines by code (API) or id (intake page)."""
    from aftersales.catalog.models import Priority, ProductLine, ServiceType
    from aftersales.core.errors import ValidationFailed
    from aftersales.customers.models import CustomerCategory
    from aftersales.sla import policies

    errors: dict[str, Any] = {}
    if priority not in Priority.values:
        errors["priority"] = _("Choose P1, P2 or P3.")
    if received_at is None:
        errors["received_at"] = _("Give the time the request was received.")
    elif timezone.is_naive(received_at):
        errors["received_at"] = _("Give the time with its time zone.")
    if service_type and service_type not in ServiceType.values:
        errors["service_type"] = _("Choose one of the service types.")
    if customer_category:
        customer_category_id = (
            CustomerCategory.objects.filter(code=customer_category).values_list("pk", flat=True).first()
        )
        if customer_category_id is None:
            errors["customer_category"] = _("Unknown customer category.")
    if product_line:
        product_line_id = ProductLine.objects.filter(code=product_line).values_list("pk", flat=True).first()
        if product_line_id is None:
            errors["product_line"] = _("Unknown product line.")
    if errors or received_at is None:
        raise ValidationFailed(errors)
    policy = policies.policy_for(
        priority=priority,
        customer_category_id=customer_category_id,
        product_line_id=product_line_id,
        service_type=service_type,
    )
    tz = timezone.get_default_timezone()
    planned = policies.plan_intake(policy=policy, received_at=received_at, kinds=policies.PREVIEW_KINDS)
    return [PreviewTarget(p.kind, p.due_at.astimezone(tz), p.clock, p.duration) for p in planned]


# ---- target states for the work-order pages (R-4.7) ---------------------------------------
class TargetState:
    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"
    MET_LATE = "met_late"
    PAUSED = "paused"


STATE_LABELS = {
    TargetState.ON_TIME: gettext_lazy("On time"),
    TargetState.AT_RISK: gettext_lazy("At risk"),
    TargetState.BREACHED: gettext_lazy("Breached"),
    TargetState.MET: gettext_lazy("Met"),
    TargetState.MET_LATE: gettext_lazy("Met late"),
    TargetState.PAUSED: gettext_lazy("Paused"),
}
# Bootstrap colours of the state badges.
STATE_CSS = {
    TargetState.ON_TIME: "text-bg-success",
    TargetState.AT_RISK: "text-bg-warning",
    TargetState.BREACHED: "text-bg-danger",
    TargetState.MET: "text-bg-secondary",
    TargetState.MET_LATE: "text-bg-dark",
    TargetState.PAUSED: "text-bg-info",
}


def span_text(seconds: float) -> str:
    """A length of time in words ("2 h 10 min" / "2小时10分钟"), to the minute."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


# Which event meets each target: the hooks of ``targets.py`` (its module docstring), in words
# for the pages, so a handler sees what to do to meet the target in front of them.
MET_BY = {
    TargetKind.FIRST_RESPONSE: gettext_lazy(
        "Met at the first contact: on receipt for a phone or walk-in request, otherwise when the request is"
        " acknowledged, someone contacts the customer, handling starts or it is resolved."
    ),
    TargetKind.RESPONSE: gettext_lazy(
        "Met when handling starts, when the handler contacts the customer (a call, SMS or e-mail recorded as"
        " outgoing), or at the resolution."
    ),
    TargetKind.RESOLUTION: gettext_lazy("Met when the work order is resolved."),
    TargetKind.CONTACT_AFTER_ASSIGNMENT: gettext_lazy(
        "Met when the handler contacts the customer or records a communication or note, or starts handling."
    ),
    TargetKind.PROGRESS_UPDATE: gettext_lazy(
        "Met by each progress note or communication; the next one is due from then, until the resolution."
    ),
    TargetKind.COLOUR_GREEN_CLOSE: gettext_lazy("Met when the work order is resolved."),
    TargetKind.COLOUR_YELLOW_PROGRESS: gettext_lazy("Met by a progress note, a communication or the resolution."),
    TargetKind.ONSITE_ARRIVAL: gettext_lazy("Met when the technician checks in at the customer's site."),
    TargetKind.APPOINTMENT_AGREED: gettext_lazy(
        "Met when an appointment is agreed with the customer, or when the technician arrives on site."
    ),
    TargetKind.FIRST_VISIT_FIX: gettext_lazy(
        "Met when the first visit's report records the fault fixed; breached when it records it not fixed."
    ),
    TargetKind.COMPLEX_CLOSE: gettext_lazy(
        "Set when the first visit did not fix the fault; met when the work order is resolved."
    ),
}


@dataclass(frozen=True, slots=True)
class TargetView:
    """One target as the pages show it."""

    target: WorkOrderTarget
    state: str
    seconds_left: float  # negative: overdue by; for met targets, the margin at the time met

    @property
    def label(self) -> str:
        return str(TargetKind(self.target.kind).label)

    @property
    def met_by(self) -> str:
        return str(MET_BY[TargetKind(self.target.kind)])

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def css(self) -> str:
        return STATE_CSS[self.state]

    @property
    def paused(self) -> bool:
        return self.target.met_at is None and self.target.paused_at is not None

    @property
    def time_text(self) -> str:
        """ "3 h 5 min left" / "overdue by 20 min" / "met 5 min early" — in the active language."""
        span = span_text(self.seconds_left)
        if self.state in (TargetState.MET, TargetState.MET_LATE):
            if self.seconds_left >= 0:
                return _("met %(span)s early") % {"span": span}
            return _("met %(span)s late") % {"span": span}
        if self.paused:
            if self.seconds_left > 0:
                return _("paused, %(span)s left") % {"span": span}
            return _("paused, overdue by %(span)s") % {"span": span}
        if self.seconds_left >= 0:
            return _("%(span)s left") % {"span": span}
        return _("overdue by %(span)s") % {"span": span}


def target_view(target: WorkOrderTarget, now: dt.datetime) -> TargetView:
    if target.met_at is not None:
        left = (target.due_at - target.met_at).total_seconds()
        return TargetView(target, TargetState.MET_LATE if target.breached else TargetState.MET, left)
    if target.paused_at is not None:
        # The clock stopped at the pause: what was left then (or how late it already was). A target
        # paused after its due time is still breached (R-4.6 stops the clock, it does not undo it).
        left = (target.due_at - target.paused_at).total_seconds()
        return TargetView(target, TargetState.BREACHED if left <= 0 else TargetState.PAUSED, left)
    left = (target.due_at - now).total_seconds()
    if left <= 0:
        return TargetView(target, TargetState.BREACHED, left)
    if now >= target.warn_at:
        return TargetView(target, TargetState.AT_RISK, left)
    return TargetView(target, TargetState.ON_TIME, left)


def _next_first(view: TargetView) -> tuple[bool, dt.datetime, int]:
    """Order of the open targets: the next deadline first; a paused one (its clock stopped) after
    the running ones, unless it was already overdue."""
    return (view.state == TargetState.PAUSED, view.target.due_at, view.target.pk)


@dataclass(frozen=True, slots=True)
class TargetSummary:
    """A work order's targets as its page shows them: the next one, then the rest folded.

    Each kind appears once, as its latest round; the earlier rounds (the progress updates already
    given, the contact of an earlier assignment) are its history."""

    next: TargetView | None
    others: list[TargetView]  # open ones in deadline order, then the met ones by due time
    history: list[TargetView]  # by start, latest first

    @property
    def other_counts(self) -> list[tuple[str, str, int]]:
        """(state label, badge class, how many) of the folded targets, in a fixed order."""
        counts: dict[str, int] = {}
        for view in self.others:
            counts[view.state] = counts.get(view.state, 0) + 1
        return [(str(STATE_LABELS[s]), STATE_CSS[s], counts[s]) for s in STATE_LABELS if s in counts]


def target_summary(views: Iterable[TargetView]) -> TargetSummary:
    latest: dict[str, TargetView] = {}
    history: list[TargetView] = []
    for view in sorted(views, key=lambda v: (v.target.started_at, v.target.pk), reverse=True):
        if view.target.kind in latest:
            history.append(view)
        else:
            latest[view.target.kind] = view
    running = sorted((v for v in latest.values() if v.target.is_open), key=_next_first)
    done = sorted((v for v in latest.values() if not v.target.is_open), key=lambda v: (v.target.due_at, v.target.pk))
    return TargetSummary(next=running[0] if running else None, others=running[1:] + done, history=history)


def _visible_targets(actor: Any, work_order_ids: list[int]) -> QuerySet[WorkOrderTarget]:
    from aftersales.workorders.selectors import work_order_scope

    # The scope check is bounded by the ids: "IN (every work order in scope)" would make the
    # database walk the whole scope for a page of 25.
    in_scope = work_order_scope(actor=actor).filter(pk__in=work_order_ids).values("pk")
    # Targets that stopped applying (a reassignment restarted the contact target, the resolution
    # ended progress updates) are not shown, unless they were missed.
    return WorkOrderTarget.objects.filter(work_order__in=in_scope).exclude(cancelled_at__isnull=False, breached=False)


def work_order_targets(*, actor: Any, work_order: Any, now: dt.datetime | None = None) -> list[TargetView]:
    """Every target of one work order the actor may see, by due time (one query).

    A customer sees the promise (``work_order_promise``: respond by, resolve by), on the portal
    and in the API's work-order detail alike, never the internal targets: not found (R-13.1)."""
    from aftersales.workorders.selectors import is_portal_user

    if is_portal_user(actor):
        raise NotFound()
    now = now or timezone.now()
    rows = _visible_targets(actor, [work_order.pk]).order_by("due_at", "id")
    return [target_view(row, now) for row in rows]


def work_order_targets_many(
    *, actor: Any, work_orders: Iterable[Any], now: dt.datetime | None = None
) -> dict[int, list[TargetView]]:
    """The open targets of each listed work order (work order id → views, the next deadline
    first, as on the detail page), one query."""
    now = now or timezone.now()
    ids = [wo.pk for wo in work_orders]
    result: dict[int, list[TargetView]] = {pk: [] for pk in ids}
    rows = _visible_targets(actor, ids).filter(met_at__isnull=True, cancelled_at__isnull=True).order_by("due_at", "id")
    for row in rows:
        result[row.work_order_id].append(target_view(row, now))
    for views in result.values():
        views.sort(key=_next_first)
    return result


# ---- compliance (R-4.7, R-10.3, R-12.1) -------------------------------------------------------
COMPLIANCE_PERMISSION = "sla.view_compliance"
COMPLIANCE_DIMENSIONS = {
    "priority": ("work_order__priority", None),
    "team": ("work_order__assignee__team_id", "work_order__assignee__team__name"),
    "assignee": ("work_order__assignee_id", "work_order__assignee__display_name"),
    "kind": ("kind", None),
}
# How a work order's targets due in a month ended (the compliance figures, the list's filter).
OUTCOME_MET, OUTCOME_BREACHED = "met", "breached"
OUTCOMES = frozenset({OUTCOME_MET, OUTCOME_BREACHED})


@dataclass(frozen=True, slots=True)
class ComplianceRow:
    """One month and one value of ``by``, counted in work orders: those with targets due that
    month (of that kind, for ``by="kind"``) that were decided, ``met`` when every one was met in
    time, ``breached`` when at least one was missed (met late or not at all). A work order counts
    once per row, so each figure is the number of work orders its list shows
    (``compliance_work_orders``, the work-order list's SLA filters)."""

    month: dt.date
    key: str
    label: str
    met: int
    breached: int

    @property
    def met_rate(self) -> float | None:
        """Share of the decided work orders whose targets were all met in time, 0-100; None when
        none was decided."""
        total = self.met + self.breached
        return round(100 * self.met / total, 1) if total else None


def month_span(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of month ``first`` to the start of the month after ``last``, in the
    display time zone (a target belongs to the month of its due time there)."""
    tz = timezone.get_default_timezone()
    end_month = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return (
        dt.datetime.combine(first.replace(day=1), dt.time(), tzinfo=tz),
        dt.datetime.combine(end_month, dt.time(), tzinfo=tz),
    )


def _decided() -> Q:
    """Targets that count: met, or breached (an open target not yet due is not decided)."""
    return Q(met_at__isnull=False) | Q(breached=True)


def compliance_work_orders(*, kind: str = "", outcome: str = "", month: dt.date | None = None) -> QuerySet[Any]:
    """The work orders behind a compliance figure, as a subquery of their ids (``work_order_id``):
    those with a decided target (of ``kind``, due in ``month``), all met in time for
    ``outcome="met"``, at least one breached for ``"breached"``, either for ``""``. The
    work-order list filters its own scope with it, so no one sees more than they may."""
    from aftersales.core.errors import ValidationFailed

    if kind and kind not in TargetKind.values:
        raise ValidationFailed({"target_kind": _("Choose one of the SLA targets.")})
    if outcome and outcome not in OUTCOMES:
        raise ValidationFailed({"target_outcome": _("Choose met or breached.")})
    targets = WorkOrderTarget.objects.filter(_decided())
    if kind:
        targets = targets.filter(kind=kind)
    if month is not None:
        start, end = month_span(month, month)
        targets = targets.filter(due_at__gte=start, due_at__lt=end)
    if outcome == OUTCOME_BREACHED:
        targets = targets.filter(breached=True)
    elif outcome == OUTCOME_MET:
        targets = targets.exclude(work_order_id__in=targets.filter(breached=True).values("work_order_id"))
    return targets.values("work_order_id")


def sla_compliance(*, actor: Any, month_from: dt.date, month_to: dt.date, by: str = "priority") -> list[ComplianceRow]:
    """Work orders whose targets were met in time or breached, per month (of the due time,
    Asia/Shanghai) and ``by`` (priority, team, assignee or target kind), counted by the database
    (``ComplianceRow``). Open targets that are not yet due are not counted; team and assignee are
    the work order's current ones."""
    from aftersales.core.errors import PermissionDenied, ValidationFailed

    if not actor.has_perm(COMPLIANCE_PERMISSION):
        raise PermissionDenied()
    if by not in COMPLIANCE_DIMENSIONS:
        raise ValidationFailed({"by": _("Choose priority, team, assignee or kind.")})
    first, last = month_from.replace(day=1), month_to.replace(day=1)
    for name, day in (("month_from", first), ("month_to", last)):
        if not 2000 <= day.year <= 2099:
            raise ValidationFailed({name: _("Choose a month between 2000 and 2099.")})
    if last < first:
        raise ValidationFailed({"month_to": _("The last month cannot be before the first.")})
    if (last.year - first.year) * 12 + last.month - first.month >= 36:
        raise ValidationFailed({"month_to": _("At most 36 months at a time.")})
    start, end = month_span(first, last)
    key_field, label_field = COMPLIANCE_DIMENSIONS[by]
    fields = [key_field] + ([label_field] if label_field else [])
    rows = (
        WorkOrderTarget.objects.filter(due_at__gte=start, due_at__lt=end)
        .filter(_decided())
        .annotate(month=TruncMonth("due_at", tzinfo=timezone.get_default_timezone()))
        .values("month", *fields)
        .annotate(
            decided=Count("work_order_id", distinct=True),
            missed=Count("work_order_id", distinct=True, filter=Q(breached=True)),
        )
        .order_by("month", key_field)
    )
    result = []
    for row in rows:
        key = row[key_field]
        label = row[label_field] if label_field else key
        if by == "kind":
            label = TargetKind(key).label
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        result.append(
            ComplianceRow(
                month=month,
                key="" if key is None else str(key),
                label=str(label) if label not in (None, "") else _("(none)"),
                met=row["decided"] - row["missed"],
                breached=row["missed"],
            )
        )
    return result


def sla_preview_for_intake(
    *,
    actor: Any,
    priority: str,
    received_at: dt.datetime | None = None,
    service_type: str = "",
    customer_id: int | None = None,
    installed_product_id: int | None = None,
) -> dict[str, PreviewTarget]:
    """The intake page's promise (R-2.5): the preview for the chosen customer (category) and
    installed product (product line), resolved through the actor's scope; received now by default.
    A received time intake would refuse (in the future, over a year ago) is refused here too, in
    intake's words: no promise is read out for a request that cannot be recorded."""
    from aftersales.core.errors import PermissionDenied, ValidationFailed
    from aftersales.customers.selectors import customer_get, installed_product_get
    from aftersales.workorders.services import received_at_refusal

    if not actor.has_perm("workorders.add_workorder"):
        raise PermissionDenied()
    if received_at is not None and (refusal := received_at_refusal(received_at, now=timezone.now())):
        raise ValidationFailed({"received_at": refusal})
    category_id = line_id = None
    if customer_id is not None:
        category_id = customer_get(actor=actor, customer_id=customer_id).category_id
    if installed_product_id is not None:
        product = installed_product_get(actor=actor, installed_product_id=installed_product_id)
        line_id = product.product_model.product_line_id
    targets = sla_preview(
        priority=priority,
        received_at=received_at or timezone.now(),
        service_type=service_type,
        customer_category_id=category_id,
        product_line_id=line_id,
    )
    return {t.name: t for t in targets}


# ---- the customer's promise, as it stands ------------------------------------------
@dataclass(frozen=True, slots=True)
class Promise:
    """What the customer was promised at intake and how it stands now: when we respond (the
    response target, or the first response where there is none) and when we expect to resolve
    the problem, each with the time it was met. None where the work order has no such target."""

    respond_by: dt.datetime | None = None
    responded_at: dt.datetime | None = None
    resolve_by: dt.datetime | None = None
    resolved_at: dt.datetime | None = None


PROMISE_KINDS = (TargetKind.FIRST_RESPONSE, TargetKind.RESPONSE, TargetKind.RESOLUTION)


def work_order_promise(*, actor: Any, work_order: Any) -> Promise:
    """One query; the latest round of each target counts (a pause or an agreed extension moved it).

    No query for a work order intake has just created: its targets are the ones ``on_created``
    stored on it (the creator sees what they created), so the answer to a create reads nothing."""
    latest: dict[str, tuple[dt.datetime, dt.datetime | None]] = {}
    created = work_order.__dict__.get(CREATED_TARGETS) if isinstance(work_order, Model) else None
    rows: Any
    if created is not None:
        rows = [
            (t.kind, t.due_at, t.met_at)
            for t in sorted(created, key=lambda t: t.started_at)
            if t.kind in PROMISE_KINDS and t.cancelled_at is None
        ]
    else:
        rows = (
            _visible_targets(actor, [work_order.pk])
            .filter(kind__in=PROMISE_KINDS)
            .filter(cancelled_at__isnull=True)
            .order_by("started_at", "id")
            .values_list("kind", "due_at", "met_at")
        )
    for kind, due_at, met_at in rows:
        latest[kind] = (due_at, met_at)
    respond = latest.get(TargetKind.RESPONSE) or latest.get(TargetKind.FIRST_RESPONSE)
    resolve = latest.get(TargetKind.RESOLUTION)
    return Promise(
        respond_by=respond[0] if respond else None,
        responded_at=respond[1] if respond else None,
        resolve_by=resolve[0] if resolve else None,
        resolved_at=resolve[1] if resolve else None,
    )


# ---- SLA policies on the administrator's page (R-4.2, R-4.9) -------------------------------
POLICY_PERMISSION = "sla.change_slapolicy"
# Each clock in words, for the people who choose one.
CLOCK_WORDS = {
    "wall": gettext_lazy("Around the clock: every hour counts, nights, weekends and holidays too."),
    "working_hours": gettext_lazy("Working hours only: the calendar's working periods on working days."),
    "working_days": gettext_lazy("Whole working days: due at the same time of day that many working days later."),
}


def _require_policy_access(actor: Any) -> None:
    from aftersales.core.errors import PermissionDenied

    if not actor.has_perm(POLICY_PERMISSION):
        raise PermissionDenied()


def sla_policy_list(*, actor: Any) -> list[SlaPolicy]:
    """Every policy with its rules (two queries), by priority, the active ones first."""
    _require_policy_access(actor)
    return list(
        SlaPolicy.objects.select_related("customer_category", "product_line", "calendar")
        .prefetch_related("rules")
        .order_by("priority", "-is_active", "pk")
    )


def sla_policy_get(*, actor: Any, policy_id: int) -> SlaPolicy:
    _require_policy_access(actor)
    policy = (
        SlaPolicy.objects.select_related("customer_category", "product_line", "calendar")
        .prefetch_related("rules")
        .filter(pk=policy_id)
        .first()
    )
    if policy is None:
        raise NotFound(_("This SLA policy does not exist."))
    return policy


def rules_in_order(rules: Iterable[SlaTargetRule]) -> list[SlaTargetRule]:
    """A policy's rules in the order of the targets (first response, response, resolution, …),
    then always / in working hours / outside them."""
    kinds, whens = TargetKind.values, AppliesWhen.values
    return sorted(rules, key=lambda rule: (kinds.index(rule.kind), whens.index(rule.applies_when)))


def duration_words(*, clock: str, seconds: int | None = None, days: int | None = None) -> str:
    """A rule's duration as an administrator typed it: "4 h", "1 h 30 min", "3 working days"."""
    if clock == "working_days":
        count = days if days is not None else (seconds or 0) // 86_400
        return ngettext("%(n)d working day", "%(n)d working days", count) % {"n": count}
    hours, minutes = divmod((seconds or 0) // 60, 60)
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def sla_policy_preview(
    *,
    actor: Any,
    priority: str,
    received_at: dt.datetime | None,
    service_type: str = "",
    customer_category_id: int | None = None,
    product_line_id: int | None = None,
) -> tuple[SlaPolicy, list[PreviewTarget]]:
    """What a sample request would get: the policy that applies and its intake targets with their
    due times (``sla_preview``, the same policy choice and clocks as intake)."""
    from aftersales.sla import policies

    _require_policy_access(actor)
    targets = sla_preview(
        priority=priority,
        received_at=received_at,
        service_type=service_type,
        customer_category_id=customer_category_id,
        product_line_id=product_line_id,
    )
    policy = policies.policy_for(
        priority=priority,
        customer_category_id=customer_category_id,
        product_line_id=product_line_id,
        service_type=service_type,
    )
    return policy, targets
