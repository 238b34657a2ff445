"""Parts endpoints (R-7): catalogue, warehouses, stock and its moves, parts on work orders.

Stock figures are read from the balance rows, never summed from the ledger. A customer's login
sees nothing of stock; on their own work order the parts lines (``GET …/parts``, as the portal).
"""

from typing import Annotated, Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Header, Query, Router, Status

from aftersales.api.schemas import PathId, responses
from aftersales.parts import selectors, services
from aftersales.parts.schemas import (
    BelowMinimumFilter,
    BelowMinimumPageOut,
    ChargeIn,
    InsufficientStockOut,
    MinimumIn,
    PartFilter,
    PartIn,
    PartOut,
    PartPageOut,
    ReserveIn,
    StockItemOut,
    StockMoveFilter,
    StockMoveIn,
    StockMoveOut,
    StockMovePageOut,
    StockOut,
    WarehouseIn,
    WarehouseOut,
    WorkOrderPartOut,
)
from aftersales.parts.services.stock import stock_move_create

router = Router(tags=["parts"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        pattern=r"^[!-~]{1,255}$",
        description="Retries with the same key answer 201 with the same object; "
        "the same key with a different body answers 422 `idempotency_key_reused`.",
    ),
]


@router.get("/warehouses", response=responses({200: list[WarehouseOut]}))
def warehouse_list(request: HttpRequest) -> Any:
    """The warehouses the caller sees (a technician: his van and the central and branch stores)."""
    return selectors.warehouse_list(actor=request.user)


@router.post("/warehouses", response=responses({201: WarehouseOut}))
def warehouse_create(request: HttpRequest, payload: WarehouseIn, idempotency_key: IdempotencyKey = None) -> Any:
    wh = services.warehouse_create(actor=request.user, idempotency_key=idempotency_key, **payload.dict())
    return Status(201, wh)


@router.get("/parts", response=responses({200: PartPageOut}))
def part_list(request: HttpRequest, filters: Query[PartFilter]) -> Any:
    page = selectors.part_list(actor=request.user, **filters.dict())
    prefetch_related_objects(page.items, "compatible_models")  # one query for the page
    return page


@router.post("/parts", response=responses({201: PartOut}))
def part_create(request: HttpRequest, payload: PartIn, idempotency_key: IdempotencyKey = None) -> Any:
    part = services.part_create(actor=request.user, idempotency_key=idempotency_key, **payload.dict())
    return Status(201, part)


@router.get("/parts/{part_id}", response=responses({200: PartOut}))
def part_get(request: HttpRequest, part_id: PathId) -> Any:
    return selectors.part_get(actor=request.user, part_id=part_id)


@router.get("/parts/{part_id}/stock", response=responses({200: StockOut}))
def part_stock(request: HttpRequest, part_id: PathId) -> Any:
    """The part's balance in every warehouse the caller sees (one indexed read)."""
    balances = selectors.part_stock(actor=request.user, part_id=part_id)
    return {"items": [StockItemOut.from_orm(b) for b in balances]}


@router.post("/stock-moves", response=responses({201: StockMoveOut}))
def stock_move(request: HttpRequest, payload: StockMoveIn, idempotency_key: IdempotencyKey = None) -> Any:
    """A receipt, a transfer (answers its transfer-out move; the transfer-in is beside it in the
    ledger) or an adjustment with its reason. Not enough available: 409 `insufficient_stock`."""
    move = stock_move_create(actor=request.user, idempotency_key=idempotency_key, **payload.dict())
    return Status(201, move)


@router.get("/stock-moves", response=responses({200: StockMovePageOut}))
def stock_move_list(request: HttpRequest, filters: Query[StockMoveFilter]) -> Any:
    """The ledger, newest first, of the warehouses the caller sees."""
    return selectors.stock_moves(actor=request.user, **filters.dict())


@router.post("/stock-minimums", response=responses({200: StockItemOut}))
def stock_minimum(request: HttpRequest, payload: MinimumIn) -> Any:
    """Set a part's minimum level in a warehouse (R-7.1); 0 switches the alert off."""
    return services.stock_minimum_set(actor=request.user, **payload.dict())


@router.get("/stock/below-minimum", response=responses({200: BelowMinimumPageOut}))
def below_minimum(request: HttpRequest, filters: Query[BelowMinimumFilter]) -> Any:
    """The parts under their minimum level, by warehouse (R-7.1)."""
    return selectors.below_minimum(actor=request.user, **filters.dict())


@router.get("/work-orders/{work_order_id}/parts", response=responses({200: list[WorkOrderPartOut]}))
def work_order_parts(request: HttpRequest, work_order_id: PathId) -> Any:
    """The work order's parts lines and their charges (a customer: his own, not the released)."""
    return selectors.work_order_parts(actor=request.user, work_order_id=work_order_id)


@router.post(
    "/work-orders/{work_order_id}/parts",
    response=responses({201: WorkOrderPartOut}) | {409: InsufficientStockOut},
)
def work_order_part_reserve(
    request: HttpRequest, work_order_id: PathId, payload: ReserveIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Reserve a certified part (422 `part_not_certified` otherwise) from a warehouse for the
    work order; 409 `insufficient_stock` with `available` when fewer units are available."""
    line = services.work_order_part_reserve(
        actor=request.user, work_order_id=work_order_id, idempotency_key=idempotency_key, **payload.dict()
    )
    return Status(201, line)


@router.delete("/work-orders/{work_order_id}/parts/{line_id}", response=responses({204: None}))
def work_order_part_release(request: HttpRequest, work_order_id: PathId, line_id: PathId) -> Any:
    """Release the reservation: its units are available again."""
    services.work_order_part_release(actor=request.user, work_order_id=work_order_id, line_id=line_id)
    return Status(204, None)


@router.post("/work-orders/{work_order_id}/parts/{line_id}/charge", response=responses({200: WorkOrderPartOut}))
def work_order_part_charge(request: HttpRequest, work_order_id: PathId, line_id: PathId, payload: ChargeIn) -> Any:
    """Override what the customer pays for the line, with the reason (R-7.2)."""
    services.work_order_part_set_charge(
        actor=request.user, work_order_id=work_order_id, line_id=line_id, **payload.dict()
    )
    return selectors.work_order_part_get(actor=request.user, work_order_id=work_order_id, line_id=line_id)
