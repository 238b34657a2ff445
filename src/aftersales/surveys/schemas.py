from __future__ import annotations

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
