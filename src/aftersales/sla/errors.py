"""Error codes of the calendar and clock engine (STYLE.md rule 5: tests assert codes)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from django.utils.functional import Promise

from aftersales.core.errors import DomainError


class CalendarErrorCode(StrEnum):
    NAIVE_DATETIME = "naive_datetime"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    NEGATIVE_DURATION = "negative_duration"
    INVALID_DURATION = "invalid_duration"
    FRACTION_OUT_OF_RANGE = "fraction_out_of_range"
    NOT_WHOLE_DAYS = "duration_not_whole_days"
    UNKNOWN_CLOCK = "unknown_clock"
    PERIOD_END_BEFORE_START = "period_end_before_start"
    PERIODS_OVERLAP = "periods_overlap"
    NO_WORKING_PERIODS = "no_working_periods"
    LAST_PERIOD = "last_working_period"
    INVALID_DAYS = "invalid_calendar_days"
    EXCEPTION_EXISTS = "exception_exists"
    EXCEPTION_CHANGES_NOTHING = "exception_changes_nothing"
    NOT_ADMIN_EXCEPTION = "not_admin_exception"
    YEAR_NOT_KNOWN = "year_not_known_to_package"
    YEAR_HAS_NO_HOLIDAYS = "year_has_no_holidays"
    NO_DEFAULT_CALENDAR = "no_default_calendar"


class CalendarError(DomainError):
    """Input the calendar engine refuses; ``fields`` names the bad inputs."""

    status = 422

    def __init__(
        self,
        code: CalendarErrorCode,
        message: str | Promise,
        fields: Mapping[str, str | Promise] | None = None,
    ) -> None:
        super().__init__(code, message, fields)


class SlaErrorCode(StrEnum):
    NO_POLICY = "no_sla_policy"
    TARGET_NOT_OPEN = "sla_target_not_open"
    EXTENSION_NOT_LATER = "sla_extension_not_later"
    RULE_EXISTS = "sla_rule_exists"
    LAST_RULE = "sla_last_rule"
