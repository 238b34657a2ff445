"""API schemas of customer property (用户备品, R-7.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from aftersales.api.schemas import Id, QueryId, Text, UserRef, named_choices
from aftersales.parts.models.property import CustodyTransfer, CustomerProperty

PropertyStatus = named_choices("CustomerPropertyStatus", CustomerProperty.Status)
CustodyKind = named_choices("CustodyTransferKind", CustodyTransfer.Kind)
MAX_PAGE_SIZE = 100


class PropertyFilter(Schema):
    status: PropertyStatus | None = None
    holder_id: QueryId | None = Field(None, description="Held by this member of staff now.")
    customer_id: QueryId | None = None
    cursor: Text(512) | None = Field(None, description="`next_cursor` of the previous page.")
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class PropertyIn(Schema):
    customer_id: Id
    description: Text(200) = Field(description="What was received.")
    serial_number: Text(64) = ""
    condition: Text(2000) = Field("", description="Its condition when received: scratches, missing parts, accessories.")
    work_order_id: Id | None = Field(None, description="The job it came in for; must be the same customer's.")


class HandOverIn(Schema):
    to_user_id: Id = Field(description="A member of staff who may hold customer property.")
    note: Text(500) = ""


class ReturnIn(Schema):
    returned_to: Text(64) = Field(description="The name of the person who takes the item back.")
    signature: Text(1_400_000) = Field(
        description="Their signature: a PNG as a `data:image/png;base64,…` URL or plain base64 (at most 1 MB)."
    )
    note: Text(500) = ""


class TransferOut(Schema):
    kind: CustodyKind
    from_user: UserRef | None
    to_user: UserRef | None
    note: str
    at: dt.datetime


class PhotoOut(Schema):
    id: int
    name: str
    size: int
    created_at: dt.datetime


class PropertyListItem(Schema):
    id: int
    number: str
    customer_id: int
    customer_name: str
    work_order_id: int | None
    description: str
    serial_number: str
    status: PropertyStatus
    holder: UserRef | None
    held_since: dt.datetime | None
    received_at: dt.datetime
    returned_at: dt.datetime | None

    @staticmethod
    def resolve_customer_name(obj: Any) -> str:
        return str(obj.customer.name)


class PropertyOut(PropertyListItem):
    condition: str
    returned_to: str
    signed: bool = Field(description="A return signature is stored (`GET …/signature`).")
    transfers: list[TransferOut] = Field(description="The custody history, oldest first: each hand-over a row.")
    photos: list[PhotoOut]

    @staticmethod
    def resolve_signed(obj: Any) -> bool:
        return bool(obj.return_signature)

    @staticmethod
    def resolve_transfers(obj: Any) -> list[Any]:
        return list(obj.transfers.all())

    @staticmethod
    def resolve_photos(obj: Any) -> list[Any]:
        return list(obj.photos.all())


class PropertyPageOut(Schema):
    items: list[PropertyListItem]
    next_cursor: str | None
    count: int
    count_capped: bool
