"""Staff pages for work orders: intake (agents), list, detail with the lifecycle actions.

Thin handlers: parse the request with a form, call one service or selector, render. Rules,
permissions on writes and scope live in services/selectors; a page only decides what to show.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget
from django_htmx.middleware import HtmxDetails

from aftersales.accounts import selectors as account_selectors
from aftersales.audit.services import record, record_views
from aftersales.catalog import selectors as catalog_selectors
from aftersales.catalog.models import FaultCategory
from aftersales.core import errors
from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.customers import selectors as customer_selectors
from aftersales.customers import services as customer_services
from aftersales.customers.errors import DuplicateCustomer
from aftersales.sla import selectors as sla_selectors
from aftersales.sla import services as sla_services
from aftersales.web.access import staff_page
from aftersales.web.forms import show_domain_error
from aftersales.workorders import intake_views, selectors, services
from aftersales.workorders.forms import (
    NOBODY,
    AssignForm,
    CancelForm,
    CloseForm,
    CommunicationForm,
    ConfirmForm,
    EmptyForm,
    ExtendForm,
    IntakeForm,
    ListFilterForm,
    NewCustomerForm,
    NoteForm,
    PriorityForm,
    ProductChangeForm,
    ProgressNoteForm,
    ReasonForm,
    ResolveForm,
    StartForm,
    likely_mode,
    local_now_input,
)
from aftersales.workorders.models import Communication, WorkOrder
from aftersales.workorders.states import Action, Status

if TYPE_CHECKING:
    from aftersales.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """A request seen through django-htmx's middleware (typing only)."""

    htmx: HtmxDetails


PAGE_SIZE = 25
SEARCH_LIMIT = 10
_ONE_DAY = dt.timedelta(days=1)
# An htmx event: the intake's customer, product or proposed priority changed, so the promise
# sentence (sla:preview_sentence, R-2.5) asks again.
# Sent after the swap has settled (HX-Trigger-After-Settle), so the promise's request reads the
# values just swapped into the form, not the old ones.
INTAKE_CHANGED = "intake-changed"
# Correcting the product: an action of the detail page, offered from the customer's
# other products (at most this many).
PRODUCT = "product"
OTHER_PRODUCTS_LIMIT = 50


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- list -----------------------------------------------------------------------------------


@require_GET
@staff_page("workorders.view_workorder")
def work_order_list(request: HtmxHttpRequest) -> HttpResponse:
    user = _user(request)
    params = _list_params(request, user)
    form = ListFilterForm(
        params,
        users=selectors.assignable_users(actor=user),
        product_lines=catalog_selectors.product_line_list(),
        teams=account_selectors.team_list(),
    )
    v = form.values()
    filters = selectors.WorkOrderFilters(
        status=v["status"] or [],
        priority=[v["priority"]] if v["priority"] else [],
        service_type=[v["service_type"]] if v["service_type"] else [],
        colour=[v["colour"]] if v["colour"] else [],
        owner_id=v["owner"],
        assignee_id=None if v["assignee"] == NOBODY else v["assignee"],
        unassigned=v["assignee"] == NOBODY,
        team_id=None if v["team"] == NOBODY else v["team"],
        no_team=v["team"] == NOBODY,
        customer_id=v["customer"],
        product_line_id=v["product_line"],
        received_from=form.day_start(v["received_from"]),
        received_to=form.day_start(v["received_to"] and v["received_to"] + _ONE_DAY),
        due_before=v["due_before"],
        target_kind=v["target_kind"] or "",
        target_outcome=v["target_outcome"] or "",
        target_month=v["target_month"],
        open={ListFilterForm.OPEN: True, ListFilterForm.DONE: False}.get(v["view"]),
        q=v["q"] or "",
    )
    sort = v["sort"] or "-received_at"
    page = form.page(
        lambda cursor: selectors.work_order_list(
            actor=user, filters=filters, sort=sort, cursor=cursor, page_size=PAGE_SIZE
        )
    )
    cursor = None if form.cursor_reset else params.get("cursor")
    # The page's open SLA targets in one query; each row shows its most urgent one.
    sla_rows = sla_selectors.work_order_targets_many(actor=user, work_orders=page.items)
    if filters.q:  # search results are views of the records found
        record_views(actor=user, objs=page.items, search=filters.q)
    for wo in page.items:
        wo.sla_row = sla_rows.get(wo.pk, [])  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "pager": _pager(params, page),
        "first_page_url": _query(params, cursor=None) if cursor else "",
        "tabs": _list_tabs(user, v),
        "customer": _customer_or_none(user, filters.customer_id),
        "sort": sort,
        "sort_hint": form.sort_hint(),
    }
    template = "workorders/list.html"
    if request.htmx and not request.htmx.boosted and request.htmx.target == "wo-results":
        template += "#results"
    return render(request, template, context)


