"""R-4: the three clocks on the 2026 China working calendar (08:30-17:30 default hours).

Every expected value below was worked out by hand from the State Council notice for 2026:
New Year 1-3 Jan (4 Jan, Sunday, worked); Spring Festival 15-23 Feb (14 and 28 Feb, Saturdays,
worked); Labour Day 1-5 May (9 May, Saturday, worked); Mid-autumn 25-27 Sep; National Day
1-7 Oct (20 Sep, Sunday, and 10 Oct, Saturday, worked).
"""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.sla.clocks import (
    Clock,
    add_duration,
    add_working_days,
    add_working_time,
    is_working_day,
    is_working_time,
    next_working_start,
    working_seconds_between,
)
from tests.sla.conftest import at

pytestmark = pytest.mark.usefixtures("seeded")

H = 3600
WH = Clock.WORKING_HOURS
WD = Clock.WORKING_DAYS


# ---- New Year -------------------------------------------------------------------------------
def test_r4_new_year_days_off_and_sunday_make_up_day():
    assert not is_working_day(dt.date(2026, 1, 1))
    assert not is_working_day(dt.date(2026, 1, 2))
    assert not is_working_day(dt.date(2026, 1, 3))
    assert is_working_day(dt.date(2026, 1, 4))  # Sunday, worked
    assert is_working_time(at(2026, 1, 4, 10))
    assert not is_working_time(at(2026, 1, 1, 10))


def test_r4_working_hours_over_new_year_land_on_the_sunday_make_up_day():
    # 31 Dec 16:30 + 2 h: 1 h until 17:30, then 1 Jan-3 Jan off, Sunday 4 Jan 08:30 + 1 h.
    assert add_duration(at(2025, 12, 31, 16, 30), 2 * H, WH) == at(2026, 1, 4, 9, 30)


def test_r4_2_p3_resolution_three_working_days_over_new_year():
    # Within working hours: same time of day; day 1 = Sun 4 Jan, 2 = Mon 5, 3 = Tue 6.
    assert add_duration(at(2025, 12, 31, 10), dt.timedelta(days=3), WD) == at(2026, 1, 6, 10)


def test_r4_8_request_on_new_years_day_is_handled_at_the_next_working_start():
    assert next_working_start(at(2026, 1, 1, 9)) == at(2026, 1, 4, 8, 30)


# ---- Spring Festival ------------------------------------------------------------------------
def test_r4_spring_festival_with_14_and_28_february_worked():
    assert is_working_day(dt.date(2026, 2, 14))
    assert is_working_day(dt.date(2026, 2, 28))
    assert [is_working_day(dt.date(2026, 2, d)) for d in range(15, 24)] == [False] * 9
    assert is_working_day(dt.date(2026, 2, 24))


def test_r4_8_friday_at_exactly_1730_is_outside_and_waits_for_the_saturday_make_up_day():
    assert not is_working_time(at(2026, 2, 13, 17, 30))
    assert next_working_start(at(2026, 2, 13, 17, 30)) == at(2026, 2, 14, 8, 30)


def test_r4_2_p3_response_eight_working_hours_into_the_saturday_make_up_day():
    # Fri 13 Feb 17:00: 0.5 h that day, Sat 14 Feb 08:30 + 7.5 h.
    assert add_duration(at(2026, 2, 13, 17), 8 * H, WH) == at(2026, 2, 14, 16)


def test_r4_2_p3_response_eight_working_hours_over_spring_festival():
    # Sat 14 Feb 16:00: 1.5 h that day, 15-23 Feb off, Tue 24 Feb 08:30 + 6.5 h.
    assert add_duration(at(2026, 2, 14, 16), 8 * H, WH) == at(2026, 2, 24, 15)


def test_r4_2_p3_resolution_three_working_days_over_spring_festival():
    # Thu 12 Feb 10:00: day 1 = Fri 13, day 2 = Sat 14, day 3 = Tue 24.
    assert add_duration(at(2026, 2, 12, 10), dt.timedelta(days=3), WD) == at(2026, 2, 24, 10)


def test_r4_working_days_after_closing_start_on_the_saturday_make_up_day():
    # Fri 27 Feb 18:00, after closing: day 1 is Sat 28 Feb (worked), due at its end.
    assert add_working_days(at(2026, 2, 27, 18), 1) == at(2026, 2, 28, 17, 30)


def test_r4_6_working_seconds_over_spring_festival():
    # 13 Feb, 14 Feb and 24 Feb are the only working days from 13 Feb to 24 Feb inclusive.
    assert working_seconds_between(at(2026, 2, 13), at(2026, 2, 25)) == 27 * H


# ---- Labour Day -----------------------------------------------------------------------------
def test_r4_labour_day_with_9_may_worked():
    assert [is_working_day(dt.date(2026, 5, d)) for d in range(1, 6)] == [False] * 5
    assert is_working_day(dt.date(2026, 5, 9))
    assert not is_working_day(dt.date(2026, 5, 10))


def test_r4_working_hours_over_labour_day():
    # Thu 30 Apr 17:00: 0.5 h, 1-5 May off, Wed 6 May 08:30 + 0.5 h.
    assert add_working_time(at(2026, 4, 30, 17), H) == at(2026, 5, 6, 9)


def test_r4_working_days_before_opening_count_that_day_as_day_one():
    # Wed 6 May 07:00 (before opening on a working day): day 1 = 6 May, day 3 = Fri 8 May, end of day.
    assert add_working_days(at(2026, 5, 6, 7), 3) == at(2026, 5, 8, 17, 30)


