"""Customer property endpoints (用户备品, R-7.3) under ``/api/v1/customer-property``.

The same selector as the pages scopes every answer: a customer's login sees only their own
organisation's items, a member of staff who may see all sees every item, anyone else only what
they hold now; out of scope is 404. Refusals carry codes: 403 `permission_denied` or
`property_not_held`, 409 `property_already_returned`, 422 `validation_error`,
`signature_missing`, `signature_invalid`, `property_photo_type`.
"""

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from aftersales.api.schemas import PathId, responses
from aftersales.audit.services import record, record_views
from aftersales.core.pagination import keyset_page
from aftersales.parts import property_selectors as selectors
from aftersales.parts import property_services as services
from aftersales.parts.property_schemas import (
    HandOverIn,
    PhotoOut,
    PropertyFilter,
    PropertyIn,
    PropertyOut,
    PropertyPageOut,
    ReturnIn,
)

router = Router(tags=["customer-property"])

_FILE = {
    "responses": {
        200: {
            "description": "The picture (JPEG, PNG or WebP; a signature is PNG).",
            "content": {ct: {"schema": {"type": "string", "format": "binary"}} for ct in ("image/jpeg", "image/png")},
        }
    }
}


def _out(request: HttpRequest, item_id: int) -> Any:
    return selectors.customer_property_get(actor=request.user, item_id=item_id)


@router.get("/customer-property", response=responses({200: PropertyPageOut}))
def property_list(request: HttpRequest, filters: Query[PropertyFilter]) -> Any:
    """Items in our care and returned ones, newest first; keyset pages."""
    qs = selectors.customer_property_list(
        actor=request.user,
        status=filters.status or "",
        holder_id=filters.holder_id,
        customer_id=filters.customer_id,
    )
    page = keyset_page(qs, sort_field="id", descending=True, cursor=filters.cursor, page_size=filters.page_size)
    record_views(actor=request.user, objs=page.items)
    return page


@router.post("/customer-property", response=responses({201: PropertyOut}))
def property_receive(request: HttpRequest, payload: PropertyIn) -> Any:
    """Record an item received from a customer; the caller holds it from now on. Photos are
    added with `POST …/{id}/photos`."""
    item = services.customer_property_receive(actor=request.user, **payload.dict())
    return Status(201, _out(request, item.pk))


@router.get("/customer-property/{item_id}", response=responses({200: PropertyOut}))
def property_get(request: HttpRequest, item_id: PathId) -> Any:
    item = _out(request, item_id)
    record(actor=request.user, action="view", obj=item)
    return item


@router.post("/customer-property/{item_id}/hand-over", response=responses({200: PropertyOut}))
def property_hand_over(request: HttpRequest, item_id: PathId, payload: HandOverIn) -> Any:
    """Hand the item to another member of staff (its holder, or one who manages all items)."""
    item = services.customer_property_hand_over(actor=request.user, item_id=item_id, **payload.dict())
    return selectors.customer_property_changed(item=item)


@router.post("/customer-property/{item_id}/return", response=responses({200: PropertyOut}))
def property_return(request: HttpRequest, item_id: PathId, payload: ReturnIn) -> Any:
    """Give the item back to the customer against the signature of the person who takes it."""
    item = services.customer_property_return(
        actor=request.user,
        item_id=item_id,
        returned_to=payload.returned_to,
        signature=services.signature_from_data_url(payload.signature),
        note=payload.note,
    )
    return selectors.customer_property_changed(item=item)


@router.post("/customer-property/{item_id}/photos", response=responses({201: list[PhotoOut]}))
def property_photos_add(request: HttpRequest, item_id: PathId, photos: File[list[UploadedFile]]) -> Any:
    """Photos of the item (`multipart/form-data`, field `photos`, repeatable): JPEG, PNG or WebP
    by their bytes, stored encoded again without their metadata; at most 10 an item."""
    return Status(201, services.customer_property_photos_add(actor=request.user, item_id=item_id, photos=photos))


@router.get(
    "/customer-property/{item_id}/photos/{photo_id}",
    response=responses({}),
    url_name="customer_property_photo",
    openapi_extra=_FILE,
)
def property_photo(request: HttpRequest, item_id: PathId, photo_id: PathId) -> Any:
    return services.customer_property_photo_download(actor=request.user, item_id=item_id, photo_id=photo_id)


@router.get(
    "/customer-property/{item_id}/signature",
    response=responses({}),
    url_name="customer_property_signature",
    openapi_extra=_FILE,
)
def property_signature(request: HttpRequest, item_id: PathId) -> Any:
    """The PNG of the signature given at the return; 404 before the return."""
    return services.customer_property_signature_download(actor=request.user, item_id=item_id)
