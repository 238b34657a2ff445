"""SLA API input and output (explicit schemas, no ModelSchema for input)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from aftersales.api.schemas import Moment, Text, named_choices
from aftersales.sla.models import SlaExtension
from aftersales.sla.selectors import COMPLIANCE_DIMENSIONS

Clock = Literal["wall", "working_hours", "working_days"]
ExtensionChannel = named_choices("ExtensionChannel", SlaExtension.How)


class PreviewQuery(Schema):
    priority: Text(8) = Field(description="P1, P2 or P3.")
    received_at: dt.datetime = Field(description="ISO 8601 with a time zone offset, e.g. 2026-11-23T18:05:00+08:00.")
    service_type: Text(16) = ""
    customer_category: Text(32) = Field("", description="Customer category code (R-4.9 overrides).")
    product_line: Text(32) = Field("", description="Product line code (R-4.9 overrides).")


class PreviewTargetOut(Schema):
    name: str = Field(description="first_response, response or resolution.")
    due_at: dt.datetime = Field(description="ISO 8601 in Asia/Shanghai (+08:00).")
    clock: Clock
    duration_seconds: int = Field(description="Working days count as 86,400 s each.")


class PreviewOut(Schema):
    targets: list[PreviewTargetOut]


class ComplianceQuery(Schema):
    month_from: dt.date = Field(description="Any day of the first month.")
    month_to: dt.date = Field(description="Any day of the last month (inclusive).")
    by: Literal[tuple(COMPLIANCE_DIMENSIONS)] = "priority"


class ComplianceRowOut(Schema):
    month: str = Field(description="YYYY-MM, Asia/Shanghai, by the target's due time.")
    key: str
    label: str
    met: int = Field(description="Work orders whose targets due that month were all met in time.")
    breached: int = Field(description="Work orders with a target due that month that was missed.")
    met_rate: float | None = Field(description="Percent met of met + breached; null when none.")


class ComplianceOut(Schema):
    by: str
    rows: list[ComplianceRowOut]


class TargetOut(Schema):
    id: int
    kind: str
    label: str
    clock: Clock
    state: Literal["on_time", "at_risk", "breached", "met", "met_late", "paused"]
    state_label: str
    started_at: dt.datetime
    due_at: dt.datetime
    original_due_at: dt.datetime
    warn_at: dt.datetime
    met_at: dt.datetime | None
    paused_at: dt.datetime | None
    extended: bool
    seconds_left: float = Field(description="Negative: overdue by.")
    time_text: str


class ExtendIn(Schema):
    new_due_at: Moment
    agreed_with: Text(128, 1)
    agreed_at: Moment
    channel: ExtensionChannel
    note: Text(2000) = ""


class ExtensionOut(Schema):
    id: int
    target_id: int
    old_due_at: dt.datetime
    new_due_at: dt.datetime
    agreed_with: str
    agreed_at: dt.datetime
    channel: str