def _list_params(request: HttpRequest, user: User) -> QueryDict:
    """The list's query string, or for the bare list (nothing but a page link) what the user's
    role sees first. Who handles jobs without taking requests (a technician, an expert) sees their
    own open jobs, what is due next first; who takes requests (an agent, a dispatcher, a
    supervisor) the open ones, newest first; everyone else all. Any link with a filter (a tab, a
    compliance figure, a customer's work orders) shows exactly what it asks for."""
    if set(request.GET) - {"cursor"}:
        return request.GET
    params = request.GET.copy()
    if user.has_perm("workorders.handle_workorder") and not user.has_perm("workorders.add_workorder"):
        params.update(_mine(user))
    elif user.has_perm("workorders.add_workorder"):
        params["view"] = ListFilterForm.OPEN
    return params


def _mine(user: User) -> dict[str, str]:
    """The list's filters for "my open jobs": a technician sees only their own (scope), anyone
    who sees all work orders names themselves as the assignee."""
    mine = {"view": ListFilterForm.OPEN, "sort": "due"}
    if user.has_perm("workorders.view_all_workorders"):
        mine["assignee"] = str(user.pk)
    return mine


def _list_tabs(user: User, v: dict[str, Any]) -> list[dict[str, Any]]:
    """The tabs above the list, each a link with its filters: my open jobs (for those who handle
    them), everyone's open ones (for those who see them), resolved or later, all."""
    url = reverse("workorders:list")
    sees_all = user.has_perm("workorders.view_all_workorders")
    is_open = v["view"] == ListFilterForm.OPEN
    mine = is_open and (v["assignee"] == user.pk or not sees_all)
    tabs = []
    if user.has_perm("workorders.handle_workorder"):
        tabs.append({"label": _("My open jobs"), "url": f"{url}?{urlencode(_mine(user))}", "active": mine})
    if sees_all:
        tabs.append({"label": _("Open"), "url": f"{url}?view={ListFilterForm.OPEN}", "active": is_open and not mine})
    done = v["view"] == ListFilterForm.DONE
    tabs.append({"label": _("Resolved"), "url": f"{url}?view={ListFilterForm.DONE}", "active": done})
    tabs.append({"label": _("All"), "url": f"{url}?view={ListFilterForm.ALL}", "active": not (is_open or done)})
    return tabs


def _query(params: QueryDict, **changes: Any) -> str:
    params = params.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    encoded = params.urlencode()
    return f"{reverse('workorders:list')}?{encoded}" if encoded else reverse("workorders:list")


def _pager(params: QueryDict, page: Any) -> dict[str, Any]:
    return {
        "has_next": page.has_next,
        "next_url": _query(params, cursor=page.next_cursor) if page.has_next else "",
        "has_previous": False,
        "count_text": page.count_text,
    }


def _customer_or_none(user: Any, customer_id: int | None) -> Any:
    if customer_id is None:
        return None
    try:
        return customer_selectors.customer_get(actor=user, customer_id=customer_id)
    except errors.NotFound:
        return None


# --- detail ---------------------------------------------------------------------------------


