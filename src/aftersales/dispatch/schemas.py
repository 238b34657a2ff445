"""API schemas of dispatch (R-5.1)."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from aftersales.api.schemas import Id, Text
from aftersales.dispatch.services import MAX_TEXT
from aftersales.workorders.selectors import OPEN_LOAD_CAP


class ReasonOut(Schema):
    code: str
    message: str


class ProposalOut(Schema):
    technician_id: int
    name: str
    rank: int
    eligible: bool
    reasons: list[ReasonOut]
    open_jobs: int = Field(
        description=f"Open work orders held, counted up to {OPEN_LOAD_CAP}: {OPEN_LOAD_CAP} means that many or more."
    )
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


class NoticePartIn(Schema):
    part_id: Id | None = Field(None, description="A part of the catalogue, by id …")
    code: Text(64) | None = Field(None, description="… or by its part number.")  # type: ignore[valid-type]
    quantity: int = Field(strict=True, description="1 to 999.")


class ServiceNoticeIn(Schema):
    helper_ids: list[Id] = Field(default_factory=list, description="Other active field technicians going along.")
    tools: Text(1000) = ""  # type: ignore[valid-type]
    parts: list[NoticePartIn] = Field(default_factory=list, description="Parts to bring, from the catalogue.")


class NoticeTechnicianOut(Schema):
    id: int
    name: str
    phone: str
    lead: bool


class NoticePartOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    quantity: int


class ServiceNoticeOut(Schema):
    id: int
    number: str = Field(description="SN-YYYY-NNNNNN, gap-free.")
    work_order_id: int
    work_order_number: str
    issued_by_id: int
    issued_at: dt.datetime
    appointment_id: int | None
    current: bool
    superseded_by_id: int | None
    technicians: list[NoticeTechnicianOut]
    tools: str
    parts: list[NoticePartOut]
    snapshot: dict[str, Any] = Field(
        description="What the document shows, as issued (phones and address masked without contact details)."
    )
    pdf_url: str


class ServiceNoticeListOut(Schema):
    items: list[ServiceNoticeOut]
