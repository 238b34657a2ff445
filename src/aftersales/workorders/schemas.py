"""API schemas of work orders (R-2, R-3): intake, list filters, detail, lifecycle, timeline."""

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ValidationInfo, model_validator

from aftersales.api.schemas import Day, Id, Moment, QueryId, Ref, Text, UserRef, named_choices
from aftersales.catalog.models import Colour, Priority, ServiceType
from aftersales.customers.schemas import ContactOut, InstalledProductOut, ProductModelRef
from aftersales.sla.models import TargetKind
from aftersales.workorders import states
from aftersales.workorders.attachments import CONTENT_TYPES
from aftersales.workorders.models import Attachment, Channel, Communication
from aftersales.workorders.selectors import (
    MAX_PAGE_SIZE,
    work_order_engineer,
    work_order_promise,
    work_order_shown,
)
from aftersales.workorders.services import (
    DEMAND_MAX_LENGTH,
    MAX_TEXT,
    RESOLUTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    SYMPTOM_MAX_LENGTH,
    WAIT_ON,
)
from aftersales.workorders.states import HandlingMode

# The document's names for the enums of work orders (api.schemas.named_choices).
WorkOrderStatus = named_choices("WorkOrderStatus", states.Status)
WorkOrderAction = named_choices("WorkOrderAction", states.Action)
IntakeChannel = named_choices("IntakeChannel", Channel)
CommunicationKind = named_choices("CommunicationKind", Communication.Kind)
CommunicationDirection = named_choices("CommunicationDirection", Communication.Direction)
SlaTargetKind = named_choices("SlaTargetKind", TargetKind)
SORTS = Literal[
    "received_at",
    "-received_at",
    "number",
    "-number",
    "priority",
    "-priority",
    "status",
    "-status",
    "updated_at",
    "-updated_at",
    "next_due_at",  # SLA: only work orders with an open, running target
    "-next_due_at",
    "queue_at",
    "-queue_at",
    "due",  # a handler's queue: next due time first, then without one (paused, met) by queue time
    "-due",
]


# on a portal user's own request the system sets these.
SET_BY_SYSTEM = "Staff only: a portal user who sends it is refused with 422 `set_by_system` naming the field."


class WorkOrderIn(Schema):
    """A request to record (R-2.3).

    Every id is resolved through the caller's scope: an id the caller may not see (or that names
    nothing) answers 404 `not_found` with the field named, and nothing is created (R-13.1).
    A portal user submits for their own organisation: they may omit `customer_id`, and the
    system sets `channel` (web), `received_at` (now), `priority` (proposed) and `colour`;
    sending any of these, or `answered_on_spot` / `resolution`, is refused (422 `set_by_system`,
    each field named), not ignored."""

    customer_id: Id | None = Field(
        None, description="Required for staff; a portal user's own organisation when omitted."
    )
    installed_product_id: Id | None = None
    contact_id: Id | None = None
    product_model_id: Id | None = Field(None, description="When no installed product is known.")
    fault_category_id: Id | None = None
    channel: IntakeChannel | None = Field(
        None, description=f"Intake channel (R-2.1); required for staff. {SET_BY_SYSTEM}"
    )
    received_at: Moment | None = Field(None, description=f"With its time zone; now when omitted. {SET_BY_SYSTEM}")
    occurred_at: Moment | None = None
    symptom: Text(SYMPTOM_MAX_LENGTH)
    demand: Text(DEMAND_MAX_LENGTH) = ""
    service_type: ServiceType
    priority: Priority | None = Field(
        None, description=f"Proposed from the fault category when omitted (R-3.3). {SET_BY_SYSTEM}"
    )
    colour: Colour | None = Field(
        None, description=f"Green, or yellow for a complaint, when omitted (R-3.4). {SET_BY_SYSTEM}"
    )
    purchase_date: Day | None = None
    answered_on_spot: bool = Field(
        False, description=f"A consultation answered at once: created resolved and closed (R-2.4). {SET_BY_SYSTEM}"
    )
    resolution: Text(RESOLUTION_MAX_LENGTH) = Field("", description=f"The answer given on the spot. {SET_BY_SYSTEM}")