@require_GET
@staff_page("workorders.view_workorder")
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    wo = selectors.work_order_get(actor=user, work_order_id=pk)
    record(actor=user, action="view", obj=wo)
    return render(request, "workorders/detail.html", _detail_context(user, wo))


@require_GET
@staff_page("workorders.view_workorder")
def work_order_by_number(request: HttpRequest, number: str) -> HttpResponse:
    wo = selectors.work_order_get_by_number(actor=_user(request), number=number.upper())
    return redirect("workorders:detail", pk=wo.pk)


@dataclass(frozen=True)
class ActionSpec:
    label: Any
    form: type[django_forms.Form]
    run: Callable[[Any, int, dict[str, Any]], Any]
    done: Any
    button: str = "btn-primary"
    icon: str = "check2"


ACTIONS: dict[str, ActionSpec] = {
    Action.ACKNOWLEDGE: ActionSpec(
        Action.ACKNOWLEDGE.label,
        NoteForm,
        lambda u, pk, d: services.work_order_acknowledge(actor=u, work_order_id=pk, **d),
        gettext_lazy("The work order was acknowledged."),
        icon="hand-thumbs-up",
    ),
    Action.ASSIGN: ActionSpec(
        Action.ASSIGN.label,
        AssignForm,
        lambda u, pk, d: services.work_order_assign(actor=u, work_order_id=pk, **d),
        gettext_lazy("The work order was assigned."),
        icon="person-check",
    ),
    Action.START: ActionSpec(
        Action.START.label,
        StartForm,
        lambda u, pk, d: services.work_order_start(actor=u, work_order_id=pk, **d),
        gettext_lazy("Handling has started."),
        icon="play-fill",
    ),
    Action.WAIT_CUSTOMER: ActionSpec(
        Action.WAIT_CUSTOMER.label,
        ReasonForm,
        lambda u, pk, d: services.work_order_wait(actor=u, work_order_id=pk, on="customer", **d),
        gettext_lazy("The work order now waits on the customer."),
        button="btn-outline-secondary",
        icon="pause-fill",
    ),
    Action.WAIT_PARTS: ActionSpec(
        Action.WAIT_PARTS.label,
        ReasonForm,
        lambda u, pk, d: services.work_order_wait(actor=u, work_order_id=pk, on="parts", **d),
        gettext_lazy("The work order now waits on parts."),
        button="btn-outline-secondary",
        icon="box-seam",
    ),
    Action.RESUME: ActionSpec(
        Action.RESUME.label,
        NoteForm,
        lambda u, pk, d: services.work_order_resume(actor=u, work_order_id=pk, **d),
        gettext_lazy("Handling was resumed."),
        icon="play-fill",
    ),
    Action.RESOLVE: ActionSpec(
        Action.RESOLVE.label,
        ResolveForm,
        lambda u, pk, d: services.work_order_resolve(actor=u, work_order_id=pk, **d),
        gettext_lazy("The work order was resolved."),
        button="btn-success",
        icon="check2-circle",
    ),
    Action.CONFIRM: ActionSpec(
        Action.CONFIRM.label,
        ConfirmForm,
        lambda u, pk, d: services.work_order_confirm(actor=u, work_order_id=pk, **d),
        gettext_lazy("The customer's confirmation was recorded."),
        button="btn-success",
        icon="hand-thumbs-up",
    ),
    Action.CLOSE: ActionSpec(
        Action.CLOSE.label,
        CloseForm,
        lambda u, pk, d: services.work_order_close(actor=u, work_order_id=pk, **d),
        gettext_lazy("The work order was closed."),
        button="btn-dark",
        icon="lock",
    ),
    Action.REOPEN: ActionSpec(
        Action.REOPEN.label,
        ReasonForm,
        lambda u, pk, d: services.work_order_reopen(actor=u, work_order_id=pk, **d),
        gettext_lazy("The work order was reopened."),
        button="btn-warning",
        icon="arrow-counterclockwise",
    ),
    Action.ARCHIVE: ActionSpec(
        Action.ARCHIVE.label,
        EmptyForm,
        lambda u, pk, d: services.work_order_archive(actor=u, work_order_id=pk),
        gettext_lazy("The work order was archived; it is read-only from now on."),
        button="btn-outline-dark",
        icon="archive",
    ),
    Action.CANCEL: ActionSpec(
        Action.CANCEL.label,
        CancelForm,
        lambda u, pk, d: services.work_order_cancel(actor=u, work_order_id=pk, **d),
        gettext_lazy("The work order was cancelled; its reserved parts went back to stock."),
        button="btn-outline-danger",
        icon="x-circle",
    ),
    # Not lifecycle moves, but posted and shown the same way.
    "note": ActionSpec(
        gettext_lazy("Add progress note"),
        ProgressNoteForm,
        lambda u, pk, d: services.work_order_add_note(actor=u, work_order_id=pk, **d),
        gettext_lazy("The note was added to the timeline."),
        button="btn-outline-primary",
        icon="journal-plus",
    ),
    "communication": ActionSpec(
        gettext_lazy("Record communication"),
        CommunicationForm,
        lambda u, pk, d: services.communication_record(actor=u, work_order_id=pk, **d),
        gettext_lazy("The communication was recorded."),
        button="btn-outline-primary",
        icon="telephone",
    ),
    # SLA: re-prioritise (targets recomputed), extend an open target.
    "priority": ActionSpec(
        gettext_lazy("Change priority"),
        PriorityForm,
        lambda u, pk, d: services.work_order_set_priority(actor=u, work_order_id=pk, **d),
        gettext_lazy("The priority was changed; the SLA targets were computed again."),
        button="btn-outline-warning",
        icon="flag",
    ),
    # the product taken at intake was the wrong one; the batch-fault count moves with it.
    PRODUCT: ActionSpec(
        gettext_lazy("Correct the product"),
        ProductChangeForm,
        lambda u, pk, d: services.work_order_product_change(
            actor=u, work_order_id=pk, installed_product_id=d["installed_product"], reason=d["reason"]
        ),
        gettext_lazy("The product was corrected; the batch-fault count moved with it."),
        button="btn-outline-secondary",
        icon="arrow-left-right",
    ),
    "extend": ActionSpec(
        gettext_lazy("Extend an SLA target"),
        ExtendForm,
        lambda u, pk, d: sla_services.target_extend(actor=u, **d),
        gettext_lazy("The new promised time was recorded; the original due time is kept."),
        button="btn-outline-primary",
        icon="calendar-plus",
    ),
}


