"""Reads of work orders, already scoped to the actor (R-13.1).

A technician sees the work orders assigned to them, a portal user only their own
organisation's, staff with ``view_all_workorders`` all of them. Out of scope is "not found".

What a portal user sees *of* a work order is decided here too, once, for the portal pages and
the API alike: ``work_order_shown`` (the work order's fields), ``work_order_timeline`` (its
events) and ``work_order_attachments`` (its photos and documents). Neither front door decides it
for itself, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.pagination import Page, keyset_page
from aftersales.sla.selectors import compliance_work_orders
from aftersales.workorders import search
from aftersales.workorders.models import Attachment, Communication, WorkOrder, WorkOrderEvent
from aftersales.workorders.states import OPEN_STATUSES, Action, Status

# next_due_at / queue_at: SLA. Sorting by next_due_at leaves out work orders
# without one (nothing open and running), so it walks its index. "due" is a handler's queue:
# what is due next first, then those without a running target (paused, met) by queue time.
SORTS = {"received_at", "number", "priority", "status", "updated_at", "next_due_at", "queue_at", "due"}
DUE_ORDER = ("next_due_at", "queue_at")
# Resolved or later: the list's "done" work orders, named so the status index serves it.
DONE_STATUSES = frozenset(Status.values) - OPEN_STATUSES
MAX_PAGE_SIZE = 100
# A work-order number as users type it: "SR-2026-001026", "sr-2026-1026", "2026-1026";
# found by the unique index, written as it is stored. Digits alone ("1026", "001026") are
# also tried as the sequence of every year (see _number_candidates).
NUMBER_RE = re.compile(r"^(?:([A-Za-z]{1,8})-?)?(\d{4})-(\d{1,12})$")
SEQUENCE_RE = re.compile(r"^\d{1,12}$")
NUMBER_PREFIX, NUMBER_WIDTH, FIRST_YEAR = "SR", 6, 2000


def is_portal_user(actor: Any) -> bool:
    """A customer's login, limited to their own organisation's records (R-13.1)."""
    return bool(getattr(actor, "customer_id", None))


def work_order_scope(*, actor: Any) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.all()
    if not getattr(actor, "is_authenticated", False):
        return qs.none()
    if is_portal_user(actor):
        return qs.filter(customer_id=actor.customer_id)
    if actor.has_perm("workorders.view_all_workorders"):
        return qs
    if actor.has_perm("workorders.view_workorder"):
        return qs.filter(assignee=actor)
    return qs.none()


def work_order_get(*, actor: Any, work_order_id: int) -> WorkOrder:
    wo = (
        work_order_scope(actor=actor)
        .select_related(
            "customer__category",
            "customer__region",
            "contact",
            "installed_product__product_model",
            "product_model",
            "product_line",
            "fault_category",
            "owner",
            "assignee",
            "repeat_of",
        )
        .filter(pk=work_order_id)
        .first()
    )
    if wo is None:
        raise NotFound()
    return wo


def work_order_get_by_number(*, actor: Any, number: str) -> WorkOrder:
    number = normalised_number(number) or number
    wo = work_order_scope(actor=actor).filter(number=number).only("pk").first()
    if wo is None:
        raise NotFound()
    return work_order_get(actor=actor, work_order_id=wo.pk)


@dataclass
class WorkOrderFilters:
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    service_type: list[str] = field(default_factory=list)
    colour: list[str] = field(default_factory=list)
    owner_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None  # the assignee's team
    no_team: bool = False  # no assignee, or one without a team
    customer_id: int | None = None
    product_line_id: int | None = None
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    due_before: dt.datetime | None = None  # SLA: an open, running target due before this time
    # SLA compliance: the work orders behind a figure of the compliance page, with a
    # decided target of this kind, due in this month, all met in time or some breached (any of
    # the three narrows; see sla.selectors.compliance_work_orders).
    target_kind: str = ""
    target_outcome: str = ""
    target_month: dt.date | None = None
    open: bool | None = None  # True: open work orders only; False: resolved or later only
    q: str = ""


def _apply_filters(qs: QuerySet[WorkOrder], f: WorkOrderFilters) -> QuerySet[WorkOrder]:
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.open is not None:
        qs = qs.filter(status__in=sorted(OPEN_STATUSES if f.open else DONE_STATUSES))
    if f.priority:
        qs = qs.filter(priority__in=f.priority)
    if f.service_type:
        qs = qs.filter(service_type__in=f.service_type)
    if f.colour:
        qs = qs.filter(colour__in=f.colour)
    if f.owner_id is not None:
        qs = qs.filter(owner_id=f.owner_id)
    if f.assignee_id is not None:
        qs = qs.filter(assignee_id=f.assignee_id)
    if f.unassigned:
        qs = qs.filter(assignee__isnull=True)
    if f.team_id is not None:
        qs = qs.filter(assignee__team_id=f.team_id)
    if f.no_team:
        qs = qs.filter(assignee__team__isnull=True)
    if f.customer_id is not None:
        qs = qs.filter(customer_id=f.customer_id)
    if f.product_line_id is not None:
        qs = qs.filter(product_line_id=f.product_line_id)
    if f.received_from is not None:
        qs = qs.filter(received_at__gte=f.received_from)
    if f.received_to is not None:
        qs = qs.filter(received_at__lt=f.received_to)
    if f.due_before is not None:
        qs = qs.filter(next_due_at__lt=f.due_before)
    if f.target_kind or f.target_outcome or f.target_month is not None:
        ids = compliance_work_orders(kind=f.target_kind, outcome=f.target_outcome, month=f.target_month)
        qs = qs.filter(id__in=ids)
    q = f.q.strip()
    if number := normalised_number(q):
        # A whole work-order number: the unique index answers, no substring scan over all rows.
        return qs.filter(number=number)
    if q:
        qs = _search(qs, q)
    return qs


def normalised_number(text: str) -> str | None:
    """A whole work-order number as stored ("sr-2026-1026" → "SR-2026-001026"), or None."""
    match = NUMBER_RE.match(text.strip())
    if match is None:
        return None
    prefix, year, sequence = match.groups()
    return f"{(prefix or NUMBER_PREFIX).upper()}-{year}-{int(sequence):0{NUMBER_WIDTH}d}"


def _number_candidates(q: str) -> list[str]:
    """Digits alone may be a number's sequence without its prefix and year ("1026", "001026"):
    the number of that sequence in each year, looked up by the unique index beside the text
    search (numbers are counted per year from 1, core.numbering)."""
    if not SEQUENCE_RE.match(q) or int(q) == 0:
        return []
    last = timezone.localdate().year + 1
    return [f"{NUMBER_PREFIX}-{year}-{int(q):0{NUMBER_WIDTH}d}" for year in range(FIRST_YEAR, last + 1)]


def _search(qs: QuerySet[WorkOrder], q: str) -> QuerySet[WorkOrder]:
    """Any substring of number, customer name, serial, model and symptom (see search.py)."""
    phrases = search.query_phrases(q)
    if phrases is None:
        # A lone Chinese character next to nothing indexable: no index can help; scan.
        return qs.filter(
            Q(number__icontains=q)
            | Q(serial_number__icontains=q)
            | Q(symptom__contains=q)
            | Q(customer__name__contains=q)
        )
    numbers = _number_candidates(q)
    if connection.vendor == "postgresql":
        if numbers:  # the GIN index and the number's unique index, OR-ed by a bitmap
            matched = RawSQL(search.PG_MATCH, [search.tsquery(phrases)])  # noqa: S611 - constant SQL
            return qs.filter(Q(id__in=matched) | Q(number__in=numbers))
        return qs.extra(
            where=["to_tsvector('simple', search_text) @@ to_tsquery('simple', %s)"], params=[search.tsquery(phrases)]
        )
    query = search.fts5_query(phrases)
    match = RawSQL(search.SQLITE_MATCH, [query])  # noqa: S611 - constant SQL, bound parameter
    with connection.cursor() as cursor:
        cursor.execute(search.SQLITE_COUNT, [query, search.FEW_MATCHES + 1])
        (matches,) = cursor.fetchone()
    by_number = Q(number__in=numbers) if numbers else Q()
    if matches <= search.FEW_MATCHES:
        return qs.filter(Q(id__in=match) | by_number)
    # A common word (tens of thousands of matches): sorting them all to show 25 is the slow
    # part. "id + 0" keeps SQLite from starting at the matches, so it walks the list's own
    # order and tests each row, stopping at the end of the page.
    return qs.alias(search_id=F("id") + 0).filter(Q(search_id__in=match) | by_number)


def work_order_list(
    *,
    actor: Any,
    filters: WorkOrderFilters | None = None,
    sort: str = "-received_at",
    cursor: str | None = None,
    page_size: int = 25,
    count: bool = True,
) -> Page[WorkOrder]:
    descending = sort.startswith("-")
    sort_field = sort.lstrip("-")
    if sort_field not in SORTS:
        raise ValidationFailed({"sort": f"one of {', '.join(sorted(SORTS))}, optionally with '-'"})
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed({"page_size": f"between 1 and {MAX_PAGE_SIZE}"})
    qs = _apply_filters(work_order_scope(actor=actor), filters or WorkOrderFilters())
    if sort_field == "next_due_at":
        qs = qs.filter(next_due_at__isnull=False)
    qs = qs.select_related("customer", "assignee", "owner", "product_model")
    due = sort_field == "due"
    return keyset_page(
        qs,
        sort_field=DUE_ORDER if due else sort_field,
        nulls_last=due,
        descending=descending,
        cursor=cursor,
        page_size=page_size,
        count=count,
    )


# --- what a customer sees (R-13.1) ---------------------------------------------------------

# Never shown to a portal user: who owns and handles the request inside the company, the
# technical solution, the reason for closing without their confirmation and the colour class.
HIDDEN_FROM_CUSTOMERS = frozenset(
    {
        "owner",
        "owner_id",
        "assignee",
        "assignee_id",
        "technical_solution",
        "close_reason",
        "colour",
        # a repeat repair is the company's own quality record
        "repeat_of",
        "repeat_of_id",
    }
)


@dataclass(frozen=True, slots=True)
class Engineer:
    """Who handles a request, as its customer may know them: the name and the work phone."""

    name: str
    phone: str


def work_order_engineer(*, work_order: Any) -> Engineer | None:
    """The engineer assigned to ``work_order`` (as shown or not; no query: the work order's
    assignee), or None."""
    work_order = _unshown(work_order)
    assignee = work_order.assignee if work_order.assignee_id else None
    if assignee is None:
        return None
    return Engineer(name=str(assignee), phone=(assignee.phone or "").strip())


class CustomerFacing:
    """A work order as its customer sees it: it reads like the work order, except that every
    field in ``HIDDEN_FROM_CUSTOMERS`` reads as None, and so does the resolution while the
    request is open again (reopening withdrew it). Instead of the assignee it has ``engineer``
    (name and work phone), and ``promise``: the promised times as they stand (R-2.5)."""

    __slots__ = ("_actor", "_hidden", "_promise", "_work_order")

    def __init__(self, work_order: Any, actor: Any) -> None:
        self._work_order = work_order
        self._actor = actor
        self._promise: Any = None
        self._hidden = HIDDEN_FROM_CUSTOMERS | ({"resolution"} if work_order.is_open else frozenset())

    def __getattr__(self, name: str) -> Any:
        if name in self._hidden:
            return None
        return getattr(self._work_order, name)

    @property
    def engineer(self) -> Engineer | None:
        return work_order_engineer(work_order=self._work_order)

    @property
    def promise(self) -> Any:
        if self._promise is None:  # one query, when a page or the API reads it
            self._promise = work_order_promise(actor=self._actor, work_order=self._work_order)
        return self._promise


def _unshown(work_order: Any) -> Any:
    return work_order._work_order if isinstance(work_order, CustomerFacing) else work_order


def work_order_promise(*, actor: Any, work_order: Any) -> Any:
    """``sla.selectors.Promise``: the promised response and resolution times as they stand, of
    ``work_order`` as shown or not (one query)."""
    from aftersales.sla.selectors import work_order_promise as promise

    return promise(actor=actor, work_order=_unshown(work_order))


def work_order_shown(*, actor: Any, work_order: Any) -> Any:
    """``work_order`` as ``actor`` may see it: all of it for staff, ``CustomerFacing`` for a
    portal user. The portal pages render this and the API serialises it (schemas.py)."""
    return CustomerFacing(work_order, actor) if is_portal_user(actor) else work_order


# Status changes whose text is written for the customer: the resolution and what we wait for
# from them. A confirmation or reopening shows its text only when the customer wrote it; an
# agent's note on one (taken on the phone) is internal. Other texts are internal.
PUBLIC_TEXT_ACTIONS = frozenset({Action.RESOLVE, Action.WAIT_CUSTOMER})
CUSTOMER_TEXT_ACTIONS = frozenset({Action.CONFIRM, Action.REOPEN})


@dataclass(frozen=True)
class CustomerEvent:
    """One entry of a work order's timeline as its customer sees it: when, what, whether they
    did it themselves, and only the texts addressed to them. No staff names, internal notes,
    communication records or event data."""

    id: int
    at: dt.datetime
    kind: str  # "created" or "status"
    action: str
    from_status: str
    to_status: str
    text: str
    by_customer: bool
    data: Mapping[str, Any] = field(default_factory=dict)


def work_order_timeline(*, actor: Any, work_order_id: int) -> list[WorkOrderEvent] | list[CustomerEvent]:
    """The timeline, oldest first: every event for staff; for a portal user the request's
    creation and status changes as ``CustomerEvent`` (R-3.5, R-13.1)."""
    wo = work_order_get(actor=actor, work_order_id=work_order_id)
    events = wo.events.select_related("actor", "communication").order_by("at", "id")
    if not is_portal_user(actor):
        return list(events)
    shown = []
    for event in events.filter(kind__in=[WorkOrderEvent.Kind.CREATED, WorkOrderEvent.Kind.STATUS]):
        by_customer = event.actor.customer_id == actor.customer_id
        public_text = event.action in PUBLIC_TEXT_ACTIONS or (by_customer and event.action in CUSTOMER_TEXT_ACTIONS)
        shown.append(
            CustomerEvent(
                id=event.pk,
                at=event.at,
                kind=event.kind,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                text=event.text if public_text else "",
                by_customer=by_customer,
            )
        )
    return shown


@dataclass(frozen=True)
class ShownAttachment:
    """An attachment as ``actor`` may see it: staff see every attachment and who uploaded it; a
    portal user only those visible to the customer (their own uploads and what staff chose to
    show them), with whether they uploaded it themselves but no staff names (R-13.1)."""

    id: int
    work_order_id: int
    name: str
    kind: str
    size: int
    created_at: dt.datetime
    visible_to_customer: bool
    is_image: bool
    by_customer: bool
    uploaded_by: Any  # None for a portal user
    file: Any  # the stored files, for workorders.attachments.attachment_response
    thumbnail: Any

    @property
    def kind_label(self) -> str:
        return str(Attachment.Kind(self.kind).label)


def _attachments_shown(actor: Any, work_order_id: int) -> QuerySet[Attachment]:
    if not work_order_scope(actor=actor).filter(pk=work_order_id).exists():
        raise NotFound()
    qs = Attachment.objects.filter(work_order_id=work_order_id).select_related("uploaded_by")
    return qs.filter(visible_to_customer=True) if is_portal_user(actor) else qs


def _shown_attachment(actor: Any, attachment: Attachment) -> ShownAttachment:
    return ShownAttachment(
        id=attachment.pk,
        work_order_id=attachment.work_order_id,
        name=attachment.name,
        kind=attachment.kind,
        size=attachment.size,
        created_at=attachment.created_at,
        visible_to_customer=attachment.visible_to_customer,
        is_image=attachment.is_image,
        by_customer=bool(attachment.uploaded_by.customer_id),
        uploaded_by=None if is_portal_user(actor) else attachment.uploaded_by,
        file=attachment.file,
        thumbnail=attachment.thumbnail,
    )


def work_order_attachments(*, actor: Any, work_order_id: int) -> list[ShownAttachment]:
    """The work order's photos and documents ``actor`` may see, oldest first (404 outside the
    work order's scope). The portal and the API show exactly these."""
    return [_shown_attachment(actor, a) for a in _attachments_shown(actor, work_order_id).order_by("created_at", "id")]


