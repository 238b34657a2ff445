"""Error codes of surveys (STYLE.md rule 5: tests assert codes)."""

from __future__ import annotations

from enum import StrEnum


class SurveyErrorCode(StrEnum):
    ALREADY_ANSWERED = "already_answered"
    EXPIRED = "survey_expired"
    UNKNOWN_SURVEY = "unknown_survey"
    WORK_ORDER_NOT_CLOSED = "work_order_not_closed"
    ALREADY_CALLED = "follow_up_already_recorded"
    NO_COMPLAINT = "no_complaint"