def _form_for(
    name: str, user: Any, data: Any = None, *, targets: list[Any] | None = None, wo: WorkOrder | None = None
) -> django_forms.Form:
    spec = ACTIONS[name]
    # Several action forms share field names ("note", "reason"): give each its own element ids
    # so every label points at its own field; the posted names stay the same.
    auto_id = f"id_{name}_%s"
    if spec.form is AssignForm:
        return AssignForm(data, users=selectors.assignable_users(actor=user), auto_id=auto_id)
    if spec.form is CommunicationForm and data is None:
        # On a work order the agent mostly records a call they made: outgoing by default (the
        # customer's own call about it is taken at intake, as an incoming one).
        out = Communication.Direction.OUTBOUND
        return CommunicationForm(initial={"at": local_now_input(), "direction": out}, auto_id=auto_id)
    if spec.form is StartForm and data is None and wo is not None:
        return StartForm(initial={"mode": likely_mode(wo)}, auto_id=auto_id)
    if spec.form is ProductChangeForm:  # the customer's other products
        return ProductChangeForm(data, products=_other_products(user, wo), auto_id=auto_id)
    if spec.form is ExtendForm:  # only this work order's open targets can be chosen
        return ExtendForm(data, targets=[t for t in targets or [] if t.target.is_open], auto_id=auto_id)
    return spec.form(data, auto_id=auto_id)


