"""Staff pages of return-to-factory repair (R-6.5) and shipments (R-6.6): the repair-shop board,
the repairer's queue, a repair order with its timeline and next steps, the receiving and QA
inspection forms, the shipment form and the delivery confirmation.

Thin handlers: a form parses, one service or selector is called, the page renders. What may be
done is what ``services.available_actions`` lets through (the services' own rule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound
from aftersales.parts import selectors as parts_selectors
from aftersales.repairs import carriers, forms, parts_used, selectors, services, shipping
from aftersales.repairs.models import RepairOrder
from aftersales.repairs.states import BOARD_ORDER, OPEN_STATUSES, Action, Status
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, submit
from aftersales.workorders import selectors as work_order_selectors

VIEW = "repairs.view_repairorder"
BOARD_LIMIT = 200


def _user(request: HttpRequest) -> Any:
    return request.user


@require_GET
@staff_page(VIEW)
def board(request: HttpRequest) -> HttpResponse:
    """The repair shop by state: one column per open state (stacked on a phone)."""
    user = _user(request)
    rows = selectors.repair_order_list(actor=user, open_only=True, limit=BOARD_LIMIT)
    by_status: dict[str, list[RepairOrder]] = {status: [] for status in BOARD_ORDER if status in OPEN_STATUSES}
    for ro in rows:
        by_status[ro.status].append(ro)
    columns = [(Status(status).label, status, items) for status, items in by_status.items()]
    recent = selectors.repair_order_list(actor=user, status=[Status.CLOSED], limit=10)
    in_transit = selectors.shipment_list(actor=user, in_transit=True, limit=20)
    context = {"columns": columns, "recent": recent, "in_transit": in_transit, "total": len(rows)}
    return render(request, "repairs/board.html", context)


@require_GET
@staff_page("repairs.repair_repairorder")
def my_queue(request: HttpRequest) -> HttpResponse:
    """The repairer's queue: their open repair orders, the nearest deadline first."""
    user = _user(request)
    rows = selectors.repair_order_list(actor=user, repairer_id=user.pk, open_only=True)
    return render(request, "repairs/queue.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@staff_page("repairs.add_repairorder")
def create(request: HttpRequest) -> HttpResponse:
    """A repair order for a work order (the work order's page links here)."""
    user = _user(request)
    form = forms.CreateForm(request.POST or None, initial={"work_order_id": request.GET.get("work_order")})
    created = submit(form, lambda: services.repair_order_create(actor=user, **form.cleaned_data))
    if created is not None:
        messages.success(request, _("Repair order %(number)s created.") % {"number": created.number})
        return redirect("repairs:detail", pk=created.pk)
    wo_id = form["work_order_id"].value()
    try:
        wo = work_order_selectors.work_order_get(actor=user, work_order_id=int(wo_id or 0))
    except (NotFound, ValueError, TypeError, OverflowError):
        raise Http404 from None
    return render(request, "repairs/create.html", {"form": form, "wo": wo}, status=form_status(form))


# The next steps on the detail page: the form each action takes and the service it calls.
def _detail_forms(user: Any, ro: RepairOrder, bound: dict[str, django_forms.Form]) -> dict[str, Any]:
    allowed = set(services.available_actions(actor=user, ro=ro))
    shown: dict[str, Any] = {}
    if {Action.ASSIGN, Action.REASSIGN} & allowed:
        shown["assign"] = bound.get("assign") or forms.AssignForm(
            repairers=selectors.repairers(actor=user), prefix="assign"
        )
    if Action.DIAGNOSE in allowed:
        shown["diagnose"] = bound.get("diagnose") or forms.DiagnoseForm(prefix="diagnose")
    if services.USE_PART in allowed:
        shown["use_part"] = bound.get("use_part") or forms.UsePartForm(prefix="use_part")
    if Action.REPAIR_DONE in allowed:
        shown["repair_done"] = bound.get("repair_done") or forms.RepairDoneForm(prefix="repair_done")
    if Action.SHIP in allowed:
        shown["ship"] = bound.get("ship") or forms.ShipForm(prefix="ship")
    if services.AGREE in allowed:
        shown["agree"] = bound.get("agree") or forms.AgreementForm(prefix="agree")
    return {
        "action_forms": shown,
        "may_receive": Action.RECEIVE in allowed,
        "may_inspect": Action.INSPECT_PASS in allowed,
        "may_deliver": user.has_perm("repairs.confirm_shipment_delivery"),
    }


def _detail_context(user: Any, ro: RepairOrder, bound: dict[str, django_forms.Form] | None = None) -> dict[str, Any]:
    shipments = [
        s for s in selectors.shipment_list(actor=user, work_order_id=ro.work_order_id) if s.repair_order_id == ro.pk
    ]
    return {
        "ro": ro,
        "wo": ro.work_order,
        "timeline": selectors.repair_order_timeline(actor=user, repair_order=ro),
        "inspections": list(ro.inspections.select_related("inspector")),
        "agreements": list(ro.agreements.select_related("recorded_by")),
        "photos": list(ro.photos.all()),
        "parts_used": list(ro.parts_used.select_related("part", "warehouse", "used_by")),
        "part_suggestions": parts_selectors.compatible_parts(
            actor=user, product_model_id=ro.work_order.product_model_id
        ),
        "shipments": shipments,
        **_detail_forms(user, ro, bound or {}),
    }


@require_GET
@staff_page(VIEW)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ro = selectors.repair_order_get(actor=user, repair_order_id=pk)
    record(actor=user, action="view", obj=ro)
    return render(request, "repairs/detail.html", _detail_context(user, ro))


def _use_part(*, actor: Any, repair_order_id: int, part_code: str, quantity: int, note: str) -> Any:
    """The form types a part number; the service takes the part's id."""
    part = parts_selectors.part_by_code(actor=actor, code=part_code)
    if part is None:
        message = _("No part has this part number.")
        raise DomainError("validation_error", message, {"part_code": message}, status=422)
    return parts_used.repair_order_use_part(
        actor=actor, repair_order_id=repair_order_id, part_id=part.pk, quantity=quantity, note=note
    )


ACTIONS: dict[str, tuple[Callable[..., django_forms.Form], Callable[..., Any]]] = {
    "assign": (forms.AssignForm, services.repair_order_assign),
    "diagnose": (forms.DiagnoseForm, services.repair_order_diagnose),
    "repair_done": (forms.RepairDoneForm, services.repair_order_repair_done),
    "ship": (forms.ShipForm, shipping.repair_order_ship),
    "agree": (forms.AgreementForm, services.repair_order_agree),
    "use_part": (forms.UsePartForm, _use_part),
}
MESSAGES = {
    "assign": lambda: _("The repairer was named."),
    "diagnose": lambda: _("The diagnosis was recorded."),
    "repair_done": lambda: _("The repair waits for QA."),
    "ship": lambda: _("The return shipment was recorded."),
    "agree": lambda: _("The new date was recorded."),
    "use_part": lambda: _("The part was taken from the factory warehouse."),
}


@require_POST
@staff_page(VIEW)
def action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = _user(request)
    if name not in ACTIONS:
        raise Http404
    form_class, service = ACTIONS[name]
    extra = {"repairers": selectors.repairers(actor=user)} if name == "assign" else {}
    form = form_class(request.POST, prefix=name, **extra)

    def run() -> Any:
        values = dict(form.cleaned_data)
        if name == "ship":
            values["carrier"] = values.get("carrier") or ""
        if name == "assign" and values.get("repairer_id") in (None, ""):
            raise DomainError("validation_error", _("Choose the repairer."), {"repairer_id": _("Choose the repairer.")})
        return service(actor=user, repair_order_id=pk, **values)

    done = submit(form, run)
    if done is not None:
        messages.success(request, MESSAGES[name]())
        return redirect("repairs:detail", pk=pk)
    ro = selectors.repair_order_get(actor=user, repair_order_id=pk)
    context = {**_detail_context(user, ro, {name: form}), "open_action": name}
    return render(request, "repairs/detail.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@staff_page("repairs.manage_repairorder")
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving form: date, condition, the accessories checklist, photos."""
    user = _user(request)
    ro = selectors.repair_order_get(actor=user, repair_order_id=pk)
    form = forms.ReceiveForm(request.POST or None, request.FILES or None)
    done = submit(form, lambda: services.repair_order_receive(actor=user, repair_order_id=pk, **form.cleaned_data))
    if done is not None:
        messages.success(request, _("%(number)s was received.") % {"number": ro.number})
        return redirect("repairs:detail", pk=pk)
    refusal = services.action_refusal(actor=user, action=Action.RECEIVE, ro=ro)
    return render(
        request, "repairs/receive.html", {"ro": ro, "form": form, "refusal": refusal}, status=form_status(form)
    )


@require_http_methods(["GET", "POST"])
@staff_page("repairs.inspect_repairorder")
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    """The QA inspection form: pass, or fail with what is still wrong."""
    user = _user(request)
    ro = selectors.repair_order_get(actor=user, repair_order_id=pk)
    form = forms.InspectForm(request.POST or None)
    done = submit(form, lambda: services.repair_order_inspect(actor=user, repair_order_id=pk, **form.cleaned_data))
    if done is not None:
        if done.status == Status.PASSED:
            messages.success(request, _("QA passed: %(number)s can be shipped back.") % {"number": ro.number})
        else:
            messages.warning(request, _("QA failed: %(number)s is back in repair.") % {"number": ro.number})
        return redirect("repairs:detail", pk=pk)
    context = {
        "ro": ro,
        "form": form,
        "refusal": services.action_refusal(actor=user, action=Action.INSPECT_PASS, ro=ro),
        "inspections": list(ro.inspections.select_related("inspector")),
    }
    return render(request, "repairs/inspect.html", context, status=form_status(form))


@require_GET
@staff_page(VIEW)
def photo(request: HttpRequest, pk: int, attachment_id: int, size: str) -> Any:  # a FileResponse
    """A photo taken on arrival, for whoever sees the repair order (the repairer may not see the
    work order itself)."""
    from aftersales.workorders.attachments import attachment_response

    user = _user(request)
    try:
        shown = selectors.repair_order_photo(actor=user, repair_order_id=pk, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404 from exc
    if size != "thumbnail":
        record(actor=user, action="view", object_type="attachment", object_id=shown.id, object_repr=shown.name)
    return attachment_response(shown, thumbnail=size == "thumbnail")


# ---- shipments ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page("repairs.add_shipment")
def shipment_create(request: HttpRequest) -> HttpResponse:
    """Parts, a product or documents to a work order's customer."""
    user = _user(request)
    form = forms.ShipmentForm(request.POST or None, initial={"work_order_id": request.GET.get("work_order")})

    def run() -> Any:
        values = dict(form.cleaned_data)
        values["carrier"] = values.get("carrier") or ""
        return shipping.shipment_create(actor=user, **values)

    created = submit(form, run)
    if created is not None:
        messages.success(request, _("The shipment was recorded in the communication log."))
        return redirect("repairs:shipment", pk=created.pk)
    try:
        wo = work_order_selectors.work_order_get(actor=user, work_order_id=int(form["work_order_id"].value() or 0))
    except (NotFound, ValueError, TypeError, OverflowError):
        raise Http404 from None
    return render(request, "repairs/shipment_form.html", {"form": form, "wo": wo}, status=form_status(form))


def _shipment_context(user: Any, pk: int, form: django_forms.Form | None = None) -> dict[str, Any]:
    shipment = selectors.shipment_get(actor=user, shipment_id=pk)
    adapter = carriers.adapter(shipment.carrier)
    return {
        "shipment": shipment,
        "tracking": adapter.track(shipment.tracking_number),
        "form": form or forms.DeliverForm(),
        "may_deliver": user.has_perm("repairs.confirm_shipment_delivery") and not shipment.is_delivered,
    }


@require_GET
@staff_page("repairs.view_shipment")
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "repairs/shipment_detail.html", _shipment_context(_user(request), pk))


@require_POST
@staff_page("repairs.confirm_shipment_delivery")
def shipment_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    form = forms.DeliverForm(request.POST)
    done = submit(form, lambda: shipping.shipment_confirm_delivery(actor=user, shipment_id=pk, **form.cleaned_data))
    if done is not None:
        messages.success(request, _("The delivery was confirmed."))
        if done.repair_order_id:
            return redirect("repairs:detail", pk=done.repair_order_id)
        return redirect("repairs:shipment", pk=pk)
    return render(request, "repairs/shipment_detail.html", _shipment_context(user, pk, form), status=form_status(form))