def work_order_attachment(*, actor: Any, work_order_id: int, attachment_id: int) -> ShownAttachment:
    """One of ``work_order_attachments``; any other is "not found"."""
    attachment = _attachments_shown(actor, work_order_id).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    return _shown_attachment(actor, attachment)


def customer_work_orders(*, actor: Any, customer_id: int) -> QuerySet[WorkOrder]:
    return (
        work_order_scope(actor=actor)
        .filter(customer_id=customer_id)
        .select_related("assignee", "product_model")
        .order_by("-received_at", "-id")
    )


def installed_product_work_orders(*, actor: Any, installed_product_id: int) -> QuerySet[WorkOrder]:
    return (
        work_order_scope(actor=actor)
        .filter(installed_product_id=installed_product_id)
        .select_related("assignee")
        .order_by("-received_at", "-id")
    )


# --- intake: what the customer and the product already have open or had lately -------

RECENT_DAYS = 30  # "recent": received in the last 30 days
HISTORY_SHOWN = 5  # rows of each list; the open ones are counted beyond


@dataclass
class WorkOrderHistory:
    """The open work orders (newest first, the first few, and how many) and those done lately."""

    open: list[WorkOrder]
    open_count: int
    recent: list[WorkOrder]

    @property
    def newest_received_at(self) -> dt.datetime | None:
        times = [wo.received_at for wo in self.open[:1] + self.recent[:1]]
        return max(times) if times else None


