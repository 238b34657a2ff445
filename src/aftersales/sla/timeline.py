"""Working time as sorted arrays of epoch microseconds — the arithmetic behind the clocks.

A ``Timeline`` holds, for a contiguous span of years of one calendar, every working interval
[start, end) as integer epoch microseconds, plus the working time accumulated before each interval.
Adding working time is then two ``bisect`` calls and a subtraction: no database access and no
datetime arithmetic in the hot path. Years are built on first use by a loader (see ``clocks.py``)
and the span only grows, so positions stay comparable within one span.

Assumes a working day's clock time maps to the same offset from local midnight on every working
day (true for Asia/Shanghai, which has no daylight saving time); interval edges themselves are
computed with the real time zone rules.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

US = 1_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_US = dt.timedelta(microseconds=1)

# Years the engine computes; anything else is refused (a typo such as 20026 must not loop for ever).
MIN_YEAR = 2000
MAX_YEAR = 2099


class OutOfRange(Exception):
    """A computation needs a year outside MIN_YEAR..MAX_YEAR."""


def to_us(value: dt.datetime) -> int:
    """Aware datetime → epoch microseconds, exactly (no float rounding)."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def from_us(us: int, tz: dt.tzinfo | None) -> dt.datetime:
    # Floats carry ~0.25 µs near 2026, and fromtimestamp rounds to the nearest µs: exact round trip.
    return dt.datetime.fromtimestamp(us / US, tz)


def merge_periods(periods: Sequence[tuple[dt.time, dt.time]]) -> list[tuple[dt.time, dt.time]]:
    """Sorted periods with touching ones joined (08:30-12:00 + 12:00-17:30 is one period)."""
    merged: list[tuple[dt.time, dt.time]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True, slots=True)
class YearData:
    """The working days and intervals of one calendar year, in epoch µs."""

    year: int
    day_mid: list[int]  # local midnight of each working day
    day_close: list[int]  # end of the last period of each working day
    starts: list[int]
    ends: list[int]
    iv_day: list[int]  # index of the interval's working day within the year
    iv_first: list[bool]  # the interval is the first of its day (the day's opening)


def build_year(
    year: int, tz: ZoneInfo, periods: Sequence[tuple[dt.time, dt.time]], is_working: Callable[[dt.date], bool]
) -> YearData:
    merged = merge_periods(periods)
    day_mid: list[int] = []
    day_close: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    iv_day: list[int] = []
    iv_first: list[bool] = []
    day = dt.date(year, 1, 1)
    one = dt.timedelta(days=1)
    while day.year == year:
        if is_working(day) and merged:
            k = len(day_mid)
            day_mid.append(to_us(dt.datetime(day.year, day.month, day.day, tzinfo=tz)))
            for n, (start, end) in enumerate(merged):
                starts.append(to_us(dt.datetime.combine(day, start, tzinfo=tz)))
                ends.append(to_us(dt.datetime.combine(day, end, tzinfo=tz)))
                iv_day.append(k)
                iv_first.append(n == 0)
            day_close.append(ends[-1])
        day += one
    return YearData(year, day_mid, day_close, starts, ends, iv_day, iv_first)


class _Span:
    """Years first..last of one calendar concatenated; ``cum[i]`` is working µs before interval i."""

    __slots__ = (
        "cum",
        "cum_end",
        "day_close",
        "day_mid",
        "ends",
        "first",
        "hi",
        "iv_day",
        "iv_first",
        "last",
        "lo",
        "starts",
    )

    def __init__(self, years: Sequence[YearData], lo: int, hi: int) -> None:
        self.first = years[0].year
        self.last = years[-1].year
        self.lo = lo  # local midnight, 1 January of the first year
        self.hi = hi  # local midnight, 1 January after the last year
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.iv_day: list[int] = []
        self.iv_first: list[bool] = []
        self.day_mid: list[int] = []
        self.day_close: list[int] = []
        for y in years:
            offset = len(self.day_mid)
            self.starts += y.starts
            self.ends += y.ends
            self.iv_day += [k + offset for k in y.iv_day]
            self.iv_first += y.iv_first
            self.day_mid += y.day_mid
            self.day_close += y.day_close
        self.cum: list[int] = []
        self.cum_end: list[int] = []
        total = 0
        for s, e in zip(self.starts, self.ends, strict=True):
            self.cum.append(total)
            total += e - s
            self.cum_end.append(total)


