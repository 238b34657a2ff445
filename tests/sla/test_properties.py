"""R-4: properties of the working-hours and working-days clocks, checked with hypothesis."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.sla.clocks import (
    Clock,
    add_duration,
    add_working_days,
    add_working_time,
    calendar_cache_clear,
    is_working_time,
    working_seconds_between,
)
from tests.sla.conftest import SH

pytestmark = pytest.mark.usefixtures("seeded")

settings.register_profile(
    "sla", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PROFILE = settings.get_profile("sla")

ONE_US = dt.timedelta(microseconds=1)
DAY = 9 * 3600  # working seconds in one default working day

# Any moment of 2025-2026 in Shanghai, to the microsecond; results may run into unseeded 2027.
# hypothesis takes naive bounds and attaches the time zone itself.
LOW = dt.datetime(2025, 1, 1)  # noqa: DTZ001
HIGH = dt.datetime(2026, 12, 31, 23, 59, 59)  # noqa: DTZ001
moments = st.datetimes(min_value=LOW, max_value=HIGH, timezones=st.just(SH))
whole_minutes = moments.map(lambda d: d.replace(second=0, microsecond=0))
durations = st.integers(min_value=1, max_value=400 * 3600 * 1_000_000).map(lambda us: dt.timedelta(microseconds=us))
day_counts = st.integers(min_value=1, max_value=60)


def _inside_or_at_period_end(moment: dt.datetime) -> bool:
    return is_working_time(moment) or (is_working_time(moment - ONE_US) and not is_working_time(moment))


@PROFILE
@given(start=moments, duration=durations)
def test_r4_working_hours_deadline_is_inside_working_hours_or_at_a_period_end(start, duration):
    assert _inside_or_at_period_end(add_working_time(start, duration))


@PROFILE
@given(start=moments, duration=durations)
def test_r4_deadline_never_comes_before_the_start(start, duration):
    assert add_working_time(start, duration) > start
    assert add_duration(start, duration, Clock.WALL) > start


@PROFILE
@given(start=moments, a=durations, b=durations)
def test_r4_adding_a_then_b_equals_adding_a_plus_b(start, a, b):
    assert add_working_time(add_working_time(start, a), b) == add_working_time(start, a + b)


@PROFILE
@given(start=moments, duration=durations)
def test_r4_6_working_seconds_between_start_and_deadline_is_the_duration(start, duration):
    end = add_working_time(start, duration)
    assert working_seconds_between(start, end) == duration.total_seconds()
    assert working_seconds_between(end, start) == -duration.total_seconds()


@PROFILE
@given(start=moments, a=day_counts, b=day_counts)
def test_r4_working_days_add_up_and_are_whole_working_days(start, a, b):
    first = add_working_days(start, a)
    assert first > start
    assert add_working_days(first, b) == add_working_days(start, a + b)
    assert _inside_or_at_period_end(first)
    # Whatever the time of receipt, N working days give exactly N days of working hours.
    assert working_seconds_between(start, first) == a * DAY


@PROFILE
@given(starts=st.lists(whole_minutes, min_size=1, max_size=8), duration=durations, days=day_counts)
def test_r4_results_do_not_depend_on_the_cache(starts, duration, days):
    """Cold cache (each year built on demand, in any order) and warm cache give the same answers."""
    warm_first = [(add_working_time(s, duration), add_working_days(s, days)) for s in starts]
    cold = []
    for s in reversed(starts):
        calendar_cache_clear()
        cold.append((add_working_time(s, duration), add_working_days(s, days)))
    cold.reverse()
    calendar_cache_clear()
    add_working_time(dt.datetime(2026, 12, 30, tzinfo=SH), dt.timedelta(hours=1))  # the span starts late,
    grown_backwards = [(add_working_time(s, duration), add_working_days(s, days)) for s in starts]  # then grows back
    assert warm_first == cold == grown_backwards