def _history(qs: QuerySet[WorkOrder], *, now: dt.datetime) -> WorkOrderHistory:
    qs = qs.select_related("fault_category").order_by("-received_at", "-id")
    shown = list(qs.filter(status__in=sorted(OPEN_STATUSES))[: HISTORY_SHOWN + 1])
    count = len(shown) if len(shown) <= HISTORY_SHOWN else qs.filter(status__in=sorted(OPEN_STATUSES)).count()
    since = now - dt.timedelta(days=RECENT_DAYS)
    recent = list(qs.filter(status__in=sorted(DONE_STATUSES), received_at__gte=since)[:HISTORY_SHOWN])
    return WorkOrderHistory(open=shown[:HISTORY_SHOWN], open_count=count, recent=recent)


def intake_history(
    *, actor: Any, customer_id: int | None, installed_product_id: int | None, now: dt.datetime
) -> dict[str, WorkOrderHistory | None]:
    """The open and recent work orders of the customer and of the product chosen at intake,
    as far as the actor may see them (indexes (customer, received_at, id) and
    (installed_product, received_at, id)). None for what was not chosen."""
    scope = work_order_scope(actor=actor)
    return {
        "customer": _history(scope.filter(customer_id=customer_id), now=now) if customer_id else None,
        "product": _history(scope.filter(installed_product_id=installed_product_id), now=now)
        if installed_product_id
        else None,
    }


