"""API schemas of staff profiles and certifications (R-10.1)."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from aftersales.api.schemas import Day, Id, Ref, Text, UserRef

Capacity = Annotated[int, Field(ge=1, le=50, strict=True)]
Score = Annotated[int, Field(ge=0, le=100, strict=True)]


class ProfileValuesIn(Schema):
    team_id: Id | None = None
    region_ids: list[Id] = Field(default_factory=list, max_length=200, description="Regions served.")
    skill_ids: list[Id] = Field(default_factory=list, max_length=200, description="Fault categories handled.")
    is_senior: bool = Field(False, description="Senior technician (技术骨干): may be proposed for P1.", strict=True)
    calendar_id: Id | None = Field(None, description="Working calendar; the company's default when empty.")
    daily_capacity: Capacity = Field(4, description="Jobs per day.")


class ProfileIn(ProfileValuesIn):
    user_id: Id


class CertificationValuesIn(Schema):
    number: Text(64, 1)  # type: ignore[valid-type]
    exam_date: Day
    score: Score
    valid_until: Day = Field(description="The last day the certification is valid.")


class CertificationIn(CertificationValuesIn):
    product_line_id: Id


class CertificationOut(Schema):
    id: int
    profile_id: int
    product_line: Ref
    number: str
    exam_date: dt.date
    score: int
    valid_until: dt.date
    valid_today: bool = Field(description="Valid on today's date (Asia/Shanghai).")
    holder: UserRef


class ProfileOut(Schema):
    id: int
    user: UserRef
    username: str
    team: Ref | None
    regions: list[Ref]
    skills: list[Ref]
    is_senior: bool
    calendar: Ref | None
    daily_capacity: int
    certifications: list[CertificationOut]


class ProfileListOut(Schema):
    items: list[ProfileOut]


class CertificationListOut(Schema):
    items: list[CertificationOut]