class WorkOrderFilter(Schema):
    status: list[WorkOrderStatus] = Field(default_factory=list, description="Repeat for several statuses.")
    priority: list[Priority] = Field(default_factory=list)
    service_type: list[ServiceType] = Field(default_factory=list)
    colour: list[Colour] = Field(default_factory=list)
    owner_id: QueryId | None = None
    assignee_id: QueryId | None = None
    customer_id: QueryId | None = None
    product_line_id: QueryId | None = None
    received_from: Moment | None = None
    received_to: Moment | None = Field(None, description="Exclusive.")
    due_before: Moment | None = Field(None, description="SLA: the next due time is before this (exclusive).")
    unassigned: bool = Field(False, description="Only work orders without an assignee.")
    team_id: QueryId | None = Field(None, description="The assignee's team.")
    no_team: bool = Field(False, description="No assignee, or one without a team.")
    # SLA compliance: the work orders behind a figure of the compliance page, as the list page filters them.
    target_kind: SlaTargetKind | None = Field(None, description="With a decided SLA target of this kind.")
    target_outcome: Literal["met", "breached"] | None = Field(
        None,
        description="All decided targets met in time, or at least one breached (open targets not yet due do not count).",
    )
    target_month: Day | None = Field(None, description="A target due in the month of this day.")
    open: bool | None = Field(None, description="true: open work orders only; false: resolved or later only.")
    q: Text(100) = Field("", description="Substring of number, customer name, serial number or symptom.")
    sort: SORTS = "-received_at"
    cursor: Text(512) | None = Field(None, description="`next_cursor` of the previous page.")
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class CustomerRef(Schema):
    id: int
    code: str
    name: str


class ProductModelBrief(Schema):
    id: int
    code: str
    name: str


HIDDEN = "Null for a portal user (R-13.1)."


class ShownToCaller(Schema):
    """A work order as the caller may see it: ``workorders.selectors.work_order_shown`` decides,
    for the API as for the portal pages, so a portal user gets null where the portal shows
    nothing (who handles it, internal texts, the colour class)."""

    @model_validator(mode="before")
    @classmethod
    def _as_the_caller_sees_it(cls, values: Any, info: ValidationInfo) -> Any:
        return work_order_shown(actor=info.context["request"].user, work_order=values)


class WorkOrderListItem(ShownToCaller):
    id: int
    number: str
    status: WorkOrderStatus
    service_type: ServiceType
    priority: Priority
    colour: Colour | None = Field(description=HIDDEN)
    channel: IntakeChannel
    received_at: dt.datetime
    updated_at: dt.datetime
    symptom: str
    serial_number: str
    customer: CustomerRef
    product_model: ProductModelBrief | None
    owner: UserRef | None = Field(description=f"The first-contact owner (R-5.4). {HIDDEN}")
    assignee: UserRef | None = Field(description=HIDDEN)
    repeat_of_id: int | None = Field(
        description="A repeat repair (R-2.3): the product's previous work order, received at most REPEAT_REPAIR_DAYS "
        f"(30 by default) before this one. {HIDDEN}"
    )


class WorkOrderPageOut(Schema):
    items: list[WorkOrderListItem]
    next_cursor: str | None
    count: int
    count_capped: bool = Field(description="True when there are more than `count` (counting stops at 1000).")


class CustomerCard(Schema):
    """What the handler needs to know about the customer (R-1.1); phone and address masked (R-13.1)."""

    id: int
    code: str
    kind: str
    name: str
    phone: str
    address: str
    region: Ref | None
    category: Ref | None
    service_preferences: str

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        from aftersales.customers.masking import shown_phone

        return shown_phone(context["request"].user, obj.phone, customer_id=obj.pk)

    @staticmethod
    def resolve_address(obj: Any, context: Any) -> str:
        from aftersales.customers.masking import shown_address

        return shown_address(context["request"].user, obj.address, customer_id=obj.pk)


