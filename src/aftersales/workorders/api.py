"""Work-order endpoints (R-2, R-3): intake, the list, detail, lifecycle, notes, timeline,
communications. Portal users call the same endpoints; the selectors limit them to their
own organisation and decide what they are shown of it, as in the portal (R-13.1). Each
lifecycle action answers the work order as it is afterwards; `allowed_actions` lists exactly
the actions the caller's next request would be allowed.
"""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile

from aftersales.api.schemas import PathId, json_answer, responses
from aftersales.audit.services import record, record_views
from aftersales.workorders import attachments, selectors, services
from aftersales.workorders.attachments import CONTENT_TYPES
from aftersales.workorders.schemas import (
    AssignIn,
    AttachmentOut,
    CommunicationIn,
    CommunicationOut,
    ConfirmIn,
    CustomerCommunicationIn,
    CustomerHistoryOut,
    NoteIn,
    PriorityIn,
    ProductChangeIn,
    ReasonIn,
    ResolveIn,
    StartIn,
    TimelineEventOut,
    TimelineNoteIn,
    WaitIn,
    WorkOrderFilter,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderPageOut,
    work_order_out,
)

router = Router(tags=["work-orders"])

# Printable ASCII, as an HTTP header value must be; stored per user and operation.
IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        pattern=r"^[!-~]{1,255}$",
        description="Retries with the same key answer 201 with the same work order; "
        "the same key with a different body answers 422 `idempotency_key_reused`.",
    ),
]
HISTORY_LIMIT = 100
# Actions whose fields are all optional also accept a request without a body.
EMPTY_NOTE, DEFAULT_START, EMPTY_CONFIRM, EMPTY_REASON = NoteIn(), StartIn(), ConfirmIn(note=""), ReasonIn()


