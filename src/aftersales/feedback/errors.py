from __future__ import annotations

from enum import StrEnum


class FeedbackErrorCode(StrEnum):
    NOT_A_COMPLAINT = "not_a_complaint"
    COMPLAINT_EXISTS = "complaint_exists"
    NOT_READ_BACK = "complaint_not_read_back"
    ALREADY_READ_BACK = "complaint_already_read_back"
    NOT_RED = "complaint_not_red"
    NOT_AGREED = "complaint_not_agreed"
    FOLLOWED_UP = "complaint_already_followed_up"
    ALREADY_DONE = "already_done"
    INCIDENT_CLOSED = "incident_closed"
    CHECKLIST_OPEN = "incident_checklist_open"
    QUALITY_STEP = "quality_feedback_wrong_step"
    ALREADY_ANSWERED = "opinion_already_answered"
