"""Repair-order (R-6.5) and shipment (R-6.6) endpoints: thin handlers over the same services and
selectors as the pages. A customer's token reaches their own organisation's repair orders and
shipments only, and sees of them what the portal shows (``selectors.repair_order_shown``)."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile

from aftersales.api.schemas import PathId, QueryId, responses
from aftersales.audit.services import record
from aftersales.repairs import carriers, parts_used, selectors, services, shipping
from aftersales.repairs.models import RepairOrder, Shipment
from aftersales.repairs.schemas import (
    AgreementIn,
    AgreementOut,
    DeliverIn,
    DiagnoseIn,
    InspectIn,
    ReceiveIn,
    RepairAssignIn,
    RepairDoneIn,
    RepairOrderIn,
    RepairOrderListOut,
    RepairOrderOut,
    RepairPartOut,
    RepairPhotoOut,
    RepairStatus,
    ShipIn,
    ShipmentIn,
    ShipmentListOut,
    ShipmentOut,
    UsePartIn,
)

router = Router(tags=["repairs"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        pattern=r"^[!-~]{1,255}$",
        description="A retry with the same key does nothing new and answers as the first request did; "
        "the same key with a different body answers 422 `idempotency_key_reused`.",
    ),
]


class RepairListQuery(Schema):
    status: list[RepairStatus] = NinjaField(default_factory=list)  # type: ignore[valid-type]
    repairer_id: QueryId | None = None
    work_order_id: QueryId | None = None
    open: bool = False


class ShipmentListQuery(Schema):
    work_order_id: QueryId | None = None
    in_transit: bool = False


def shipment_out(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.pk,
        "work_order_id": shipment.work_order_id,
        "repair_order_id": shipment.repair_order_id,
        "contents": shipment.contents,
        "description": shipment.description,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "weight_kg": shipment.weight_kg,
        "sent_at": shipment.sent_at,
        "delivered_at": shipment.delivered_at,
        "delivered": shipment.is_delivered,
        "tracking": str(carriers.adapter(shipment.carrier).track(shipment.tracking_number).text)
        if not shipment.is_delivered
        else "",
    }


def _detail(request: HttpRequest, repair_order_id: int) -> dict[str, Any]:
    user = request.user
    ro = selectors.repair_order_get(actor=user, repair_order_id=repair_order_id)
    portal = selectors.is_portal_user(user)
    return {
        **selectors.repair_order_shown(actor=user, repair_order=ro),
        "allowed_actions": services.available_actions(actor=user, ro=ro),
        "events": [] if portal else selectors.repair_order_timeline(actor=user, repair_order=ro),
        "parts_used": [] if portal else list(ro.parts_used.select_related("part")),
        "photos": [] if portal else list(ro.photos.order_by("pk")),
        "shipments": [
            shipment_out(s)
            for s in selectors.shipment_list(actor=user, work_order_id=ro.work_order_id)
            if s.repair_order_id == ro.pk
        ],
    }


@router.get("/repair-orders", response=responses({200: RepairOrderListOut}))
def repair_order_list(request: HttpRequest, query: Query[RepairListQuery]) -> Any:
    """The repair orders the caller may see, by deadline (at most 200)."""
    rows = selectors.repair_order_list(
        actor=request.user,
        status=[str(s) for s in query.status],
        repairer_id=query.repairer_id,
        work_order_id=query.work_order_id,
        open_only=query.open,
    )
    return {"items": [selectors.repair_order_shown(actor=request.user, repair_order=ro) for ro in rows]}


@router.post("/repair-orders", response=responses({201: RepairOrderOut}))
def repair_order_create(request: HttpRequest, payload: RepairOrderIn, idempotency_key: IdempotencyKey = None) -> Any:
    """A repair order for a work order whose product goes to the factory (R-6.5)."""
    ro = services.repair_order_create(actor=request.user, idempotency_key=idempotency_key, **payload.dict())
    return Status(201, _detail(request, ro.pk))


@router.get("/repair-orders/{repair_order_id}", response=responses({200: RepairOrderOut}))
def repair_order_get(request: HttpRequest, repair_order_id: PathId) -> Any:
    return _detail(request, repair_order_id)


def _action(request: HttpRequest, service: Any, repair_order_id: int, key: str | None, **values: Any) -> Any:
    ro: RepairOrder = service(actor=request.user, repair_order_id=repair_order_id, idempotency_key=key, **values)
    return _detail(request, ro.pk)


@router.post("/repair-orders/{repair_order_id}/receive", response=responses({200: RepairOrderOut}))
def repair_order_receive(
    request: HttpRequest, repair_order_id: PathId, payload: ReceiveIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """The product arrived; the deadline starts. Photos of it follow, one a request, with
    `POST /repair-orders/{id}/photos` (the receiving page takes them with the form)."""
    values = payload.dict()
    values["accessories"] = [str(a) for a in values["accessories"]]
    return _action(request, services.repair_order_receive, repair_order_id, idempotency_key, **values)


@router.post("/repair-orders/{repair_order_id}/photos", response=responses({201: RepairPhotoOut}))
def repair_order_photo_add(request: HttpRequest, repair_order_id: PathId, file: File[UploadedFile]) -> Any:
    """A photo of the product on arrival (JPEG, PNG, WebP), `multipart/form-data` with `file`,
    while the repair order is received (409 `illegal_transition` before or after), by whoever
    receives. As on the receiving page, what it is, is read from its bytes: any other file is
    422 `attachment_type_not_allowed`, an empty one 422 `attachment_empty`, a picture that
    cannot be decoded 422 `attachment_damaged`, one of too many pixels 422 `image_too_large`,
    over `ATTACHMENT_MAX_MB` 413 `payload_too_large`. Stored without its metadata (EXIF,
    location), as an attachment of the work order; on the repair order's timeline."""
    return Status(201, services.repair_order_photo_add(actor=request.user, repair_order_id=repair_order_id, file=file))