class EngineerOut(Schema):
    name: str
    phone: str = Field(description="The engineer's work phone; empty when none is recorded.")


class PromiseOut(Schema):
    """The promised times as they stand (R-2.5): null where the work order has no such target."""

    respond_by: dt.datetime | None
    responded_at: dt.datetime | None
    resolve_by: dt.datetime | None
    resolved_at: dt.datetime | None


class WorkOrderOut(ShownToCaller):
    id: int
    number: str
    status: WorkOrderStatus
    service_type: ServiceType
    priority: Priority
    colour: Colour | None = Field(description=HIDDEN)
    channel: IntakeChannel
    handling_mode: HandlingMode | Literal[""]
    received_at: dt.datetime
    occurred_at: dt.datetime | None
    symptom: str
    demand: str
    purchase_date: dt.date | None
    serial_number: str
    answered_on_spot: bool
    repeat_of_id: int | None = Field(
        description="A repeat repair (R-2.3): the product's previous work order, received at most REPEAT_REPAIR_DAYS "
        f"(30 by default) before this one. {HIDDEN}"
    )
    customer: CustomerCard
    contact: ContactOut | None
    installed_product: InstalledProductOut | None
    product_model: ProductModelRef | None
    fault_category: Ref | None
    owner: UserRef | None = Field(description=f"The first-contact owner (R-5.4). {HIDDEN}")
    assignee: UserRef | None = Field(description=HIDDEN)
    resolution: str | None = Field(description="Null for a portal user while the work order is open again (reopened).")
    technical_solution: str | None = Field(description=HIDDEN)
    resolved_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_reason: str | None = Field(description=f"Why it was closed without the customer's confirmation. {HIDDEN}")
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    allowed_actions: list[WorkOrderAction] = Field(description="Lifecycle actions the caller may take now.")

    engineer: EngineerOut | None = Field(
        description="Who handles it, as the customer is told: name and work phone (a portal user sees this, not `assignee`)."
    )
    promise: PromiseOut = Field(description="When we respond and expect to resolve it, as it stands now (R-2.5).")

    # WorkOrderOut is answered by ``work_order_out``; these resolvers keep the schema's own
    # validation the same answer (the tests compare the two).
    @staticmethod
    def resolve_allowed_actions(obj: Any, context: Any) -> list[str]:
        from aftersales.workorders.services import available_actions

        return available_actions(actor=context["request"].user, wo=obj)

    @staticmethod
    def resolve_engineer(obj: Any) -> Any:
        return work_order_engineer(work_order=obj)

    @staticmethod
    def resolve_promise(obj: Any, context: Any) -> Any:
        return work_order_promise(actor=context["request"].user, work_order=obj)