def _viewed(request: HttpRequest, object_type: str, object_id: int, part: str = "", obj: Any = None) -> None:
    """A view for the access log (R-13.2): the record, or by its id the record whose ``part`` (its
    timeline, a customer's history) was shown."""
    detail = {"part": part} if part else None
    record(
        actor=request.user,
        action="view",
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def _answer(request: HttpRequest, wo: Any, status: int = 200) -> HttpResponse:
    """The work order as the caller sees it (``WorkOrderOut``, built by ``work_order_out``)."""
    return json_answer(work_order_out(actor=request.user, work_order=wo), status=status)


def _detail(request: HttpRequest, work_order_id: int) -> HttpResponse:
    return _answer(request, selectors.work_order_get(actor=request.user, work_order_id=work_order_id))


@router.get("/work-orders", response=responses({200: WorkOrderPageOut}))
def work_order_list(request: HttpRequest, filters: Query[WorkOrderFilter]) -> Any:
    """The work orders the caller may see, with the list page's filters; keyset pages."""
    values = filters.dict(exclude={"sort", "cursor", "page_size"})
    values["target_kind"] = values["target_kind"] or ""  # the selector's "any"
    values["target_outcome"] = values["target_outcome"] or ""
    page = selectors.work_order_list(
        actor=request.user,
        filters=selectors.WorkOrderFilters(**values),
        sort=filters.sort,
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    if filters.q:  # search results are views of the records found
        record_views(actor=request.user, objs=page.items, search=filters.q)
    return page


@router.post("/work-orders", response=responses({201: WorkOrderOut}))
def work_order_create(request: HttpRequest, payload: WorkOrderIn, idempotency_key: IdempotencyKey = None) -> Any:
    """Record a request (R-2.3, R-3.1). With an `Idempotency-Key`, a retry creates nothing new
    and answers 201 with the work order the first request created. An id the caller may not see
    answers 404 naming the field; a portal user may not send the fields the system sets for them
    (422 `set_by_system`, see the schema)."""
    values = payload.dict()
    values["channel"] = values["channel"] or ""
    # The service returns the work order with its relations loaded; no second read.
    return _answer(
        request, services.work_order_create(actor=request.user, idempotency_key=idempotency_key, **values), 201
    )


@router.get("/work-orders/{work_order_id}", response=responses({200: WorkOrderOut}))
def work_order_get(request: HttpRequest, work_order_id: PathId) -> Any:
    wo = selectors.work_order_get(actor=request.user, work_order_id=work_order_id)
    _viewed(request, "workorder", wo.pk, obj=wo)
    return _answer(request, wo)


@router.post("/work-orders/{work_order_id}/acknowledge", response=responses({200: WorkOrderOut}))
def work_order_acknowledge(request: HttpRequest, work_order_id: PathId, payload: NoteIn = EMPTY_NOTE) -> Any:
    services.work_order_acknowledge(actor=request.user, work_order_id=work_order_id, note=payload.note)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/assign", response=responses({200: WorkOrderOut}))
def work_order_assign(request: HttpRequest, work_order_id: PathId, payload: AssignIn) -> Any:
    services.work_order_assign(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/start", response=responses({200: WorkOrderOut}))
def work_order_start(request: HttpRequest, work_order_id: PathId, payload: StartIn = DEFAULT_START) -> Any:
    services.work_order_start(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/wait", response=responses({200: WorkOrderOut}))
def work_order_wait(request: HttpRequest, work_order_id: PathId, payload: WaitIn) -> Any:
    """Pause while waiting `on` the customer or on parts; `reason` is required."""
    services.work_order_wait(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/resume", response=responses({200: WorkOrderOut}))
def work_order_resume(request: HttpRequest, work_order_id: PathId, payload: NoteIn = EMPTY_NOTE) -> Any:
    services.work_order_resume(actor=request.user, work_order_id=work_order_id, note=payload.note)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/resolve", response=responses({200: WorkOrderOut}))
def work_order_resolve(request: HttpRequest, work_order_id: PathId, payload: ResolveIn) -> Any:
    services.work_order_resolve(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/confirm", response=responses({200: WorkOrderOut}))
def work_order_confirm(request: HttpRequest, work_order_id: PathId, payload: ConfirmIn = EMPTY_CONFIRM) -> Any:
    services.work_order_confirm(actor=request.user, work_order_id=work_order_id, note=payload.note)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/close", response=responses({200: WorkOrderOut}))
def work_order_close(request: HttpRequest, work_order_id: PathId, payload: ReasonIn = EMPTY_REASON) -> Any:
    """Close; without the customer's confirmation a `reason` is required (R-3.7)."""
    services.work_order_close(actor=request.user, work_order_id=work_order_id, reason=payload.reason)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/reopen", response=responses({200: WorkOrderOut}))
def work_order_reopen(request: HttpRequest, work_order_id: PathId, payload: ReasonIn = EMPTY_REASON) -> Any:
    services.work_order_reopen(actor=request.user, work_order_id=work_order_id, reason=payload.reason)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/cancel", response=responses({200: WorkOrderOut}))
def work_order_cancel(request: HttpRequest, work_order_id: PathId, payload: ReasonIn = EMPTY_REASON) -> Any:
    """Cancel an open work order with a `reason` (required): the customer withdrew it, a
    duplicate, raised in error. Its reserved parts go back to stock, its SLA targets no longer
    apply, it no longer counts as a fault report of its batch, no survey follows. Final: it can be
    archived, not reopened. 409 `repair_order_open` while its product is on an open repair order."""
    services.work_order_cancel(actor=request.user, work_order_id=work_order_id, reason=payload.reason)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/archive", response=responses({200: WorkOrderOut}))
def work_order_archive(request: HttpRequest, work_order_id: PathId) -> Any:
    """Archived work orders are read-only (R-3.8)."""
    services.work_order_archive(actor=request.user, work_order_id=work_order_id)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/priority", response=responses({200: WorkOrderOut}))
def work_order_set_priority(request: HttpRequest, work_order_id: PathId, payload: PriorityIn) -> Any:
    """Change the priority with a reason (R-3.3); the SLA targets are computed again (R-4.2).
    A work order outside the caller's scope is 404 before any permission check."""
    services.work_order_set_priority(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/product", response=responses({200: WorkOrderOut}))
def work_order_product_change(request: HttpRequest, work_order_id: PathId, payload: ProductChangeIn) -> Any:
    """Correct the installed product (another of the same customer's), with a `reason`; model,
    line and serial follow it, the timeline says from what to what, and the batch-fault count
    moves to the new model and batch (R-8.4). Who takes requests may (agents, dispatchers,
    supervisors): others 403; a product the caller may not see 404 naming `installed_product_id`,
    another customer's or the same product 422 naming it; archived 409 `read_only`."""
    services.work_order_product_change(actor=request.user, work_order_id=work_order_id, **payload.dict())
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/notes", response=responses({201: TimelineEventOut}))
def work_order_add_note(request: HttpRequest, work_order_id: PathId, payload: TimelineNoteIn) -> Any:
    """A progress note on the timeline (R-3.6)."""
    return Status(201, services.work_order_add_note(actor=request.user, work_order_id=work_order_id, text=payload.text))


@router.get("/work-orders/{work_order_id}/timeline", response=responses({200: list[TimelineEventOut]}))
def work_order_timeline(request: HttpRequest, work_order_id: PathId) -> Any:
    """Every event with who, when, what and why (R-3.5), oldest first. A portal user gets what the
    portal shows them: the creation and status changes, only the texts addressed to them, no
    names (R-13.1)."""
    events = selectors.work_order_timeline(actor=request.user, work_order_id=work_order_id)
    _viewed(request, "workorder", work_order_id, part="timeline")
    return events


@router.post("/work-orders/{work_order_id}/communications", response=responses({201: CommunicationOut}))
def work_order_communication(request: HttpRequest, work_order_id: PathId, payload: CommunicationIn) -> Any:
    """Record a call, fax, letter, parcel, e-mail or SMS about this work order (R-2.2)."""
    return Status(201, services.communication_record(actor=request.user, work_order_id=work_order_id, **payload.dict()))


@router.post("/communications", response=responses({201: CommunicationOut}))
def communication_record(request: HttpRequest, payload: CustomerCommunicationIn) -> Any:
    """Record a communication against a customer, and a work order when given (R-2.2)."""
    return Status(201, services.communication_record(actor=request.user, **payload.dict()))


@router.get("/customers/{customer_id}/history", response=responses({200: CustomerHistoryOut}), tags=["customers"])
def customer_history(request: HttpRequest, customer_id: PathId) -> Any:
    """The customer's most recent work orders and communications, newest first (R-1.3). A portal
    user gets their work orders as the portal lists them and no communications (R-13.1)."""
    communications = selectors.customer_communications(actor=request.user, customer_id=customer_id)
    work_orders = selectors.customer_work_orders(actor=request.user, customer_id=customer_id)
    _viewed(request, "customer", customer_id, part="history")
    return {
        "work_orders": work_orders.select_related("customer", "owner")[:HISTORY_LIMIT],
        "communications": communications[:HISTORY_LIMIT],
    }


# The file itself: a photo, a PDF or an Office file, as stored (not JSON).
_FILE_ANSWER = {
    "responses": {
        200: {
            "description": "The file, with its name in Content-Disposition (RFC 5987 for non-ASCII names).",
            "content": {
                ct: {"schema": {"type": "string", "format": "binary"}} for ct in sorted(set(CONTENT_TYPES.values()))
            },
        }
    }
}


@router.get("/work-orders/{work_order_id}/attachments", response=responses({200: list[AttachmentOut]}))
def work_order_attachments(request: HttpRequest, work_order_id: PathId) -> Any:
    """The work order's photos and documents, oldest first. A portal user gets those visible to
    the customer: their own uploads and what staff chose to show them (R-13.1)."""
    return selectors.work_order_attachments(actor=request.user, work_order_id=work_order_id)


@router.post("/work-orders/{work_order_id}/attachments", response=responses({201: AttachmentOut}))
def work_order_attach(
    request: HttpRequest, work_order_id: PathId, file: File[UploadedFile], visible_to_customer: Form[bool] = False
) -> Any:
    """Attach a photo (JPEG, PNG, WebP) or a document (PDF, xlsx, docx), `multipart/form-data`.
    What it is, is read from its bytes, never from its name or content type: anything else is
    422 `attachment_type_not_allowed`; an empty file 422 `attachment_empty`; a picture that
    cannot be decoded 422 `attachment_damaged`, one of too many pixels 422 `image_too_large`; a
    file over `ATTACHMENT_MAX_MB` 413 `payload_too_large`. Photos are stored encoded again,
    without their metadata (EXIF, location). A portal user's uploads are always visible to the
    customer; staff's only with `visible_to_customer`. Who may: as for a progress note."""
    added = attachments.attachment_add(
        actor=request.user, work_order_id=work_order_id, file=file, visible_to_customer=visible_to_customer
    )
    return Status(
        201, selectors.work_order_attachment(actor=request.user, work_order_id=work_order_id, attachment_id=added.pk)
    )


@router.get(
    "/work-orders/{work_order_id}/attachments/{attachment_id}",
    response=responses({}),
    url_name="work_order_attachment",
    openapi_extra=_FILE_ANSWER,
)
def work_order_attachment(request: HttpRequest, work_order_id: PathId, attachment_id: PathId) -> Any:
    """Download the file (recorded in the access log, R-13.2); 404 for one the caller may not see."""
    return attachments.attachment_download(actor=request.user, work_order_id=work_order_id, attachment_id=attachment_id)


@router.get(
    "/work-orders/{work_order_id}/attachments/{attachment_id}/thumbnail",
    response=responses({}),
    url_name="work_order_attachment_thumbnail",
    openapi_extra={
        "responses": {
            200: {
                "description": "A JPEG of at most 320×320 pixels.",
                "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def work_order_attachment_thumbnail(request: HttpRequest, work_order_id: PathId, attachment_id: PathId) -> Any:
    """A photo's thumbnail; 404 for a document or an attachment the caller may not see."""
    return attachments.attachment_download(
        actor=request.user, work_order_id=work_order_id, attachment_id=attachment_id, thumbnail=True
    )
