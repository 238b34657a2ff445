"""Writes to the working calendar (R-4): seeding official days, company exceptions, working hours.

Every write clears this process's calendar cache at once and again on commit; other processes
notice the change through the change stamp (see clocks.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from aftersales.audit.models import AccessLog
from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.outbox import Notice, notify_users
from aftersales.sla import notifications, targets
from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.errors import CalendarError, CalendarErrorCode, SlaErrorCode
from aftersales.sla.models import (
    WORKING_DAY_KINDS,
    Calendar,
    CalendarDay,
    CalendarYear,
    DayKind,
    DaySource,
    SlaExtension,
    WorkingPeriod,
    WorkOrderTarget,
)
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
            row.is_working, row.name, row.kind = official.is_working, official.name, _official_kind(official.is_working)
            row.save(update_fields=["is_working", "name", "kind", "updated_at"])
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(
                date=day,
                is_working=official.is_working,
                kind=_official_kind(official.is_working),
                name=official.name,
                source=DaySource.OFFICIAL,
            )
            for day, official in wanted.items()
            if day not in existing
        ],
        ignore_conflicts=True,  # a concurrent seeding of the same year already wrote it
    )
    CalendarYear.objects.update_or_create(
        year=year, defaults={"package_version": PACKAGE_VERSION, "confirmed_by": None}
    )


def _official_kind(is_working: bool) -> DayKind:
    return DayKind.MAKEUP_WORKDAY if is_working else DayKind.HOLIDAY


def calendar_year_seed(*, actor: Any, year: int) -> bool:
    """An administrator loads one year's official calendar from the package (admin page)."""
    _require(actor, CALENDAR_PERMISSION)
    written = calendar_seed_years(years=[year])[year]
    record(
        actor=actor,
        action=AccessLog.Action.CHANGE,
        verb="calendar_seed",
        object_type="calendaryear",
        object_id=year,
        detail={"seed": year},
    )
    return written


def calendar_year_confirm(*, actor: Any, year: int, without_holidays: bool = False) -> CalendarYear:
    """An administrator confirms that a year the package does not know has been entered by hand,
    which removes the "plain Monday-Friday" warning for it. A year with no statutory holiday
    entered is refused unless ``without_holidays``: the page asks first, since confirming it by
    mistake would silently count every holiday of the year as a working day."""
    _require(actor, CALENDAR_PERMISSION)
    _check_year(year, "year")
    with transaction.atomic():
        entered = CalendarDay.objects.filter(source=DaySource.ADMIN, kind=DayKind.HOLIDAY, date__year=year)
        if not without_holidays and not entered.exists():
            raise CalendarError(
                CalendarErrorCode.YEAR_HAS_NO_HOLIDAYS,
                _("No holidays have been entered for this year yet. Confirm it anyway?"),
                {"year": _("No holidays entered.")},
            )
        row, _created = CalendarYear.objects.get_or_create(year=year, defaults={"confirmed_by": actor})
        record(actor=actor, action=AccessLog.Action.CHANGE, verb="year_confirm", obj=row, detail={"confirm": year})
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


# One entry covers at most a month: the longest holiday (Spring Festival) is 8-9 days, and a typo
# in a year (2072 for 2027) must not write a thousand rows.
MAX_RANGE_DAYS = 31


