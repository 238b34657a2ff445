"""Visit and service-report endpoints (R-6.2–R-6.4, R-6.7): thin handlers over the same services
and selectors as the technician's and the supervisor's pages. Out of the caller's scope is 404
(a technician never reaches another technician's visit, photos or PDF)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictBool

from aftersales.api.schemas import Id, PathId, QueryId, Text, named_choices, responses
from aftersales.fieldservice import visit_selectors as selectors
from aftersales.fieldservice import visit_services as services
from aftersales.fieldservice.models import Visit, VisitKind, VisitPhoto, VisitStatus

router = Router(tags=["visits"])

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
VisitKindName = named_choices("VisitKindName", VisitKind)
VisitStatusName = named_choices("VisitStatusName", VisitStatus)
PhotoStage = named_choices("VisitPhotoStage", VisitPhoto.Stage)
Score = Annotated[int, Field(strict=True, ge=1, le=10)]
_FILE_ANSWER = {
    "responses": {
        200: {
            "description": "The file.",
            "content": {ct: {"schema": {"type": "string", "format": "binary"}} for ct in ("image/jpeg", "image/png")},
        }
    }
}


class CheckInIn(Schema):
    kind: VisitKindName = VisitKind.ON_SITE  # type: ignore[valid-type]


class VisitRecordIn(Schema):
    diagnosis: Text(services.MAX_TEXT) | None = None  # type: ignore[valid-type]
    work_done: Text(services.MAX_TEXT) | None = None  # type: ignore[valid-type]
    test_result: Text(services.MAX_TEXT) | None = None  # type: ignore[valid-type]
    advice: Text(services.MAX_TEXT) | None = None  # type: ignore[valid-type]
    remote_steps: Text(services.MAX_TEXT) | None = None  # type: ignore[valid-type]
    fixed: StrictBool | None = Field(None, description="R-4.4: whether the fault was fixed at this visit.")
    product_score: Score | None = None
    service_score: Score | None = None
    opinion: Text(services.MAX_OPINION) | None = None  # type: ignore[valid-type]


class VisitPartIn(Schema):
    part_id: Id
    warehouse_id: Id = Field(description="The technician's own van or a branch store.")
    quantity: Annotated[int, Field(strict=True, ge=1, le=1000)]


class SignIn(Schema):
    signer_name: Text(services.MAX_NAME, 1)  # type: ignore[valid-type]
    signature: Text(2_000_000) = Field(  # type: ignore[valid-type]
        "", description="The drawn signature as a `data:image/png;base64,…` URL; empty with `use_seal`."
    )
    use_seal: bool = Field(False, description="Sign with the newest photo of the company seal (stage `seal`).")


class ReviewIn(Schema):
    comment: Text(services.MAX_TEXT) = ""  # type: ignore[valid-type]


class VisitListQuery(Schema):
    status: VisitStatusName | None = None  # type: ignore[valid-type]
    work_order_id: QueryId | None = None


class VisitPhotoOut(Schema):
    id: int
    stage: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class VisitPartOut(Schema):
    id: int
    part_id: int
    part_code: str
    part_name: str
    warehouse_id: int
    quantity: int
    unit_price: str
    stock_move_id: int


class VisitOut(Schema):
    id: int
    work_order_id: int
    work_order_number: str
    technician_id: int
    kind: str
    status: str
    checked_in_at: dt.datetime | None
    diagnosis: str
    work_done: str
    test_result: str
    advice: str
    remote_steps: str
    fixed: bool | None
    product_score: int | None
    service_score: int | None
    opinion: str
    signer_name: str
    signed_with: str = Field(description="`signature`, `seal` or empty while unsigned.")
    signed_at: dt.datetime | None
    content_hash: str
    submit_due_at: dt.datetime | None
    submitted_at: dt.datetime | None
    late: bool
    reviewed_at: dt.datetime | None
    review_comment: str
    archive_number: str
    photos: list[VisitPhotoOut]
    parts: list[VisitPartOut]
    allowed_actions: list[str]


class VisitListOut(Schema):
    items: list[VisitOut]


def _out(request: HttpRequest, visit: Visit) -> dict[str, Any]:
    visit = selectors.visit_get(actor=request.user, visit_id=visit.pk)
    return {
        **{
            name: getattr(visit, name)
            for name in (
                "id",
                "work_order_id",
                "technician_id",
                "kind",
                "status",
                "checked_in_at",
                *services.TEXT_FIELDS,
                "fixed",
                "product_score",
                "service_score",
                "opinion",
                "signer_name",
                "signed_at",
                "content_hash",
                "submit_due_at",
                "submitted_at",
                "late",
                "reviewed_at",
                "review_comment",
                "archive_number",
            )
        },
        "work_order_number": visit.work_order.number,
        "signed_with": "signature" if visit.signature else ("seal" if visit.seal else ""),
        "photos": list(visit.photos.all()),
        "parts": [
            {
                "id": line.pk,
                "part_id": line.part_id,
                "part_code": line.part.code,
                "part_name": line.part.name,
                "warehouse_id": line.warehouse_id,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "stock_move_id": line.stock_move_id,
            }
            for line in visit.parts.select_related("part")
        ],
        "allowed_actions": sorted(services.available_visit_actions(actor=request.user, visit=visit)),
    }


@router.get("/visits", response=responses({200: VisitListOut}))
def visit_list(request: HttpRequest, query: Query[VisitListQuery]) -> Any:
    """The visits the caller may see, newest first (at most 200): a technician his own."""
    rows = selectors.visit_list(
        actor=request.user, status=str(query.status) if query.status else None, work_order_id=query.work_order_id
    )
    return {"items": [_out(request, v) for v in rows]}


@router.post("/work-orders/{work_order_id}/visits", response=responses({201: VisitOut}))
def visit_check_in(
    request: HttpRequest, work_order_id: PathId, payload: CheckInIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """The assigned technician checks in (`on_site`; the arrival time is the server's) or starts
    `remote` support. 409 `visit_already_open` for a second open visit, 403 `visit_not_assigned`."""
    visit = services.visit_check_in(
        actor=request.user, work_order_id=work_order_id, kind=str(payload.kind), idempotency_key=idempotency_key
    )
    return Status(201, _out(request, visit))


@router.get("/visits/{visit_id}", response=responses({200: VisitOut}))
def visit_get(request: HttpRequest, visit_id: PathId) -> Any:
    return _out(request, selectors.visit_get(actor=request.user, visit_id=visit_id))


@router.patch("/visits/{visit_id}", response=responses({200: VisitOut}))
def visit_record(request: HttpRequest, visit_id: PathId, payload: VisitRecordIn) -> Any:
    """Record the notes, scores and opinion (only the fields sent). 409 `report_signed` once signed."""
    data = payload.dict(exclude_unset=True)
    return _out(request, services.visit_record(actor=request.user, visit_id=visit_id, data=data))


@router.post("/visits/{visit_id}/parts", response=responses({201: VisitPartOut}))
def visit_use_part(
    request: HttpRequest, visit_id: PathId, payload: VisitPartIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """A part used, from the technician's van or a branch: 409 `insufficient_stock`, 422
    `part_not_certified`."""
    line = services.visit_use_part(
        actor=request.user, visit_id=visit_id, idempotency_key=idempotency_key, **payload.dict()
    )
    return Status(
        201,
        {
            "id": line.pk,
            "part_id": line.part_id,
            "part_code": line.part.code,
            "part_name": line.part.name,
            "warehouse_id": line.warehouse_id,
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
            "stock_move_id": line.stock_move_id,
        },
    )


@router.post("/visits/{visit_id}/photos", response=responses({201: VisitPhotoOut}))
def visit_photo_add(
    request: HttpRequest,
    visit_id: PathId,
    file: File[UploadedFile],
    stage: Form[PhotoStage],  # type: ignore[valid-type]
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """A photo (`multipart/form-data`: `file`, `stage` before / after / seal). JPEG, PNG or HEIC by
    content (else 422 `photo_type`), at most `FIELD_PHOTO_MAX_MB` (413 `payload_too_large`);
    stored resized, without EXIF or GPS."""
    photo = services.visit_photo_add(
        actor=request.user, visit_id=visit_id, stage=str(stage), file=file, idempotency_key=idempotency_key
    )
    return Status(201, photo)


@router.get(
    "/visits/{visit_id}/photos/{photo_id}", response=responses({}), url_name="visit_photo", openapi_extra=_FILE_ANSWER
)
def visit_photo(request: HttpRequest, visit_id: PathId, photo_id: PathId, thumbnail: bool = False) -> Any:
    """The photo (or with `thumbnail=true` its thumbnail); 404 outside the caller's scope."""
    from aftersales.fieldservice.visit_files import photo_response

    return photo_response(actor=request.user, visit_id=visit_id, photo_id=photo_id, thumbnail=thumbnail)


@router.post("/visits/{visit_id}/sign", response=responses({200: VisitOut}))
def visit_sign(request: HttpRequest, visit_id: PathId, payload: SignIn) -> Any:
    """The customer signs (or the seal photo is used): the content's SHA-256 is stored and the
    report is frozen. 422 `signature_missing` / `signature_invalid` / `signature_or_seal`, 409
    `photos_required`."""
    from aftersales.parts.property_services import signature_from_data_url

    visit = services.visit_sign(
        actor=request.user,
        visit_id=visit_id,
        signer_name=payload.signer_name,
        signature=signature_from_data_url(payload.signature),
        use_seal=payload.use_seal,
    )
    return _out(request, visit)


@router.post("/visits/{visit_id}/submit", response=responses({200: VisitOut}))
def visit_submit(request: HttpRequest, visit_id: PathId, idempotency_key: IdempotencyKey = None) -> Any:
    """Submit the signed report for review: 409 `report_unsigned`; `late` after
    `FIELD_REPORT_WORKING_DAYS` working days. With an Idempotency-Key a retry records it once."""
    visit = services.visit_submit(actor=request.user, visit_id=visit_id, idempotency_key=idempotency_key)
    return _out(request, visit)


@router.post("/visits/{visit_id}/approve", response=responses({200: VisitOut}))
def visit_approve(request: HttpRequest, visit_id: PathId, payload: ReviewIn) -> Any:
    """A supervisor approves: archive number, read-only from then on."""
    return _out(request, services.visit_approve(actor=request.user, visit_id=visit_id, comment=payload.comment))


@router.post("/visits/{visit_id}/return", response=responses({200: VisitOut}))
def visit_return(request: HttpRequest, visit_id: PathId, payload: ReviewIn) -> Any:
    """A supervisor returns it with a comment (required); the customer signs again after the correction."""
    return _out(request, services.visit_return(actor=request.user, visit_id=visit_id, comment=payload.comment))


@router.get("/visits/{visit_id}/report.pdf", response=responses({}), url_name="visit_report_pdf")
def visit_report_pdf(request: HttpRequest, visit_id: PathId) -> Any:
    """The signed service report as an A4 PDF (signature, photos, parts, charges, SHA-256)."""
    from aftersales.fieldservice.visit_files import report_pdf_response

    return report_pdf_response(actor=request.user, visit_id=visit_id)
