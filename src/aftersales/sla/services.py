"""Writes to the working calendar (R-4): seeding official days, company exceptions, working hours.

Every write clears this process's calendar cache at once and again on commit; other processes
notice the change through the change stamp (see clocks.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.audit.models import AccessLog
from aftersales.audit.services import record
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.errors import CalendarError, CalendarErrorCode
from aftersales.sla.models import Calendar, CalendarDay, CalendarYear, DaySource, WorkingPeriod
from aftersales.sla.official import PACKAGE_VERSION, known_years, official_days
from aftersales.sla.timeline import MAX_YEAR, MIN_YEAR

CALENDAR_PERMISSION = "sla.change_calendarday"
PERIOD_PERMISSION = "sla.change_workingperiod"


def _require(actor: Any, permission: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied()


def _changed() -> None:
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)


# ---- official days ------------------------------------------------------------------------
def calendar_seed_years(*, years: Iterable[int], refresh: bool = False) -> dict[int, bool]:
    """Write the official days of ``years`` from the installed ``chinese_calendar`` package.

    Idempotent and cheap when already done: a year already seeded by this package version is
    skipped (one query for all years) unless ``refresh``. Only official rows are written;
    administrator rows are never read or changed. Returns year → whether it was (re)written.
    """
    wanted = sorted(set(years))
    unknown = [year for year in wanted if year not in known_years()]
    if unknown:
        first, last = known_years()[0], known_years()[-1]
        raise CalendarError(
            CalendarErrorCode.YEAR_NOT_KNOWN,
            _("The official calendar is known only for %(first)s-%(last)s.") % {"first": first, "last": last},
            {"years": ", ".join(str(year) for year in unknown)},
        )
    done = set(
        CalendarYear.objects.filter(year__in=wanted, package_version=PACKAGE_VERSION).values_list("year", flat=True)
    )
    result = {year: False for year in wanted}
    for year in wanted:
        if year in done and not refresh:
            continue
        _seed_year(year)
        result[year] = True
    if any(result.values()):
        _changed()
    return result


def calendar_seed_known(*, refresh: bool = False) -> dict[int, bool]:
    """Seed every year the package knows (run by ``make setup``)."""
    return calendar_seed_years(years=known_years(), refresh=refresh)


@transaction.atomic
def _seed_year(year: int) -> None:
    wanted = {day.date: day for day in official_days(year)}
    existing = {row.date: row for row in CalendarDay.objects.filter(source=DaySource.OFFICIAL, date__year=year)}
    stale = [row.pk for day, row in existing.items() if day not in wanted]
    if stale:
        CalendarDay.objects.filter(pk__in=stale).delete()
    for day, official in wanted.items():
        row = existing.get(day)
        if row is not None and (row.is_working, row.name) != (official.is_working, official.name):
            row.is_working, row.name = official.is_working, official.name
            row.save(update_fields=["is_working", "name", "updated_at"])
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, is_working=official.is_working, name=official.name, source=DaySource.OFFICIAL)
            for day, official in wanted.items()
            if day not in existing
        ],
        ignore_conflicts=True,  # a concurrent seeding of the same year already wrote it
    )
    CalendarYear.objects.update_or_create(
        year=year, defaults={"package_version": PACKAGE_VERSION, "confirmed_by": None}
    )


def calendar_year_seed(*, actor: Any, year: int) -> bool:
    """An administrator loads one year's official calendar from the package (admin page)."""
    _require(actor, CALENDAR_PERMISSION)
    written = calendar_seed_years(years=[year])[year]
    record(
        actor=actor, action=AccessLog.Action.CHANGE, object_type="calendaryear", object_id=year, detail={"seed": year}
    )
    return written


def calendar_year_confirm(*, actor: Any, year: int) -> CalendarYear:
    """An administrator confirms that a year the package does not know has been entered by hand,
    which removes the "plain Monday-Friday" warning for it."""
    _require(actor, CALENDAR_PERMISSION)
    _check_year(year, "year")
    with transaction.atomic():
        row, _created = CalendarYear.objects.get_or_create(year=year, defaults={"confirmed_by": actor})
        record(actor=actor, action=AccessLog.Action.CHANGE, obj=row, detail={"confirm": year})
    _changed()
    return row


