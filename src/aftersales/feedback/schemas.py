"""Feedback API input and output (explicit schemas, no ModelSchema for input)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from aftersales.api.schemas import Id, Moment, QueryId, Text, named_choices
from aftersales.feedback.models import Complaint, Opinion, QualityFeedback

LevelName = Literal["I", "II", "III"]
About = named_choices("ComplaintAbout", Complaint.About)
Mood = named_choices("ComplaintMood", Complaint.Mood)
AgreedHow = named_choices("ComplaintAgreedHow", Complaint.AgreedHow)
Frequency = named_choices("QualityFrequency", QualityFeedback.Frequency)
OpinionKind = named_choices("OpinionKind", Opinion.Kind)
Department = named_choices("OpinionDepartment", Opinion.Department)


class IncidentQuery(Schema):
    product_model_id: QueryId | None = None
    batch: Text(64) = ""
    status: Literal["", "open", "closed"] = ""
    cursor: Text(512) | None = Field(None, description="`next_cursor` of the previous page.")  # type: ignore[valid-type]
    page_size: int = Field(50, ge=1, le=100)


class IncidentTargetOut(Schema):
    id: int
    level: LevelName
    kind: str
    label: str
    due_at: dt.datetime | None = Field(description="None for a checklist item without a deadline.")
    done_at: dt.datetime | None
    warned: bool
    breached: bool


class IncidentOut(Schema):
    id: int
    product_model_id: int
    batch: str
    level: LevelName
    reports: int
    opened_at: dt.datetime
    status: Literal["open", "closed"]
    targets: list[IncidentTargetOut]


class IncidentListOut(Schema):
    items: list[IncidentOut]
    next_cursor: str | None = Field(description="The next page's `cursor`; null on the last page.")


class TickIn(Schema):
    note: Text(2000) = ""


class CloseIn(Schema):
    note: Text(2000)


class ComplaintIn(Schema):
    about: About
    content: Text(4000)
    mood: Mood
    expected_solution: Text(4000) = ""
    about_person_id: Id | None = None
    about_work_order_id: Id | None = None


class ReadBackIn(Schema):
    confirmed_by_name: Text(64) = Field(description="The customer who confirmed the summary read back.")


class AcknowledgeIn(Schema):
    expected_handling_at: Moment = Field(description="The handling time told to the customer.")


class HandleIn(Schema):
    owner_id: Id | None = None
    investigation: Text(4000) = ""
    proposed_solution: Text(4000) = ""
    agreed_by_name: Text(64) = ""
    agreed_how: AgreedHow | Literal[""] = ""
    agreed_at: Moment | None = None


class FollowUpIn(Schema):
    satisfaction: int = Field(ge=1, le=10)
    note: Text(500)


class ComplaintOut(Schema):
    work_order_id: int
    about: str
    about_person_id: int | None
    about_work_order_id: int | None
    content: str
    mood: str
    expected_solution: str
    read_back_at: dt.datetime | None
    confirmed_by_name: str
    ack_due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    expected_handling_at: dt.datetime | None
    escalated_at: dt.datetime | None
    owner_id: int | None
    investigation: str
    proposed_solution: str
    agreed_at: dt.datetime | None
    agreed_by_name: str
    agreed_how: str
    follow_up_at: dt.datetime | None
    satisfaction: int | None
    satisfaction_note: str


class QualityIn(Schema):
    work_order_id: Id | None = None
    product_model_id: Id
    batch: Text(64) = ""
    serials: Text(4000) = ""
    symptom: Text(4000)
    frequency: Frequency
    assessment: Text(4000) = ""
    photo_ids: list[Id] = Field(default_factory=list, max_length=20)


class QualityStepIn(Schema):
    step: Literal["analyse", "act", "verify", "close"]
    text: Text(4000) = ""


class QualityOut(Schema):
    id: int
    number: str
    work_order_id: int | None
    product_model_id: int
    batch: str
    serials: list[str]
    symptom: str
    frequency: str
    assessment: str
    status: str
    cause_analysis: str
    corrective_action: str
    verification: str
    raised_by_id: int
    raised_at: dt.datetime
    overdue_at: dt.datetime
    overdue: bool
    closed_at: dt.datetime | None


class OpinionIn(Schema):
    kind: OpinionKind
    channel: Text(16)
    text: Text(4000)
    department: Department
    customer_id: Id | None = None
    work_order_id: Id | None = None
    technician_id: Id | None = None


class AnswerIn(Schema):
    answer: Text(4000)


class OpinionOut(Schema):
    id: int
    kind: str
    channel: str
    customer_id: int
    work_order_id: int | None
    text: str
    department: str
    technician_id: int | None
    answer: str
    answered_at: dt.datetime | None
    recorded_at: dt.datetime