def test_r4_working_days_at_exactly_0830_are_within_hours_and_reach_the_saturday_make_up_day():
    # 08:30 is inside [08:30, 17:30): 7, 8, 9 (Sat, worked), 11 May → Mon 11 May 08:30.
    assert add_working_days(at(2026, 5, 6, 8, 30), 4) == at(2026, 5, 11, 8, 30)


def test_r4_half_open_hours_on_the_saturday_make_up_day():
    assert is_working_time(at(2026, 5, 9, 8, 30))
    assert is_working_time(at(2026, 5, 9, 17, 29, 59, 999_999))
    assert not is_working_time(at(2026, 5, 9, 17, 30))
    assert not is_working_time(at(2026, 5, 9, 8, 29, 59))
    assert not is_working_time(at(2026, 5, 10, 10))


# ---- Mid-autumn and National Day --------------------------------------------------------------
def test_r4_national_day_with_20_september_and_10_october_worked():
    assert is_working_day(dt.date(2026, 9, 20))  # Sunday
    assert not is_working_day(dt.date(2026, 9, 25))  # Friday, Mid-autumn
    assert [is_working_day(dt.date(2026, 10, d)) for d in range(1, 8)] == [False] * 7
    assert is_working_day(dt.date(2026, 10, 10))  # Saturday


def test_r4_2_p3_resolution_three_working_days_over_national_day():
    # Wed 30 Sep 16:00, within hours: day 1 = Thu 8 Oct, 2 = Fri 9, 3 = Sat 10 Oct (worked).
    assert add_duration(at(2026, 9, 30, 16), dt.timedelta(days=3), WD) == at(2026, 10, 10, 16)


def test_r4_2_p3_resolution_received_after_closing_before_national_day():
    # Wed 30 Sep 18:00: day 1 = Thu 8 Oct; day 3 = Sat 10 Oct, due at 17:30.
    assert add_duration(at(2026, 9, 30, 18), 3 * 86_400, WD) == at(2026, 10, 10, 17, 30)


def test_r4_2_p3_response_eight_working_hours_over_national_day():
    assert add_duration(at(2026, 9, 30, 9), 8 * H, WH) == at(2026, 9, 30, 17)
    # 10:00: 7.5 h on 30 Sep, then Thu 8 Oct 08:30 + 0.5 h.
    assert add_duration(at(2026, 9, 30, 10), 8 * H, WH) == at(2026, 10, 8, 9)


def test_r4_working_hours_from_saturday_night_land_on_the_sunday_make_up_day():
    assert add_working_time(at(2026, 9, 19, 20), H) == at(2026, 9, 20, 9, 30)


def test_r4_working_hours_over_mid_autumn_long_weekend():
    # Thu 24 Sep 17:00: 0.5 h, Fri 25 - Sun 27 off, Mon 28 Sep 08:30 + 0.5 h.
    assert add_working_time(at(2026, 9, 24, 17), H) == at(2026, 9, 28, 9)


# ---- ordinary days, nights and weekends ----------------------------------------------------
def test_r4_full_working_day_from_0830_ends_exactly_at_1730():
    assert add_working_time(at(2026, 3, 2, 8, 30), 9 * H) == at(2026, 3, 2, 17, 30)
    assert add_working_time(at(2026, 3, 2, 8, 30), 9 * H + 1) == at(2026, 3, 3, 8, 30, 1)


def test_r4_request_at_exactly_1730_counts_from_next_morning():
    assert add_working_time(at(2026, 3, 2, 17, 30), H) == at(2026, 3, 3, 9, 30)


def test_r4_friday_night_request_counts_from_monday_morning():
    assert add_working_time(at(2026, 3, 6, 22), H) == at(2026, 3, 9, 9, 30)
    assert next_working_start(at(2026, 3, 7, 12)) == at(2026, 3, 9, 8, 30)


def test_r4_8_request_within_working_hours_is_handled_at_once():
    moment = at(2026, 3, 4, 11, 15, 7)
    assert next_working_start(moment) is moment


def test_r4_1_first_response_at_night_runs_on_the_wall_clock():
    assert add_duration(at(2026, 3, 6, 22), 30 * 60, Clock.WALL) == at(2026, 3, 6, 22, 30)
    assert add_duration(at(2026, 10, 1, 23, 50), dt.timedelta(minutes=30), Clock.WALL) == at(2026, 10, 2, 0, 20)


def test_r4_zero_duration_is_the_start_on_every_clock():
    start = at(2026, 10, 3, 3)
    assert add_duration(start, 0, WH) == start
    assert add_duration(start, 0, WD) == start
    assert add_duration(start, 0, Clock.WALL) == start


def test_r4_results_keep_the_input_time_zone_and_accept_utc():
    start_utc = at(2026, 9, 30, 10).astimezone(dt.UTC)
    result = add_duration(start_utc, 8 * H, WH)
    assert result.tzinfo is dt.UTC
    assert result == at(2026, 10, 8, 9)


# ---- a year without data -----------------------------------------------------------------
def test_r4_unseeded_2027_is_plain_monday_to_friday():
    assert is_working_day(dt.date(2027, 1, 1))  # Friday; New Year's Day is not known yet
    assert not is_working_day(dt.date(2027, 1, 2))
    # Thu 31 Dec 2026 17:00: 0.5 h, then Fri 1 Jan 2027 08:30 + 0.5 h.
    assert add_working_time(at(2026, 12, 31, 17), H) == at(2027, 1, 1, 9)
    assert add_working_days(at(2027, 2, 5, 20), 1) == at(2027, 2, 8, 17, 30)
