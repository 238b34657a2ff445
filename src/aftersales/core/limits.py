"""Bounds every front door applies to ids and dates.

A value beyond them is refused (API) or ignored (a page's filters) as bad input, instead of
failing deep in the database: an id beyond 64 bits, a year that overflows when a local time is
converted to UTC, a date that breaks calendar arithmetic.
"""

from __future__ import annotations

import datetime as dt

MAX_ID = 2**63 - 1
MIN_DAY = dt.date(1970, 1, 1)
MAX_DAY = dt.date(2200, 12, 31)


def day_in_range(value: dt.date) -> bool:
    """Also for a datetime: only its date is compared, so the bounds hold in every time zone."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return MIN_DAY <= day <= MAX_DAY