def customer_communications(*, actor: Any, customer_id: int) -> QuerySet[Communication]:
    from aftersales.customers.selectors import customer_get

    customer = customer_get(actor=actor, customer_id=customer_id)
    qs = customer.communications.select_related("recorded_by", "work_order")
    if is_portal_user(actor):
        # The communication log is internal (who recorded which call, what was said): the
        # portal shows none of it, so neither does the API.
        return qs.none()
    if not actor.has_perm("workorders.view_all_workorders"):
        qs = qs.filter(work_order__assignee=actor)
    return qs.order_by("-at", "-id")


def assignable_users(*, actor: Any) -> QuerySet[Any]:
    """Active staff who may handle work orders (certification checks come with dispatch, R-5.2)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(content_type__app_label="workorders", codename="handle_workorder")
    return (
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


OPEN_LOAD_CAP = 100


def open_loads(*, assignee_ids: list[int], excluding_id: int | None = None, cap: int = OPEN_LOAD_CAP) -> dict[int, int]:
    """Each assignee's open work orders (but ``excluding_id``), counted up to ``cap``: dispatch
    ranks by load against a capacity of a few a day, so past ``cap`` the exact number changes
    nothing, and one technician holding thousands (a bulk import, a departed colleague's queue)
    no longer costs a walk over all of them — each count stops at ``cap`` index entries of
    (assignee, status). One statement for all of them; assignees with none are left out."""
    if not assignee_ids:
        return {}
    qn = connection.ops.quote_name
    table, users = qn(WorkOrder._meta.db_table), qn(WorkOrder._meta.get_field("assignee").related_model._meta.db_table)
    statuses = sorted(OPEN_STATUSES)
    ids = sorted(set(assignee_ids))
    sql = (
        f"SELECT u.id, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} w WHERE w.assignee_id = u.id"  # noqa: S608 - table names
        f" AND w.status IN ({', '.join(['%s'] * len(statuses))}) AND w.id <> %s LIMIT %s) capped)"
        f" FROM {users} u WHERE u.id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*statuses, excluding_id or 0, cap, *ids])
        return {user_id: n for user_id, n in cursor.fetchall() if n}