def _other_products(user: Any, wo: WorkOrder | None) -> list[tuple[int, str]]:
    """The work order's customer's other installed products the user may see (label: model code,
    serial, batch), for correcting the product."""
    if wo is None:
        return []
    cached = getattr(wo, "_other_products", None)  # asked by _offered, then by the form: one query
    if cached is None:
        products = (
            customer_selectors.installed_product_scope(actor=user)
            .filter(customer_id=wo.customer_id)
            .exclude(pk=wo.installed_product_id or 0)
            .order_by("product_model__code", "serial_number", "pk")[:OTHER_PRODUCTS_LIMIT]
        )
        cached = [
            (p.pk, " · ".join(str(x) for x in (p.product_model.code, p.serial_number, p.batch) if x)) for p in products
        ]
        wo._other_products = cached  # type: ignore[attr-defined]
    return cast("list[tuple[int, str]]", cached)


def _offered(user: Any, wo: WorkOrder, sla_targets: list[Any]) -> list[str]:
    """The lifecycle actions the service allows now, then note and communication forms and
    re-prioritising (each exactly when its service would accept it), then extending an SLA
    target (open work orders, users who may do it)."""
    names = [str(a) for a in services.available_actions(actor=user, wo=wo)]
    names += [
        name
        for name in (services.NOTE, services.COMMUNICATION, services.PRIORITY)
        if services.action_refusal(actor=user, action=name, wo=wo) is None
    ]
    if wo.is_open and user.has_perm("workorders.handle_workorder") and any(t.target.is_open for t in sla_targets):
        names.append("extend")
    if services.product_change_refusal(actor=user, wo=wo) is None and _other_products(user, wo):
        names.append(PRODUCT)
    return names


# The next step of the lifecycle from each status, shown first and open (on a phone at the
# top of the page) when the service allows it now. Start, resume and resolve are the next step of
# the handler's own job only: a supervisor may take them, but they are not the supervisor's.
NEXT_STEP = {
    Status.NEW: Action.ACKNOWLEDGE,
    Status.ACKNOWLEDGED: Action.ASSIGN,
    Status.ASSIGNED: Action.START,
    Status.IN_PROGRESS: Action.RESOLVE,
    Status.WAITING_CUSTOMER: Action.RESUME,
    Status.WAITING_PARTS: Action.RESUME,
    Status.RESOLVED: Action.CONFIRM,
    Status.CONFIRMED: Action.CLOSE,
}


def _next_step(user: Any, wo: WorkOrder, offered: list[str]) -> str | None:
    step = NEXT_STEP.get(Status(wo.status))
    if step not in offered or (step in services.HANDLER_ONLY and wo.assignee_id != user.pk):
        return None
    return step


def _detail_context(user: Any, wo: WorkOrder, bound: tuple[str, django_forms.Form] | None = None) -> dict[str, Any]:
    timeline = list(selectors.work_order_timeline(actor=user, work_order_id=wo.pk))
    sla_targets = sla_selectors.work_order_targets(actor=user, work_order=wo)
    offered = _offered(user, wo, sla_targets)
    step = _next_step(user, wo, offered)
    action_forms = []
    for name in sorted(offered, key=lambda name: name != step):  # the next step first
        form = bound[1] if bound and bound[0] == name else _form_for(name, user, targets=sla_targets, wo=wo)
        action_forms.append(
            {"name": name, "spec": ACTIONS[name], "form": form, "open": bool(bound and bound[0] == name)}
        )
    next_action = action_forms[0] if step else None
    more_actions = action_forms[1:] if step else action_forms
    product = wo.installed_product
    return {
        "wo": wo,
        "customer": wo.customer,
        "product": product,
        "warranty": product.warranty_status() if product else "",
        "timeline": timeline,
        "sla_targets": sla_targets,
        "action_forms": action_forms,
        "next_action": next_action,
        "more_actions": more_actions,
        "more_open": any(item["open"] for item in more_actions),
    }


