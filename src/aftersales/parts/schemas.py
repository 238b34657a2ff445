"""API schemas of the parts app (R-7): explicit In / Out schemas, integers for quantities."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import Strict

from aftersales.api.schemas import ErrorOut, Id, Moment, QueryId, Text, named_choices
from aftersales.parts.models import MoveKind, Warehouse, WorkOrderPart

WarehouseKind = named_choices("WarehouseKind", Warehouse.Kind)
StockMoveKind = named_choices("StockMoveKind", MoveKind)
PartLineStatus = named_choices("PartLineStatus", WorkOrderPart.Status)
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e10"), max_digits=12, decimal_places=2)]
Quantity = Annotated[int, Strict(), Field(ge=1, le=1_000_000)]
SignedQuantity = Annotated[int, Strict(), Field(ge=-1_000_000, le=1_000_000)]


class WarehouseIn(Schema):
    code: Text(32, 1)
    name: Text(64, 1)
    kind: WarehouseKind  # type: ignore[valid-type]
    region_id: Id | None = None
    holder_id: Id | None = Field(None, description="The technician who holds a van (vans only, one each).")


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    kind: WarehouseKind  # type: ignore[valid-type]
    region_id: int | None
    holder_id: int | None
    active: bool


class PartIn(Schema):
    code: Text(64, 1)
    name: Text(128, 1)
    certified: bool
    unit_cost: Money
    customer_price: Money
    specification: Text(255) = ""
    unit: Text(16) = Field("pcs", description="Unit of measure.")
    compatible_model_ids: list[Id] = Field(default_factory=list, max_length=500)


class PartOut(Schema):
    id: int
    code: str
    name: str
    specification: str
    certified: bool
    unit: str
    unit_cost: Decimal
    customer_price: Decimal
    active: bool
    compatible_model_ids: list[int]

    @staticmethod
    def resolve_compatible_model_ids(obj: Any) -> list[int]:
        return sorted(m.pk for m in obj.compatible_models.all())


class PartPageOut(Schema):
    items: list[PartOut]
    next_cursor: str | None
    count: int
    count_capped: bool


class PartFilter(Schema):
    q: Text(64) = Field("", description="Start of the part number or name.")
    certified: bool | None = None
    cursor: Text(512) | None = None
    page_size: int = Field(50, ge=1, le=200)


class StockItemOut(Schema):
    warehouse_id: int
    on_hand: int
    reserved: int
    available: int
    minimum: int
    below_minimum: bool


class StockOut(Schema):
    items: list[StockItemOut]


class StockMoveIn(Schema):
    kind: Literal["receipt", "transfer", "adjustment"]
    part_id: Id
    warehouse_id: Id
    to_warehouse_id: Id | None = Field(None, description="Where a transfer goes.")
    quantity: SignedQuantity = Field(
        description="Units; an adjustment may be negative (fewer than the books say), the others are positive."
    )
    reason: Text(255) = Field("", description="Required for an adjustment.")


class StockMoveOut(Schema):
    id: int
    kind: StockMoveKind  # type: ignore[valid-type]
    part_id: int
    warehouse_id: int
    counterpart_id: int | None = Field(description="The other warehouse of a transfer.")
    quantity: int
    on_hand_delta: int
    reserved_delta: int
    work_order_id: int | None
    reason: str
    actor_id: int | None
    created_at: Moment


class StockMovePageOut(Schema):
    items: list[StockMoveOut]
    next_cursor: str | None


class StockMoveFilter(Schema):
    part_id: QueryId | None = None
    warehouse_id: QueryId | None = None
    cursor: Text(512) | None = None
    page_size: int = Field(50, ge=1, le=200)


class MinimumIn(Schema):
    part_id: Id
    warehouse_id: Id
    minimum: Annotated[int, Strict(), Field(ge=0, le=1_000_000)]


class BelowMinimumOut(Schema):
    part_id: int
    part_code: str
    part_name: str
    warehouse_id: int
    on_hand: int
    reserved: int
    available: int
    minimum: int

    @staticmethod
    def resolve_part_code(obj: Any) -> str:
        return str(obj.part.code)

    @staticmethod
    def resolve_part_name(obj: Any) -> str:
        return str(obj.part.name)


class BelowMinimumPageOut(Schema):
    items: list[BelowMinimumOut]
    next_cursor: str | None


class BelowMinimumFilter(Schema):
    warehouse_id: QueryId | None = None
    cursor: Text(512) | None = None
    page_size: int = Field(100, ge=1, le=500)


class ReserveIn(Schema):
    part_id: Id
    warehouse_id: Id
    quantity: Quantity


class WorkOrderPartOut(Schema):
    id: int
    part_id: int
    part_code: str
    part_name: str
    warehouse_id: int
    quantity: int
    status: PartLineStatus  # type: ignore[valid-type]
    unit_price: Decimal
    in_warranty: bool
    charge: Decimal
    charge_overridden: bool
    charge_reason: str
    reserved_at: Moment
    closed_at: Moment | None

    @staticmethod
    def resolve_part_code(obj: Any) -> str:
        return str(obj.part.code)

    @staticmethod
    def resolve_part_name(obj: Any) -> str:
        return str(obj.part.name)


class ChargeIn(Schema):
    charge: Money
    reason: Text(255, 1)


class InsufficientStockOut(ErrorOut):
    available: int = Field(description="Units available in the warehouse now.")
