"""API schemas of dispatch (R-5.1)."""

import datetime as dt

from ninja import Field, Schema

from aftersales.api.schemas import Id, Text
from aftersales.dispatch.services import MAX_TEXT


class ReasonOut(Schema):
    code: str
    message: str


class ProposalOut(Schema):
    technician_id: int
    name: str
    rank: int
    eligible: bool
    reasons: list[ReasonOut]
    open_jobs: int
    next_free_slot: dt.datetime | None = Field(
        description="The first free appointment slot; looked up for the ten best eligible technicians, null for the rest."
    )


class ProposalListOut(Schema):
    items: list[ProposalOut]


class DispatchAssignIn(Schema):
    technician_id: Id
    note: Text(MAX_TEXT) = ""  # type: ignore[valid-type]


class DispatchAssignOut(Schema):
    outcome: str = Field(description="assigned, or proposed: a P1 waits for a supervisor's approval.")
    work_order_id: int
    assignee_id: int | None
    approval_id: int | None


class ApprovalDecideIn(Schema):
    approve: bool = Field(strict=True)
    reason: Text(MAX_TEXT) = Field("", description="Required when refusing.")  # type: ignore[valid-type]


class ApprovalOut(Schema):
    id: int
    work_order_id: int
    work_order_number: str
    technician_id: int
    technician_name: str
    proposed_by_id: int
    proposed_at: dt.datetime
    note: str
    status: str
    decided_by_id: int | None
    decided_at: dt.datetime | None
    reason: str


class ApprovalListOut(Schema):
    items: list[ApprovalOut]


class DispatchSettingsIn(Schema):
    auto_assign: bool = Field(
        strict=True, description="P2/P3 work orders go to their first eligible proposal when acknowledged."
    )


class DispatchSettingsOut(Schema):
    auto_assign: bool


class EscalationIn(Schema):
    expert_id: Id
    question: Text(4000, 1)  # type: ignore[valid-type]


class EscalationAnswerIn(Schema):
    answer: Text(4000, 1)  # type: ignore[valid-type]


class EscalationOut(Schema):
    id: int
    work_order_id: int
    expert_id: int
    expert_name: str
    question: str
    asked_by_id: int
    asked_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class EscalationListOut(Schema):
    items: list[EscalationOut]
