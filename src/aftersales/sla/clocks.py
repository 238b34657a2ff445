"""The three SLA clocks (R-4): 24/7 wall clock, working hours and working days.

Public functions (the SLA policy layer calls these; every datetime is timezone-aware, naive
ones are refused; results keep the tzinfo of the input):

- ``add_duration(start, duration, clock, calendar=None)`` — the deadline ``duration`` after ``start``
- ``add_working_time(start, duration, calendar=None)`` / ``add_working_days(start, days, calendar=None)``
- ``is_working_time(moment)``, ``is_working_day(day)``, ``next_working_start(moment)`` (R-4.8)
- ``working_seconds_between(a, b)``, ``elapsed_seconds(a, b, clock)`` (pauses, R-4.6)
- ``fraction_point(start, deadline, fraction, clock)`` (the 80 % warning, R-4.7)

Rules:

- Working periods are half-open: 17:30 is outside 08:30-17:30, 08:30 is inside.
- Working hours from a moment outside working hours count from the next period start. A result
  that lands exactly on a period's end stays there (08:30 + 9 h on a working day → 17:30).
- N working days: received within working hours → the same time of day N working days later.
  Received before a working day opens (e.g. 07:00), that day is day 1; received after closing or
  on a day off, the next working day is day 1; in both cases due at the end of day N (17:30).
  Received in a break between two periods (lunch), as if received when the next period starts.
- A zero duration returns ``start`` unchanged on every clock.

Cache: each process keeps one ``Timeline`` per calendar (the working intervals of the years in
use, built from the tables on first use). Writes in this process clear it at once (services call
``calendar_cache_clear``); writes in other processes are noticed within ``STAMP_TTL`` seconds:
at most that often a lookup reads ``selectors.calendar_change_stamp`` (one single-row SELECT of
the token that triggers renew on every write to the calendar tables, ``core/stamps.py``) and
drops everything when it changed. Between checks a lookup costs no query.
"""

from __future__ import annotations

import datetime as dt
import threading
from time import monotonic
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.sla import selectors
from aftersales.sla.errors import CalendarError, CalendarErrorCode
from aftersales.sla.models import Calendar
from aftersales.sla.timeline import MAX_YEAR, MIN_YEAR, US, OutOfRange, Timeline, build_year, from_us, to_us

STAMP_TTL = 2.0  # seconds a process trusts its cached calendar before re-reading the change stamp
DAY_US = 86_400 * US
_ONE_US = dt.timedelta(microseconds=1)
# Supported instants (a day of margin either side, so any time zone's local years fit).
_LOW_US = to_us(dt.datetime(MIN_YEAR, 1, 1, tzinfo=dt.UTC)) - DAY_US
_HIGH_US = to_us(dt.datetime(MAX_YEAR + 1, 1, 1, tzinfo=dt.UTC)) + DAY_US


class Clock(models.TextChoices):
    WALL = "wall", _("24/7 wall clock")
    WORKING_HOURS = "working_hours", _("Working hours")
    WORKING_DAYS = "working_days", _("Working days")


CalendarRef = Calendar | int | None
Duration = dt.timedelta | int | float


# ---- the per-process cache ------------------------------------------------------------------
class _Registry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timelines: dict[int, Timeline] = {}
        self.default_id: int | None = None
        self.stamp: int | None = None
        self.next_check = 0.0


_registry = _Registry()


def calendar_cache_clear() -> None:
    """Forget every cached calendar in this process; the next lookup re-reads the stamp first."""
    with _registry.lock:
        _registry.timelines = {}
        _registry.default_id = None
        _registry.stamp = None
        _registry.next_check = 0.0


def _revalidate(now: float) -> None:
    # The stamp is read before any data it covers, so data loaded later is never older than it.
    stamp = selectors.calendar_change_stamp()
    with _registry.lock:
        if stamp is None or stamp != _registry.stamp:
            _registry.timelines = {}
            _registry.default_id = None
            _registry.stamp = stamp
        _registry.next_check = now + STAMP_TTL