@require_POST
@staff_page("workorders.view_workorder")
def work_order_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    user = _user(request)
    wo = selectors.work_order_get(actor=user, work_order_id=pk)
    spec = ACTIONS[action]
    targets = sla_selectors.work_order_targets(actor=user, work_order=wo) if spec.form is ExtendForm else None
    form = _form_for(action, user, request.POST, targets=targets, wo=wo)
    if form.is_valid():
        try:
            spec.run(user, wo.pk, form.cleaned_data)
        except ValidationFailed as exc:
            show_domain_error(form, exc)
        except (errors.NotFound, errors.PermissionDenied):
            raise
        except DomainError as exc:  # e.g. the status moved on meanwhile (409), read-only
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, str(spec.done))
            if not request.htmx:
                return redirect("workorders:detail", pk=wo.pk)
            return _detail_region(request, user, wo.pk)
    return _detail_region(request, user, wo.pk, bound=(action, form))


def _detail_region(
    request: HtmxHttpRequest, user: Any, pk: int, bound: tuple[str, django_forms.Form] | None = None
) -> HttpResponse:
    """The detail page after an action: with htmx only its region (#wo-detail), which replaces
    the one on the page where the user is (no reload, the scroll position stays) with the
    messages beside it; without, the whole page. A refused form (422) comes back open with its
    errors, and the work order as it is now: when the refusal is that its status moved on
    meanwhile, the action may be offered no more, and the message says why."""
    wo = selectors.work_order_get(actor=user, work_order_id=pk)
    context = _detail_context(user, wo, bound=bound)
    if bound and not any(item["name"] == bound[0] for item in context["action_forms"]):
        for error in bound[1].non_field_errors():
            messages.error(request, str(error))
    status = 422 if bound else 200
    if request.htmx:
        return render(request, "workorders/detail.html#detail", {**context, "oob_messages": True}, status=status)
    return render(request, "workorders/detail.html", context, status=status)


# --- intake ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page("workorders.add_workorder")
def intake(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    data = request.POST if request.method == "POST" else request.GET
    picked = _picked(user, _int(data.get("customer_id")), _int(data.get("installed_product_id")))
    # the chosen product's line only, else every category labelled with its line
    faults = intake_views.fault_categories_for(picked["picked_product"])
    with_line = picked["picked_product"] is None
    status = 200
    if request.method == "POST":
        form = IntakeForm(request.POST, fault_categories=faults, with_line=with_line)
        add_to = _int(request.POST.get("add_to"))
        if form.is_valid():
            try:
                if add_to is not None:  # on an open work order instead of a duplicate
                    comm = services.work_order_add_request(
                        actor=user, work_order_id=add_to, **form.add_request_kwargs()
                    )
                    number = comm.work_order.number if comm.work_order else ""
                    messages.success(request, _("The request was added to work order %(number)s.") % {"number": number})
                    return redirect("workorders:detail", pk=add_to)
                wo = services.work_order_create(
                    actor=user, **form.service_kwargs(), idempotency_key=request.POST.get("idempotency_key") or None
                )
            except errors.PermissionDenied:
                raise
            except DomainError as exc:  # bad input, or an id outside the user's scope (404)
                show_domain_error(form, exc)
            else:
                messages.success(request, _("Work order %(number)s was created.") % {"number": wo.number})
                return redirect("workorders:detail", pk=wo.pk)
        status = 422
    else:
        form = IntakeForm(initial={"received_at": local_now_input()}, fault_categories=faults, with_line=with_line)
    context = {
        "form": form,
        "new_customer_form": NewCustomerForm(prefix="nc"),
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        **picked,
        "guided": _guided(_int(data.get("fault_category_id")), faults),
    }
    return render(request, "workorders/intake.html", context, status=status)


def _picked(user: Any, customer_id: int | None, product_id: int | None) -> dict[str, Any]:
    """The chosen customer and product (scoped); choosing a product also chooses its customer."""
    product = None
    if product_id is not None:
        try:
            product = customer_selectors.installed_product_get(actor=user, installed_product_id=product_id)
        except errors.NotFound:
            product = None
    if product is not None and customer_id is not None and product.customer_id != customer_id:
        product = None
    customer = product.customer if product is not None else _customer_or_none(user, customer_id)
    products = []
    if customer is not None:
        products = list(
            customer_selectors.installed_product_scope(actor=user).filter(customer_id=customer.pk)[:SEARCH_LIMIT]
        )
    return {"picked_customer": customer, "picked_product": product, "customer_products": products}


def _guided(fault_id: int | None, faults: list[FaultCategory]) -> FaultCategory | None:
    return next((fc for fc in faults if fc.pk == fault_id), None)


@require_GET
@staff_page("workorders.add_workorder")
def intake_customer_search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("customer_q") or "").replace("\x00", "").strip()  # NUL: PostgreSQL's text refuses it
    results = list(customer_selectors.customer_list(actor=_user(request), q=q)[:SEARCH_LIMIT]) if q else []
    record_views(actor=request.user, objs=results, search=q)
    return render(request, "workorders/intake.html#customer_results", {"results": results, "q": q})