def calendar_days_add(
    *,
    actor: Any,
    calendar: Calendar,
    date_from: dt.date | None,
    date_to: dt.date | None = None,
    kind: str,
    name: str = "",
) -> list[CalendarDay]:
    """An administrator enters a run of days of one kind (a statutory holiday such as 春节, its
    make-up working days, a company rest day or working day) from ``date_from`` to ``date_to``
    (one day when empty), within one year and at most MAX_RANGE_DAYS days. They win over the
    official calendar for those dates and survive every re-seeding. Days that already are what
    ``kind`` makes them (a holiday's weekend) are skipped; days the calendar already has an entry
    for are refused, named. Returns the rows written, by date."""
    _require(actor, CALENDAR_PERMISSION)
    date_to = date_to or date_from
    errors: dict[str, Any] = {}
    if kind not in DayKind.values:
        errors["kind"] = _("Choose the kind of day.")
    name = (name or "").strip()
    if len(name) > 64:
        errors["name"] = _("At most 64 characters.")
    if date_from is None or date_to is None:
        errors["date_from"] = _("Give the first day.")
    elif not (MIN_YEAR <= date_from.year <= MAX_YEAR and MIN_YEAR <= date_to.year <= MAX_YEAR):
        errors["date_from" if not MIN_YEAR <= date_from.year <= MAX_YEAR else "date_to"] = _(
            "Dates from %(first)s to %(last)s are supported."
        ) % {"first": MIN_YEAR, "last": MAX_YEAR}
    elif date_to < date_from:
        errors["date_to"] = _("The last day cannot be before the first.")
    elif date_to.year != date_from.year:
        errors["date_to"] = _("The days must be in one year; enter the rest in the next year.")
    elif (date_to - date_from).days >= MAX_RANGE_DAYS:
        errors["date_to"] = _("At most %(max)d days at a time.") % {"max": MAX_RANGE_DAYS}
    if errors or date_from is None or date_to is None:
        raise CalendarError(CalendarErrorCode.INVALID_DAYS, _("Check the marked fields."), errors)
    dates = [date_from + dt.timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    is_working = kind in WORKING_DAY_KINDS
    with transaction.atomic():
        Calendar.objects.select_for_update().filter(pk=calendar.pk).first()  # serialise edits of one calendar
        clashes = list(
            CalendarDay.objects.filter(calendar=calendar, date__gte=date_from, date__lte=date_to).order_by("date")
        )
        if clashes:
            listed = pgettext("list separator", ", ").join(
                f"{row.date:%Y-%m-%d}" + (f" ({row.name})" if row.name else "") for row in clashes[:10]
            )
            message = _(
                "Already entered for this calendar: %(days)s. Delete those days first, or choose other dates."
            ) % {"days": listed + ("…" if len(clashes) > 10 else "")}
            raise CalendarError(CalendarErrorCode.EXCEPTION_EXISTS, message, {"date_from": message})
        official = dict(
            CalendarDay.objects.filter(calendar__isnull=True, date__gte=date_from, date__lte=date_to).values_list(
                "date", "is_working"
            )
        )
        wanted = [day for day in dates if official.get(day, day.weekday() < 5) != is_working]
        if not wanted:
            unchanged = (
                _("These days are already working days.") if is_working else _("These days are already days off.")
            )
            raise CalendarError(CalendarErrorCode.EXCEPTION_CHANGES_NOTHING, unchanged, {"date_from": unchanged})
        rows = CalendarDay.objects.bulk_create(
            [
                CalendarDay(
                    calendar=calendar,
                    date=day,
                    is_working=is_working,
                    kind=kind,
                    name=name,
                    source=DaySource.ADMIN,
                    created_by=actor,
                )
                for day in wanted
            ]
        )
        record(
            actor=actor,
            action=AccessLog.Action.CHANGE,
            verb="days_add",
            obj=calendar,
            detail={
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "kind": kind,
                "name": name,
                "dates": [day.isoformat() for day in wanted],
            },
        )
    _changed()
    return rows


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
        record(
            actor=actor,
            action=AccessLog.Action.CHANGE,
            verb="delete",
            obj=day,
            detail={"deleted": day.date.isoformat()},
        )
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
        record(
            actor=actor,
            action=AccessLog.Action.CHANGE,
            verb="update",
            obj=period,
            detail={"start": str(start), "end": str(end)},
        )
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
        record(actor=actor, action=AccessLog.Action.CHANGE, verb="delete", obj=period, detail={"deleted": str(period)})
        period.delete()
    _changed()


# ---- SLA targets: extensions and the watcher (R-4.7) ---------------------------------
EXTEND_MAX_TEXT = 2000
# How many targets one scan handles per kind; the rest wait for the next run a minute later.
SCAN_BATCH = 500
SUPERVISOR_GROUP = "supervisor"


def target_extend(
    *,
    actor: Any,
    target_id: int,
    new_due_at: dt.datetime | None,
    agreed_with: str,
    agreed_at: dt.datetime | None,
    channel: str,
    note: str = "",
) -> SlaExtension:
    """R-3.6: record a new promised time agreed with the customer (who, when, how). It replaces the
    target's working due time; the original due time stays on the target for reports."""
    from django.utils import timezone

    from aftersales.workorders import services as work_orders
    from aftersales.workorders.selectors import work_order_scope

    if not actor.has_perm("workorders.handle_workorder"):
        raise PermissionDenied()
    now = timezone.now()
    errors: dict[str, Any] = {}
    if new_due_at is None:
        errors["new_due_at"] = _("Give the new promised time.")
    elif timezone.is_naive(new_due_at):
        errors["new_due_at"] = _("Give the time with its time zone.")
    elif new_due_at <= now:
        errors["new_due_at"] = _("The new promised time must be in the future.")
    agreed_with = (agreed_with or "").strip()
    if not agreed_with:
        errors["agreed_with"] = _("Say with whom at the customer the new time was agreed.")
    elif len(agreed_with) > 128:
        errors["agreed_with"] = _("At most 128 characters.")
    if agreed_at is None:
        errors["agreed_at"] = _("Give the time the new time was agreed.")
    elif timezone.is_naive(agreed_at):
        errors["agreed_at"] = _("Give the time with its time zone.")
    elif agreed_at > now + dt.timedelta(minutes=1):
        errors["agreed_at"] = _("The agreement cannot be in the future.")
    if channel not in SlaExtension.How.values:
        errors["channel"] = _("Choose how the new time was agreed.")
    note = (note or "").strip()
    if len(note) > EXTEND_MAX_TEXT:
        errors["note"] = _("At most %(max)d characters.") % {"max": EXTEND_MAX_TEXT}
    if errors or new_due_at is None or agreed_at is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        target = WorkOrderTarget.objects.filter(pk=target_id, work_order__in=work_order_scope(actor=actor)).first()
        if target is None:
            raise NotFound()
        # The work order's lock before the target's row (parent before child); archived is read-only.
        wo = work_orders.work_order_lock(actor=actor, work_order_id=target.work_order_id)
        target.refresh_from_db()
        if not (wo.assignee_id == actor.pk or actor.has_perm("workorders.view_all_workorders")):
            raise PermissionDenied(_("Only the assigned handler or a supervisor can do this."))
        if not target.is_open:
            raise DomainError(
                SlaErrorCode.TARGET_NOT_OPEN, _("This target is already met or no longer applies."), status=409
            )
        if new_due_at <= target.due_at:
            raise DomainError(
                SlaErrorCode.EXTENSION_NOT_LATER,
                _("An extension must be later than the current due time."),
                {"new_due_at": _("Later than the current due time.")},
                status=422,
            )
        extension = SlaExtension.objects.create(
            target=target,
            old_due_at=target.due_at,
            new_due_at=new_due_at,
            agreed_with=agreed_with,
            agreed_at=agreed_at,
            channel=channel,
            note=note,
            recorded_by=actor,
        )
        targets.extend(target, new_due_at=new_due_at)
        targets.refresh_next_due(wo)
        work_orders.work_order_event_record(  # the timeline is the work orders' own table (R-3.5)
            actor=actor,
            work_order=wo,
            at=now,
            action="sla_extend",
            text=note,
            data={
                "sla_target": target.kind,
                "old_due_at": extension.old_due_at.isoformat(),
                "new_due_at": new_due_at.isoformat(),
                "agreed_with": agreed_with,
                "agreed_at": agreed_at.isoformat(),
                "channel": channel,
            },
        )
        record(
            actor=actor, action=AccessLog.Action.CHANGE, verb="sla_extend", obj=extension, detail={"target": target.pk}
        )
    return extension


def sla_scan(*, now: dt.datetime | None = None, batch_size: int = SCAN_BATCH) -> dict[str, int]:
    """The periodic watcher (R-4.7): warn the handler of open targets past their warning time and
    escalate open targets past their due time to the supervisors, recording each breach.

    Finds both by indexed queries on the stored times (partial indexes on open rows). Exactly once
    per target, also across restarts and concurrent runs: each target is claimed by a conditional
    UPDATE (``warned_at``/``escalated_at`` IS NULL → now) in the same transaction as its outbox
    rows, which also carry dedupe keys ``sla:<target id>:warn`` / ``sla:<target id>:breach:<user>``.
    Safe to run twice. Must not run inside a caller's transaction (each batch commits on its own).
    """
    from django.utils import timezone

    now = now or timezone.now()
    return {"warned": _scan(now, "warn", batch_size), "escalated": _scan(now, "breach", batch_size)}


def _scan(now: dt.datetime, what: str, batch_size: int) -> int:
    stamp, due = ("warned_at", "warn_at") if what == "warn" else ("escalated_at", "due_at")
    open_rows = {"met_at__isnull": True, "cancelled_at__isnull": True, f"{stamp}__isnull": True}
    # A paused clock waits for no warning; but a target paused after its due time was already
    # missed, and a paused breach is still a breach: it is escalated and recorded.
    running = Q(paused_at__isnull=True)
    if what == "breach":
        running |= Q(paused_at__gte=F(due))
    ids = list(
        WorkOrderTarget.objects.filter(running, **open_rows, **{f"{due}__lte": now})
        .order_by(due)
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    supervisors = _supervisors() if what == "breach" else []
    # durable: refuses to run inside a caller's transaction (the claims must commit with the run).
    with transaction.atomic(durable=True):
        claimable = WorkOrderTarget.objects.filter(running, pk__in=ids, **open_rows)
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: rows another run is claiming right now are skipped, the rest locked;
            # SQLite takes the write lock at BEGIN (IMMEDIATE), which serialises whole runs.
            claimable = claimable.select_for_update(skip_locked=True, of=("self",))
        rows = list(claimable.select_related("work_order__assignee", "work_order__owner", "work_order__customer"))
        if not rows:
            return 0
        # The claim: conditional, so a row met or claimed meanwhile is not taken twice.
        WorkOrderTarget.objects.filter(pk__in=[row.pk for row in rows], **open_rows).update(
            **({stamp: now, "breached": True} if what == "breach" else {stamp: now})
        )
        notices: list[Notice] = []
        for target in rows:
            if what == "warn":
                if target.due_at > now:  # past due already: the escalation speaks for it
                    notices += notifications.target_warning(target)
            else:
                target.breached = True
                targets.record_breach(target.work_order, target, met_at=None, overdue=None, now=now, new=True)
                notices += notifications.target_breached(target, _recipients(target.work_order, supervisors))
        notify_users(notices)  # the whole batch in one INSERT
    return len(rows)


def _supervisors() -> list[Any]:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(groups__name=SUPERVISOR_GROUP, is_active=True, customer__isnull=True)
        .distinct()
        .order_by("pk")
    )


def _recipients(wo: Any, supervisors: list[Any]) -> list[Any]:
    """The supervisors of the assignee's team; else of the customer's region; else all of them."""
    team_id = wo.assignee.team_id if wo.assignee_id else None
    if team_id is not None:
        found = [user for user in supervisors if user.team_id == team_id]
        if found:
            return found
    region_id = wo.customer.region_id if wo.customer_id else None
    if region_id is not None:
        found = [user for user in supervisors if user.region_id == region_id]
        if found:
            return found
    return supervisors