# ---- company exceptions -------------------------------------------------------------------
def _check_year(year: int, field: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarError(
            CalendarErrorCode.DATE_OUT_OF_RANGE,
            _("Dates from %(first)s to %(last)s are supported.") % {"first": MIN_YEAR, "last": MAX_YEAR},
            {field: _("Outside the supported years.")},
        )


def calendar_exception_add(
    *, actor: Any, calendar: Calendar, date: dt.date, is_working: bool, name: str = ""
) -> CalendarDay:
    """An administrator adds a company day off or extra working day; it wins over the official
    calendar for that date and survives every re-seeding."""
    _require(actor, CALENDAR_PERMISSION)
    _check_year(date.year, "date")
    name = name.strip()
    if len(name) > 64:
        raise CalendarError(
            CalendarErrorCode.NAME_TOO_LONG,
            _("The name is too long."),
            {"name": _("At most 64 characters.")},
        )
    with transaction.atomic():
        if CalendarDay.objects.filter(calendar=calendar, date=date).exists():
            raise CalendarError(
                CalendarErrorCode.EXCEPTION_EXISTS,
                _("This date already has a company exception; delete it first."),
                {"date": _("Already an exception.")},
            )
        official = CalendarDay.objects.filter(calendar__isnull=True, date=date).first()
        current = official.is_working if official is not None else date.weekday() < 5
        if current == is_working:
            raise CalendarError(
                CalendarErrorCode.EXCEPTION_CHANGES_NOTHING,
                _("This date is already a working day.") if is_working else _("This date is already a day off."),
                {"is_working": _("Nothing to change.")},
            )
        day = CalendarDay.objects.create(
            calendar=calendar, date=date, is_working=is_working, name=name, source=DaySource.ADMIN, created_by=actor
        )
        record(
            actor=actor,
            action=AccessLog.Action.CREATE,
            obj=day,
            detail={"date": date.isoformat(), "is_working": is_working},
        )
    _changed()
    return day


def calendar_exception_delete(*, actor: Any, calendar: Calendar, day_id: int) -> None:
    """An administrator removes a company exception; the official calendar applies again."""
    _require(actor, CALENDAR_PERMISSION)
    day = CalendarDay.objects.filter(pk=day_id).first()
    if day is None or (day.calendar_id is not None and day.calendar_id != calendar.pk):
        raise NotFound()
    if day.source != DaySource.ADMIN:
        raise CalendarError(
            CalendarErrorCode.NOT_ADMIN_EXCEPTION,
            _("Official days cannot be deleted; add a company exception instead."),
            {"day": _("Official day.")},
        )
    with transaction.atomic():
        record(actor=actor, action=AccessLog.Action.CHANGE, obj=day, detail={"deleted": day.date.isoformat()})
        day.delete()
    _changed()


# ---- working hours ------------------------------------------------------------------------
def _check_period(*, calendar: Calendar, start: dt.time, end: dt.time, exclude: int | None = None) -> None:
    if end <= start:
        raise CalendarError(
            CalendarErrorCode.PERIOD_END_BEFORE_START,
            _("A working period must end after it starts."),
            {"end": _("Must be later than the start.")},
        )
    others = WorkingPeriod.objects.filter(calendar=calendar, start__lt=end, end__gt=start)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    clash = others.first()
    if clash is not None:
        raise CalendarError(
            CalendarErrorCode.PERIODS_OVERLAP,
            _("The period overlaps %(period)s.") % {"period": str(clash)},
            {"start": _("Overlaps another period.")},
        )


def working_period_add(*, actor: Any, calendar: Calendar, start: dt.time, end: dt.time) -> WorkingPeriod:
    _require(actor, PERIOD_PERMISSION)
    with transaction.atomic():
        Calendar.objects.select_for_update().filter(pk=calendar.pk).first()  # serialise edits of one calendar
        _check_period(calendar=calendar, start=start, end=end)
        period = WorkingPeriod.objects.create(calendar=calendar, start=start, end=end)
        record(actor=actor, action=AccessLog.Action.CREATE, obj=period, detail={"start": str(start), "end": str(end)})
    _changed()
    return period


def working_period_update(*, actor: Any, period: WorkingPeriod, start: dt.time, end: dt.time) -> WorkingPeriod:
    _require(actor, PERIOD_PERMISSION)
    with transaction.atomic():
        Calendar.objects.select_for_update().filter(pk=period.calendar_id).first()
        _check_period(calendar=period.calendar, start=start, end=end, exclude=period.pk)
        period.start, period.end = start, end
        period.save(update_fields=["start", "end", "updated_at"])
        record(actor=actor, action=AccessLog.Action.CHANGE, obj=period, detail={"start": str(start), "end": str(end)})
    _changed()
    return period


def working_period_delete(*, actor: Any, period: WorkingPeriod) -> None:
    _require(actor, PERIOD_PERMISSION)
    with transaction.atomic():
        Calendar.objects.select_for_update().filter(pk=period.calendar_id).first()
        if WorkingPeriod.objects.filter(calendar_id=period.calendar_id).count() <= 1:
            raise CalendarError(
                CalendarErrorCode.LAST_PERIOD,
                _("A calendar needs at least one working period."),
                {"period": _("The last period cannot be deleted.")},
            )
        record(actor=actor, action=AccessLog.Action.CHANGE, obj=period, detail={"deleted": str(period)})
        period.delete()
    _changed()