# WorkOrderOut's fields read as they are from the work order as shown.
_PLAIN_FIELDS = (
    "id",
    "number",
    "status",
    "service_type",
    "priority",
    "colour",
    "channel",
    "handling_mode",
    "received_at",
    "occurred_at",
    "symptom",
    "demand",
    "purchase_date",
    "serial_number",
    "answered_on_spot",
    "repeat_of_id",
    "resolution",
    "technical_solution",
    "resolved_at",
    "confirmed_at",
    "closed_at",
    "close_reason",
    "archived_at",
    "created_at",
    "updated_at",
)


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _user_ref(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": str(user)}


def _product_model(model: Any) -> dict[str, Any] | None:
    if model is None:
        return None
    return {"id": model.pk, "code": model.code, "name": model.name, "product_line": _ref(model.product_line)}


def work_order_out(*, actor: Any, work_order: Any) -> dict[str, Any]:
    """``WorkOrderOut`` of ``work_order`` as ``actor`` may see it, built field by field: every
    work-order action answers it, intake at hundreds a second, and the schema's validation (a
    wrapper per nested object, a resolver per field) took a quarter of a create. The schema
    documents it; tests/api/test_workorder_answer.py holds the two equal for every role and
    state. Phones, e-mails and addresses are masked as ``CustomerCard`` and ``ContactOut`` mask
    them (customers.masking)."""
    from aftersales.customers.masking import shown_address, shown_email, shown_phone
    from aftersales.workorders.services import available_actions

    wo = work_order_shown(actor=actor, work_order=work_order)
    customer, contact, product = wo.customer, wo.contact, wo.installed_product
    engineer = work_order_engineer(work_order=wo)
    promise = work_order_promise(actor=actor, work_order=wo)
    return {
        **{name: getattr(wo, name) for name in _PLAIN_FIELDS},
        "customer": {
            "id": customer.pk,
            "code": customer.code,
            "kind": customer.kind,
            "name": customer.name,
            "phone": shown_phone(actor, customer.phone, customer_id=customer.pk),
            "address": shown_address(actor, customer.address, customer_id=customer.pk),
            "region": _ref(customer.region),
            "category": _ref(customer.category),
            "service_preferences": customer.service_preferences,
        },
        "contact": None
        if contact is None
        else {
            "id": contact.pk,
            "customer_id": contact.customer_id,
            "name": contact.name,
            "phone": shown_phone(actor, contact.phone, customer_id=contact.customer_id),
            "email": shown_email(actor, contact.email, customer_id=contact.customer_id),
            "position": contact.position,
            "is_primary": contact.is_primary,
        },
        "installed_product": None
        if product is None
        else {
            "id": product.pk,
            "customer_id": product.customer_id,
            "product_model": _product_model(product.product_model),
            "serial_number": product.serial_number,
            "batch": product.batch,
            "purchase_date": product.purchase_date,
            "installation_date": product.installation_date,
            "warranty_end": product.warranty_end,
            "warranty_status": str(product.warranty_status()),
            "configuration": product.configuration,
        },
        "product_model": _product_model(wo.product_model),
        "fault_category": _ref(wo.fault_category),
        "owner": _user_ref(wo.owner),
        "assignee": _user_ref(wo.assignee),
        "allowed_actions": available_actions(actor=actor, wo=wo),
        "engineer": None if engineer is None else {"name": engineer.name, "phone": engineer.phone},
        "promise": {
            "respond_by": promise.respond_by,
            "responded_at": promise.responded_at,
            "resolve_by": promise.resolve_by,
            "resolved_at": promise.resolved_at,
        },
    }


class NoteIn(Schema):
    note: Text(MAX_TEXT) = ""


class AssignIn(Schema):
    assignee_id: Id
    note: Text(MAX_TEXT) = ""


class StartIn(Schema):
    mode: HandlingMode = HandlingMode.REMOTE
    note: Text(MAX_TEXT) = ""


class WaitIn(Schema):
    on: Literal[tuple(WAIT_ON)]
    reason: Text(MAX_TEXT)


class ResolveIn(Schema):
    resolution: Text(MAX_TEXT)
    technical_solution: Text(MAX_TEXT) = ""


class ConfirmIn(Schema):
    note: Text(MAX_TEXT) = Field("", description="Staff: how the customer confirmed (required).")


class ReasonIn(Schema):
    reason: Text(MAX_TEXT) = ""


class PriorityIn(Schema):
    """R-3.3: the new priority and why; the SLA targets are computed again (R-4.2)."""

    priority: Priority
    reason: Text(MAX_TEXT)


class ProductChangeIn(Schema):
    """Correct which of the customer's installed products the work order is about, and why; the
    batch-fault count moves with it (R-8.4)."""

    installed_product_id: Id
    reason: Text(MAX_TEXT)


class TimelineNoteIn(Schema):
    text: Text(MAX_TEXT)


class TimelineEventOut(Schema):
    """One timeline event (R-3.5). A portal user gets what the portal shows them
    (``workorders.selectors.work_order_timeline``): the request's creation and its status changes,
    only the texts addressed to them, no names, data or communication records (R-13.1)."""

    id: int
    kind: str
    at: dt.datetime
    actor: UserRef | None = Field(None, description="Who did it. Null for a portal user: see `by_customer`.")
    by_customer: bool = Field(description="Done by a portal user of the customer (e.g. a confirmation).")
    action: str
    from_status: str
    to_status: str
    text: str
    data: dict[str, Any] = Field(default_factory=dict, description="Empty for a portal user.")
    communication_id: int | None = Field(None, description="Null for a portal user.")

    @staticmethod
    def resolve_by_customer(obj: Any) -> bool:
        # A customer's timeline entry says so itself; a staff timeline event knows it from its actor.
        by_customer = getattr(obj, "by_customer", None)
        return bool(obj.actor.customer_id) if by_customer is None else bool(by_customer)


class CommunicationIn(Schema):
    kind: CommunicationKind
    direction: CommunicationDirection
    summary: Text(SUMMARY_MAX_LENGTH)
    at: Moment | None = Field(None, description="Now when omitted.")
    counterpart: Text(128) = ""
    reference: Text(64) = Field("", description="Fax number, tracking number, ...")


class CustomerCommunicationIn(CommunicationIn):
    customer_id: Id | None = None
    work_order_id: Id | None = None


class CommunicationOut(Schema):
    id: int
    customer_id: int
    work_order_id: int | None
    kind: CommunicationKind
    direction: CommunicationDirection
    at: dt.datetime
    counterpart: str
    reference: str
    summary: str
    recorded_by: UserRef

    @staticmethod
    def resolve_counterpart(obj: Any, context: Any) -> str:
        from aftersales.customers.masking import shown_text

        return shown_text(context["request"].user, obj.counterpart, customer_id=obj.customer_id)

    @staticmethod
    def resolve_reference(obj: Any, context: Any) -> str:
        from aftersales.customers.masking import shown_text

        return shown_text(context["request"].user, obj.reference, customer_id=obj.customer_id)


class CustomerHistoryOut(Schema):
    work_orders: list[WorkOrderListItem]
    communications: list[CommunicationOut] = Field(
        description="Empty for a portal user: the communication log is internal (R-13.1)."
    )


AttachmentKind = named_choices("AttachmentKind", Attachment.Kind)


class AttachmentOut(Schema):
    """A photo or document of a work order (``selectors.work_order_attachments``). A portal user
    gets only those visible to the customer, and no staff names (R-13.1)."""

    id: int
    work_order_id: int
    name: str = Field(description="The uploader's file name, with the extension of what the file is.")
    kind: AttachmentKind = Field(description="What the content is, read from its bytes.")
    content_type: str
    size: int = Field(description="Bytes stored (a photo is stored encoded again, without its metadata).")
    created_at: dt.datetime
    visible_to_customer: bool
    by_customer: bool = Field(description="Uploaded by a portal user of the customer.")
    uploaded_by: UserRef | None = Field(None, description="Null for a portal user: see `by_customer`.")
    download_url: str
    thumbnail_url: str | None = Field(None, description="A JPEG of at most 320×320 pixels; photos only.")

    @staticmethod
    def resolve_content_type(obj: Any) -> str:
        return CONTENT_TYPES[obj.kind]

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return reverse("api:work_order_attachment", args=[obj.work_order_id, obj.id])

    @staticmethod
    def resolve_thumbnail_url(obj: Any) -> str | None:
        if not obj.thumbnail:
            return None
        return reverse("api:work_order_attachment_thumbnail", args=[obj.work_order_id, obj.id])