@require_GET
@staff_page("workorders.add_workorder")
def intake_product_search(request: HttpRequest) -> HttpResponse:
    serial = (request.GET.get("serial") or "").replace("\x00", "").strip()
    results = list(customer_selectors.installed_product_by_serial(actor=_user(request), serial=serial))
    record_views(actor=request.user, objs=results, search=serial)
    return render(request, "workorders/intake.html#product_results", {"results": results, "serial": serial})


@require_GET
@staff_page("workorders.add_workorder")
def intake_pick(request: HttpRequest) -> HttpResponse:
    customer_id = _int(request.GET.get("customer_id"))
    product_id = _int(request.GET.get("installed_product_id"))
    context = _picked(_user(request), None if product_id else customer_id, product_id)
    picked = [context["picked_customer"]] if context["picked_customer"] else []
    record_views(actor=request.user, objs=picked + context["customer_products"])
    response = render(request, "workorders/intake.html#picked", context)
    response["HX-Trigger-After-Settle"] = INTAKE_CHANGED  # the promise reads the new customer/product
    return response


@require_POST
@staff_page("customers.add_customer")
def intake_customer_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = NewCustomerForm(request.POST, prefix="nc")
    duplicates: list[dict[str, Any]] = []
    if form.is_valid():
        try:
            customer = customer_services.customer_create(actor=user, **form.cleaned_data)
        except DuplicateCustomer as exc:  # offer the existing ones, or "create anyway"
            show_domain_error(form, exc)
            duplicates = exc.matches
        except ValidationFailed as exc:
            show_domain_error(form, exc)
        else:
            response = render(request, "workorders/intake.html#picked", _picked(user, customer.pk, None))
            response["HX-Trigger-After-Settle"] = INTAKE_CHANGED
            return retarget(response, "#picked")
    context = {"new_customer_form": form, "duplicates": duplicates}
    return render(request, "workorders/intake.html#new_customer", context, status=422)


@require_GET
@staff_page("workorders.add_workorder")
def intake_guided(request: HttpRequest) -> HttpResponse:
    """R-2.3 guided questions and R-3.3 proposed priority for the chosen fault category."""
    fault_id = _int(request.GET.get("fault_category_id"))
    fault = catalog_selectors.fault_category_list().filter(pk=fault_id).first() if fault_id else None
    proposed = (
        services.propose_priority(fault_category=fault, service_type=request.GET.get("service_type", ""))
        if fault
        else ""
    )
    form = IntakeForm(initial={"priority": proposed})
    response = render(
        request, "workorders/intake.html#guided", {"guided": fault, "proposed": proposed, "form": form, "oob": True}
    )
    # The proposed priority changes the promise: ask for it once the new value is in the form.
    response["HX-Trigger-After-Settle"] = INTAKE_CHANGED
    return response