@router.get(
    "/repair-orders/{repair_order_id}/photos/{attachment_id}",
    response=responses({}),
    url_name="repair_order_photo",
    openapi_extra={
        "responses": {
            200: {
                "description": "The photo; `?thumbnail=true` for a JPEG of at most 320×320 pixels.",
                "content": {
                    ct: {"schema": {"type": "string", "format": "binary"}}
                    for ct in ("image/jpeg", "image/png", "image/webp")
                },
            }
        }
    },
)
def repair_order_photo(
    request: HttpRequest, repair_order_id: PathId, attachment_id: PathId, thumbnail: bool = False
) -> Any:
    """A photo on arrival of a repair order the caller sees (staff; recorded in the access log,
    R-13.2, unless the thumbnail); 404 for any other."""
    from aftersales.workorders.attachments import attachment_response

    shown = selectors.repair_order_photo(
        actor=request.user, repair_order_id=repair_order_id, attachment_id=attachment_id
    )
    if not thumbnail:
        record(actor=request.user, action="view", object_type="attachment", object_id=shown.id, object_repr=shown.name)
    return attachment_response(shown, thumbnail=thumbnail)


@router.post("/repair-orders/{repair_order_id}/assign", response=responses({200: RepairOrderOut}))
def repair_order_assign(
    request: HttpRequest, repair_order_id: PathId, payload: RepairAssignIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _action(request, services.repair_order_assign, repair_order_id, idempotency_key, **payload.dict())


@router.post("/repair-orders/{repair_order_id}/diagnose", response=responses({200: RepairOrderOut}))
def repair_order_diagnose(
    request: HttpRequest, repair_order_id: PathId, payload: DiagnoseIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _action(request, services.repair_order_diagnose, repair_order_id, idempotency_key, **payload.dict())


@router.post("/repair-orders/{repair_order_id}/repair-done", response=responses({200: RepairOrderOut}))
def repair_order_repair_done(
    request: HttpRequest, repair_order_id: PathId, payload: RepairDoneIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _action(request, services.repair_order_repair_done, repair_order_id, idempotency_key, **payload.dict())


@router.post("/repair-orders/{repair_order_id}/inspect", response=responses({200: RepairOrderOut}))
def repair_order_inspect(
    request: HttpRequest, repair_order_id: PathId, payload: InspectIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """QA: `pass`, or `fail` with notes (back to repair)."""
    return _action(request, services.repair_order_inspect, repair_order_id, idempotency_key, **payload.dict())


@router.post("/repair-orders/{repair_order_id}/agreements", response=responses({201: AgreementOut}))
def repair_order_agree(
    request: HttpRequest, repair_order_id: PathId, payload: AgreementIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """The deadline cannot be held: the new date agreed with the customer moves it."""
    values = payload.dict()
    values["channel"] = str(values["channel"])
    agreement = services.repair_order_agree(
        actor=request.user, repair_order_id=repair_order_id, idempotency_key=idempotency_key, **values
    )
    return Status(201, agreement)


@router.post("/repair-orders/{repair_order_id}/ship", response=responses({201: ShipmentOut}))
def repair_order_ship(
    request: HttpRequest, repair_order_id: PathId, payload: ShipIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """The return shipment of a repair that passed QA."""
    values = payload.dict()
    values["carrier"] = str(values["carrier"] or "")
    shipment = shipping.repair_order_ship(
        actor=request.user, repair_order_id=repair_order_id, idempotency_key=idempotency_key, **values
    )
    return Status(201, shipment_out(shipment))


@router.post("/repair-orders/{repair_order_id}/parts", response=responses({201: RepairPartOut}))
def repair_order_use_part(
    request: HttpRequest, repair_order_id: PathId, payload: UsePartIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """The repairer takes a certified part from the factory (central) warehouse: 409
    `insufficient_stock` with the quantity available, 422 `part_not_certified`."""
    line = parts_used.repair_order_use_part(
        actor=request.user, repair_order_id=repair_order_id, idempotency_key=idempotency_key, **payload.dict()
    )
    return Status(201, line)


@router.get("/shipments", response=responses({200: ShipmentListOut}))
def shipment_list(request: HttpRequest, query: Query[ShipmentListQuery]) -> Any:
    rows = selectors.shipment_list(actor=request.user, work_order_id=query.work_order_id, in_transit=query.in_transit)
    return {"items": [shipment_out(s) for s in rows]}


@router.post("/shipments", response=responses({201: ShipmentOut}))
def shipment_create(request: HttpRequest, payload: ShipmentIn, idempotency_key: IdempotencyKey = None) -> Any:
    """Parts, a product or documents to a work order's customer (R-6.6)."""
    values = payload.dict()
    values["carrier"] = str(values["carrier"] or "")
    values["contents"] = str(values["contents"])
    shipment = shipping.shipment_create(actor=request.user, idempotency_key=idempotency_key, **values)
    return Status(201, shipment_out(shipment))


@router.get("/shipments/{shipment_id}", response=responses({200: ShipmentOut}))
def shipment_get(request: HttpRequest, shipment_id: PathId) -> Any:
    return shipment_out(selectors.shipment_get(actor=request.user, shipment_id=shipment_id))


@router.post("/shipments/{shipment_id}/deliver", response=responses({200: ShipmentOut}))
def shipment_deliver(
    request: HttpRequest, shipment_id: PathId, payload: DeliverIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Delivery confirmed by hand; a return shipment's repair order is closed."""
    shipment = shipping.shipment_confirm_delivery(
        actor=request.user, shipment_id=shipment_id, idempotency_key=idempotency_key, **payload.dict()
    )
    return shipment_out(shipment)
