"""Reads of the working calendar (R-4). Calendar data is company-wide and not confidential, so
these selectors take no actor; the pages that show them check ``sla.change_calendarday``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import NotFound
from aftersales.sla.errors import CalendarError, CalendarErrorCode
from aftersales.sla.models import Calendar, CalendarDay, CalendarYear, DaySource, WorkingPeriod
from aftersales.sla.official import holiday_label, known_years

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


def calendar_change_stamp() -> tuple[object, ...]:
    """A cheap fingerprint of every calendar table: row count, highest id and latest change.

    Adding a row raises the highest id, deleting one lowers the count, editing one moves
    ``updated_at``; so any change made through Django changes the stamp (see clocks.py).
    """
    stamp: list[object] = []
    for model in (Calendar, WorkingPeriod, CalendarDay, CalendarYear):
        agg = model.objects.aggregate(n=Count("id"), top=Max("id"), at=Max("updated_at"))
        stamp += [agg["n"], agg["top"], agg["at"]]
    return tuple(stamp)


def seeded_years() -> frozenset[int]:
    return frozenset(CalendarYear.objects.values_list("year", flat=True))


def unseeded_years(years: Iterable[int]) -> list[int]:
    """The given years that have no official calendar yet (computed as plain Monday-Friday)."""
    wanted = sorted(set(years))
    done = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in done]


def calendar_warnings(*, today: dt.date | None = None) -> list[str]:
    """Warnings for the admin and dashboard pages: the current year (and next year from
    December on) without an official calendar."""
    today = today or timezone.localdate()
    years = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_WARNING_FROM:
        years.append(today.year + 1)
    messages = []
    for year in unseeded_years(years):
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
