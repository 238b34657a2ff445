from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from aftersales.api.schemas import Id, Moment


class ScoresIn(Schema):
    """Each 1–10; checked by the service, which names a bad one as ``scores.<name>``."""

    model_config = ConfigDict(extra="forbid")

    responsiveness: Any = None
    problem_solving: Any = None
    attitude: Any = None
    professionalism: Any = None
    communication: Any = None


class PhoneAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    work_order_id: Id | None = None
    scores: ScoresIn
    text: str = Field("", max_length=2000)


class AnswerOut(Schema):
    id: int
    valid: bool
    invalid_reason: str | None


class SmsInboundIn(Schema):
    sender: str = Field(..., alias="from", max_length=64)
    text: str = Field(..., max_length=1000)
    received_at: Moment


class SmsInboundOut(Schema):
    outcome: str
    answer_id: int | None


class StratumOut(Schema):
    service_type: str
    fault_category_id: int | None
    channel: str
    population: int
    size: int


class SampleOut(Schema):
    id: int
    month: str
    method: str
    rate: float
    seed: int
    population: int
    size: int
    drawn_at: dt.datetime


class SampleDetailOut(SampleOut):
    strata: list[StratumOut]


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item_id: Id
    decision: str = Field(..., max_length=2000)
    status: str = Field("", max_length=16)
    deadline: dt.date | None = None


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    held_on: dt.date
    attendee_ids: list[Id] = Field(..., max_length=50)
    minutes: str = Field(..., max_length=10_000)
    decisions: list[DecisionIn] = Field(default_factory=list, max_length=100)


class DecisionOut(Schema):
    item_id: int
    decision: str
    status: str
    deadline: dt.date | None


class MeetingOut(Schema):
    id: int
    held_on: dt.date
    attendee_ids: list[int]
    minutes: str
    decisions: list[DecisionOut]


class FollowUpCallIn(Schema):
    model_config = ConfigDict(extra="forbid")

    work_order_id: Id
    kind: str = Field(..., max_length=16)
    outcome: str = Field(..., max_length=16)
    satisfaction: int | None = None
    customer_words: str = Field("", max_length=2000)


class FollowUpCallOut(Schema):
    id: int
    work_order_id: int
    kind: str
    outcome: str
    satisfaction: int | None
    customer_words: str
    reopened: bool
    called_at: dt.datetime


class CallDueOut(Schema):
    work_order_id: int
    number: str
    kind: str
    customer: str
    closed_at: dt.datetime | None
    script: str


class CallsDueOut(Schema):
    calls: list[CallDueOut]