def _load(calendar_id: int) -> Timeline:
    periods = selectors.calendar_periods(calendar_id=calendar_id)
    if not periods:
        selectors.calendar_get(calendar_id=calendar_id)  # NotFound for an unknown id
        raise CalendarError(CalendarErrorCode.NO_WORKING_PERIODS, _("The calendar has no working periods."))
    tz = ZoneInfo(settings.TIME_ZONE)

    def load_year(year: int) -> object:
        days = selectors.calendar_year_days(calendar_id=calendar_id, year=year)

        def is_working(day: dt.date) -> bool:
            kind = days.get(day)
            return day.weekday() < 5 if kind is None else kind

        return build_year(year, tz, periods, is_working)

    timeline = Timeline(tz, load_year)  # type: ignore[arg-type]
    with _registry.lock:
        return _registry.timelines.setdefault(calendar_id, timeline)


def timeline_for(calendar: CalendarRef = None) -> Timeline:
    """The cached timeline of ``calendar`` (a Calendar, its id, or None for the default)."""
    now = monotonic()
    if now >= _registry.next_check:
        _revalidate(now)
    if calendar is None:
        calendar_id = _registry.default_id
        if calendar_id is None:
            calendar_id = _registry.default_id = selectors.calendar_default_id()
    elif isinstance(calendar, int):
        calendar_id = calendar
    else:
        calendar_id = calendar.pk
    timeline = _registry.timelines.get(calendar_id)
    return timeline if timeline is not None else _load(calendar_id)


# ---- input checks -------------------------------------------------------------------------
def _moment_us(value: dt.datetime, field: str) -> int:
    # The hot path: one C subtraction inside to_us, then integer comparisons only.
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise _naive(field)
    try:
        us = to_us(value)
    except TypeError:  # a tzinfo whose utcoffset() is None: naive after all
        raise _naive(field) from None
    if not _LOW_US <= us < _HIGH_US:
        raise _out_of_range(field)
    return us


def _naive(field: str) -> CalendarError:
    return CalendarError(
        CalendarErrorCode.NAIVE_DATETIME,
        _("A time zone aware date and time is required."),
        {field: _("Add a time zone.")},
    )


def _out_of_range(field: str) -> CalendarError:
    return CalendarError(
        CalendarErrorCode.DATE_OUT_OF_RANGE,
        _("Dates from %(first)s to %(last)s are supported.") % {"first": MIN_YEAR, "last": MAX_YEAR},
        {field: _("Outside the supported years.")},
    )


def _duration_us(duration: Duration) -> int:
    if type(duration) is int:  # the common case first
        if duration < 0:
            raise CalendarError(
                CalendarErrorCode.NEGATIVE_DURATION, _("The duration cannot be negative."), {"duration": _("Negative.")}
            )
        return duration * US
    if isinstance(duration, dt.timedelta):
        us = duration // _ONE_US
    elif isinstance(duration, int | float) and not isinstance(duration, bool) and duration == duration:  # not NaN
        us = round(duration * US)
    else:
        raise CalendarError(
            CalendarErrorCode.INVALID_DURATION,
            _("The duration must be a number of seconds."),
            {"duration": _("Not a duration.")},
        )
    if us < 0:
        raise CalendarError(
            CalendarErrorCode.NEGATIVE_DURATION, _("The duration cannot be negative."), {"duration": _("Negative.")}
        )
    return us


# ---- the clocks ---------------------------------------------------------------------------
def add_working_time(start: dt.datetime, duration: Duration, calendar: CalendarRef = None) -> dt.datetime:
    """``duration`` (seconds or timedelta) of working hours after ``start``."""
    us = _moment_us(start, "start")
    d = _duration_us(duration)
    if d == 0:
        return start
    try:
        return from_us(timeline_for(calendar).add_working(us, d), start.tzinfo)
    except OutOfRange:
        raise _out_of_range("duration") from None


def add_working_days(start: dt.datetime, days: int, calendar: CalendarRef = None) -> dt.datetime:
    """``days`` working days after ``start`` (see the module docstring for the exact rule)."""
    us = _moment_us(start, "start")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise CalendarError(
            CalendarErrorCode.NOT_WHOLE_DAYS,
            _("Working days must be a whole number."),
            {"duration": _("Whole days only.")},
        )
    if days == 0:
        return start
    try:
        return from_us(timeline_for(calendar).add_working_days(us, days), start.tzinfo)
    except OutOfRange:
        raise _out_of_range("duration") from None