class Timeline:
    """Working time of one calendar; thread-safe, grows by whole years on demand."""

    def __init__(self, tz: ZoneInfo, loader: Callable[[int], YearData]) -> None:
        self._tz = tz
        self._loader = loader
        self._years: dict[int, YearData] = {}
        self._lock = threading.Lock()
        self._span: _Span | None = None

    # ---- growing ------------------------------------------------------------------------
    def _year_start(self, year: int) -> int:
        return to_us(dt.datetime(year, 1, 1, tzinfo=self._tz))

    def _grow(self, first: int, last: int) -> _Span:
        if first < MIN_YEAR or last > MAX_YEAR:
            raise OutOfRange
        with self._lock:
            span = self._span
            if span is not None:
                if span.first <= first and last <= span.last:
                    return span
                first, last = min(first, span.first), max(last, span.last)
            for year in range(first, last + 1):
                if year not in self._years:
                    self._years[year] = self._loader(year)
            span = _Span(
                [self._years[y] for y in range(first, last + 1)], self._year_start(first), self._year_start(last + 1)
            )
            self._span = span
            return span

    def _cover(self, us: int) -> _Span:
        span = self._span
        if span is not None and span.lo <= us < span.hi:
            return span
        year = from_us(us, self._tz).year
        return self._grow(year, year)

    def _next_interval(self, us: int) -> tuple[_Span, int]:
        """The span and index of the first interval ending after ``us`` (growing forward if needed)."""
        span = self._cover(us)
        i = bisect_right(span.ends, us)
        while i == len(span.ends):
            span = self._grow(span.first, span.last + 1)
            i = bisect_right(span.ends, us)
        return span, i

    def years_loaded(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    # ---- queries ------------------------------------------------------------------------
    def is_working(self, us: int) -> bool:
        span, i = self._next_interval(us)
        return span.starts[i] <= us

    def next_start(self, us: int) -> int:
        """``us`` itself inside working hours, else the start of the next working period."""
        span, i = self._next_interval(us)
        start = span.starts[i]
        return us if start <= us else start

    # Each computation below restarts after growing the span: another thread may have grown it
    # backwards meanwhile, which shifts every index, so nothing is carried across a growth.
    def add_working(self, us: int, duration: int) -> int:
        """The instant ``duration`` working µs after ``us`` (counting from the next period start
        when ``us`` is outside working hours); a result on a period's end stays there."""
        while True:
            span, i = self._next_interval(us)
            start = span.starts[i]
            target = span.cum[i] + (us - start if us > start else 0) + duration
            j = bisect_left(span.cum_end, target, i)
            if j < len(span.cum_end):
                return span.starts[j] + target - span.cum[j]
            self._grow(span.first, span.last + 1)

    def working_between(self, a: int, b: int) -> int:
        """Working µs in [a, b) (negative when b is before a)."""
        while True:
            span, i = self._next_interval(a)
            span_b, j = self._next_interval(b)
            if span is span_b:
                pos_a = span.cum[i] + max(0, a - span.starts[i])
                pos_b = span.cum[j] + max(0, b - span.starts[j])
                return pos_b - pos_a

    def add_working_days(self, us: int, days: int) -> int:
        """``days`` ≥ 1 working days after ``us`` (see clocks.add_working_days for the rule)."""
        while True:
            span, i = self._next_interval(us)
            start = span.starts[i]
            d = span.iv_day[i]
            if start <= us:  # within working hours: the same time of day, N working days later
                k, offset = d + days, us - span.day_mid[d]
            elif span.iv_first[i]:  # before a day's opening (or after closing, or a day off): the day
                # that opens next is day 1, due at the end of day N
                k, offset = d + days - 1, -1
            else:  # in a break between two periods: as if received when the next period starts
                k, offset = d + days, start - span.day_mid[d]
            if k < len(span.day_mid):
                return span.day_close[k] if offset < 0 else span.day_mid[k] + offset
            self._grow(span.first, span.last + 1)
