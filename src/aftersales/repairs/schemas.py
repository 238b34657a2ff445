"""API schemas of repair orders (R-6.5) and shipments (R-6.6)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from aftersales.api.schemas import Id, Moment, Text, UserRef, named_choices
from aftersales.repairs import states
from aftersales.repairs.models import Accessory, AgreementChannel, Shipment
from aftersales.repairs.services import MAX_TEXT

RepairStatus = named_choices("RepairStatus", states.Status)
RepairAccessory = named_choices("RepairAccessory", Accessory)
RepairAgreementChannel = named_choices("RepairAgreementChannel", AgreementChannel)
ShipmentContents = named_choices("ShipmentContents", Shipment.Contents)
ShipmentCarrier = named_choices("ShipmentCarrier", Shipment.Carrier)
Weight = Annotated[Decimal, Field(gt=0, lt=100000, max_digits=8, decimal_places=2)]


class RepairOrderIn(Schema):
    work_order_id: Id
    fault: Text(MAX_TEXT) = Field("", description="What to repair; the work order's symptom when empty.")  # type: ignore[valid-type]


class ReceiveIn(Schema):
    condition: Text(MAX_TEXT, 1)  # type: ignore[valid-type]
    accessories: list[RepairAccessory] = Field(default_factory=list, description="The checklist of what came with it.")  # type: ignore[valid-type]
    accessories_other: Text(200) = ""  # type: ignore[valid-type]
    received_at: Moment | None = Field(None, description="When it arrived; now when omitted.")


class RepairAssignIn(Schema):
    repairer_id: Id
    note: Text(MAX_TEXT) = ""  # type: ignore[valid-type]


class DiagnoseIn(Schema):
    diagnosis: Text(MAX_TEXT, 1)  # type: ignore[valid-type]


class RepairDoneIn(Schema):
    repair_notes: Text(MAX_TEXT, 1)  # type: ignore[valid-type]


class InspectIn(Schema):
    result: Literal["pass", "fail"]
    notes: Text(MAX_TEXT) = Field("", description="Required when the inspection fails.")  # type: ignore[valid-type]


class AgreementIn(Schema):
    new_deadline_at: Moment
    agreed_with: Text(128, 1)  # type: ignore[valid-type]
    agreed_at: Moment
    channel: RepairAgreementChannel  # type: ignore[valid-type]
    note: Text(MAX_TEXT) = ""  # type: ignore[valid-type]


class ShipIn(Schema):
    tracking_number: Text(40, 1)  # type: ignore[valid-type]
    carrier: ShipmentCarrier | None = Field(  # type: ignore[valid-type]
        None, description="EMS by default; rail when `weight_kg` is above SHIPMENT_RAIL_OVER_KG."
    )
    weight_kg: Weight | None = None
    sent_at: Moment | None = None
    description: Text(200) = ""  # type: ignore[valid-type]


class ShipmentIn(ShipIn):
    work_order_id: Id
    repair_order_id: Id | None = None
    contents: ShipmentContents  # type: ignore[valid-type]


class UsePartIn(Schema):
    part_id: Id
    quantity: Annotated[int, Field(ge=1, le=1_000_000)]
    note: Text(200) = ""  # type: ignore[valid-type]


class RepairPartOut(Schema):
    id: int
    part_id: int
    part_code: str
    warehouse_id: int
    quantity: int
    stock_move_id: int
    used_at: dt.datetime

    @staticmethod
    def resolve_part_code(obj: object) -> str:
        return str(obj.part.code)  # type: ignore[attr-defined]


class DeliverIn(Schema):
    delivered_at: Moment | None = None
    note: Text(200) = ""  # type: ignore[valid-type]


class RepairEventOut(Schema):
    id: int
    action: str
    from_status: str
    to_status: str
    actor: UserRef
    at: dt.datetime
    text: str
    data: dict[str, object]


class ShipmentOut(Schema):
    id: int
    work_order_id: int
    repair_order_id: int | None
    contents: str
    description: str
    carrier: str
    tracking_number: str
    weight_kg: Decimal | None
    sent_at: dt.datetime
    delivered_at: dt.datetime | None
    delivered: bool = Field(description="Delivery confirmed: the shipping step is closed.")
    tracking: str = Field(description="What the carrier says (the manual adapter: confirm by hand).")


class RepairOrderItemOut(Schema):
    """A repair order. A customer gets its number, state and dates only: the other texts are
    empty for them (repairs.selectors.repair_order_shown)."""

    id: int
    number: str
    work_order_id: int
    work_order_number: str
    status: RepairStatus  # type: ignore[valid-type]
    status_label: str
    fault: str
    received_at: dt.datetime | None
    condition: str
    accessories: list[str]
    accessories_other: str
    repairer: UserRef | None
    diagnosis: str
    repair_notes: str
    inspections_failed: int
    deadline_at: dt.datetime | None
    original_deadline_at: dt.datetime | None
    deadline_breached: bool
    deadline_met_at: dt.datetime | None
    shipped_at: dt.datetime | None
    closed_at: dt.datetime | None


class RepairPhotoOut(Schema):
    """A photo of the product on arrival (an attachment of the work order, staff only)."""

    id: int
    name: str = Field(description="The uploader's file name, with the extension of what the file is.")
    kind: str = Field(description="jpeg, png or webp, read from the bytes.")
    size: int = Field(description="Bytes stored (encoded again, without its metadata).")
    created_at: dt.datetime


class RepairOrderOut(RepairOrderItemOut):
    allowed_actions: list[str] = Field(description="What the caller's next request may do.")
    events: list[RepairEventOut] = Field(description="The repair order's timeline; empty for a customer.")
    parts_used: list[RepairPartOut] = Field(description="From the factory warehouse; empty for a customer.")
    shipments: list[ShipmentOut]
    photos: list[RepairPhotoOut] = Field(description="Photos on arrival; empty for a customer.")


class RepairOrderListOut(Schema):
    items: list[RepairOrderItemOut]


class ShipmentListOut(Schema):
    items: list[ShipmentOut]


class AgreementOut(Schema):
    id: int
    repair_order_id: int
    old_deadline_at: dt.datetime
    new_deadline_at: dt.datetime
    agreed_with: str
    agreed_at: dt.datetime
    channel: str
    note: str