def add_duration(
    start: dt.datetime, duration: Duration, clock: Clock | str, calendar: CalendarRef = None
) -> dt.datetime:
    """The deadline ``duration`` after ``start`` on ``clock``.

    ``duration`` is seconds (int/float) or a timedelta on every clock; on the working-days clock
    it must be whole days (``timedelta(days=3)`` = 3 working days).
    """
    if clock == Clock.WORKING_HOURS:
        return add_working_time(start, duration, calendar)
    if clock == Clock.WALL:
        us = _moment_us(start, "start")
        d = _duration_us(duration)
        if not MIN_YEAR <= from_us(us + d, start.tzinfo).year <= MAX_YEAR:
            raise _out_of_range("duration")
        return from_us(us + d, start.tzinfo)
    if clock == Clock.WORKING_DAYS:
        d = _duration_us(duration)
        if d % DAY_US:
            raise CalendarError(
                CalendarErrorCode.NOT_WHOLE_DAYS,
                _("Working days must be a whole number."),
                {"duration": _("Whole days only.")},
            )
        return add_working_days(start, d // DAY_US, calendar)
    raise CalendarError(CalendarErrorCode.UNKNOWN_CLOCK, _("Unknown clock."), {"clock": _("Unknown clock.")})


def is_working_time(moment: dt.datetime, calendar: CalendarRef = None) -> bool:
    us = _moment_us(moment, "moment")
    try:
        return timeline_for(calendar).is_working(us)
    except OutOfRange:
        raise _out_of_range("moment") from None


def is_working_day(day: dt.date, calendar: CalendarRef = None) -> bool:
    """Whether ``day`` (a local date) is a working day of the calendar."""
    tz = ZoneInfo(settings.TIME_ZONE)
    # Every working day has at least one period, so the next start from midnight falls on that day.
    return next_working_start(dt.datetime.combine(day, dt.time(), tzinfo=tz), calendar).astimezone(tz).date() == day


def next_working_start(moment: dt.datetime, calendar: CalendarRef = None) -> dt.datetime:
    """When work on a request received at ``moment`` can start (R-4.8): ``moment`` itself within
    working hours, otherwise the start of the next working period."""
    us = _moment_us(moment, "moment")
    try:
        found = timeline_for(calendar).next_start(us)
    except OutOfRange:
        raise _out_of_range("moment") from None
    return moment if found == us else from_us(found, moment.tzinfo)


def working_seconds_between(a: dt.datetime, b: dt.datetime, calendar: CalendarRef = None) -> float:
    """Seconds of working hours in [a, b); negative when ``b`` is before ``a``."""
    ua, ub = _moment_us(a, "start"), _moment_us(b, "end")
    try:
        return timeline_for(calendar).working_between(ua, ub) / US
    except OutOfRange:
        raise _out_of_range("end") from None


def elapsed_seconds(a: dt.datetime, b: dt.datetime, clock: Clock | str, calendar: CalendarRef = None) -> float:
    """Time from ``a`` to ``b`` as counted by ``clock`` (working days count working hours)."""
    if clock == Clock.WALL:
        return (_moment_us(b, "end") - _moment_us(a, "start")) / US
    if clock in (Clock.WORKING_HOURS, Clock.WORKING_DAYS):
        return working_seconds_between(a, b, calendar)
    raise CalendarError(CalendarErrorCode.UNKNOWN_CLOCK, _("Unknown clock."), {"clock": _("Unknown clock.")})


def fraction_point(
    start: dt.datetime, deadline: dt.datetime, fraction: float, clock: Clock | str, calendar: CalendarRef = None
) -> dt.datetime:
    """The moment ``fraction`` (e.g. 0.8) of the way from ``start`` to ``deadline`` on ``clock``."""
    if not 0 <= fraction <= 1:
        raise CalendarError(
            CalendarErrorCode.FRACTION_OUT_OF_RANGE,
            _("The fraction must be between 0 and 1."),
            {"fraction": _("Out of range.")},
        )
    total = elapsed_seconds(start, deadline, clock, calendar)
    if total <= 0:
        return start
    part = dt.timedelta(microseconds=round(total * fraction * US))
    if clock == Clock.WALL:
        return add_duration(start, part, Clock.WALL)
    return add_working_time(start, part, calendar)
