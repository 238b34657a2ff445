"""The parts pages (R-7): catalogue, warehouses and their stock, stock moves, parts under
their minimum, and the parts panel of a work order. Thin: each calls one selector or service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core import errors
from aftersales.parts import selectors, services
from aftersales.parts.forms import (
    BelowMinimumFilterForm,
    ChargeForm,
    MinimumForm,
    PartFilterForm,
    ReserveForm,
    StockFilterForm,
    StockMoveForm,
)
from aftersales.parts.models import StockMove
from aftersales.parts.services.stock import stock_move_create
from aftersales.web.access import staff_page
from aftersales.web.forms import show_domain_error

PAGE_SIZE = 50
VIEW = "parts.view_part"


@require_GET
@staff_page(VIEW)
def part_list(request: HttpRequest) -> HttpResponse:
    form = PartFilterForm(request.GET)
    values = form.values()
    page = form.page(
        lambda cursor: selectors.part_list(
            actor=request.user, q=values["q"], certified=values["certified"], cursor=cursor, page_size=PAGE_SIZE
        )
    )
    return render(request, "parts/part_list.html", {"form": form, "page": page})


def _part_page(
    request: HttpRequest, part_id: int, minimum_form: MinimumForm | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    part = selectors.part_get(actor=user, part_id=part_id)
    warehouses = selectors.warehouse_list(actor=user)
    context = {
        "part": part,
        "stock": selectors.part_stock(actor=user, part_id=part.pk),
        "moves": selectors.stock_moves(actor=user, part_id=part.pk, page_size=20).items,
        "models": list(part.compatible_models.order_by("code")),
        "may_move": user.has_perm(selectors.PERM_MOVE),
        "minimum_form": minimum_form or MinimumForm(warehouses=warehouses),
    }
    return render(request, "parts/part_detail.html", context, status=status)


@require_GET
@staff_page(VIEW)
def part_detail(request: HttpRequest, part_id: int) -> HttpResponse:
    return _part_page(request, part_id)


@require_POST
@staff_page(selectors.PERM_MOVE)
def part_minimum(request: HttpRequest, part_id: int) -> HttpResponse:
    form = MinimumForm(request.POST, warehouses=selectors.warehouse_list(actor=request.user))
    if form.is_valid():
        try:
            services.stock_minimum_set(
                actor=request.user,
                part_id=part_id,
                warehouse_id=form.cleaned_data["warehouse"] or 0,
                minimum=form.cleaned_data["minimum"] if form.cleaned_data["minimum"] is not None else -1,
            )
            return redirect("parts:detail", part_id=part_id)
        except errors.NotFound:
            form.add_error("warehouse", _("Choose a warehouse."))
        except errors.DomainError as error:
            show_domain_error(form, error)
    return _part_page(request, part_id, minimum_form=form, status=422)


@require_GET
@staff_page(VIEW)
def warehouse_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "parts/warehouse_list.html",
        {"warehouses": selectors.warehouse_list(actor=user), "own_van": selectors.own_van(actor=user)},
    )


@require_GET
@staff_page(VIEW)
def warehouse_detail(request: HttpRequest, warehouse_id: int) -> HttpResponse:
    form = StockFilterForm(request.GET)
    values = form.values()
    loaded: dict[str, Any] = {}

    def load(cursor: str | None) -> Any:
        wh, page = selectors.warehouse_stock(
            actor=request.user, warehouse_id=warehouse_id, q=values["q"], cursor=cursor, page_size=PAGE_SIZE
        )
        loaded["warehouse"] = wh
        return page

    page = form.page(load)
    return render(
        request, "parts/warehouse_detail.html", {"form": form, "page": page, "warehouse": loaded["warehouse"]}
    )


@require_GET
@staff_page(VIEW)
def my_van(request: HttpRequest) -> HttpResponse:
    van = selectors.own_van(actor=request.user)
    if van is None:
        raise Http404
    return redirect("parts:warehouse", warehouse_id=van.pk)


@require_http_methods(["GET", "POST"])
@staff_page(selectors.PERM_MOVE)
def move_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    warehouses = selectors.warehouse_list(actor=user)
    if request.method == "POST":
        form = StockMoveForm(request.POST, warehouses=warehouses)
        if form.is_valid():
            move = _submit_move(user, form)
            if move is not None:
                return redirect("parts:detail", part_id=move.part_id)
        return render(request, "parts/move_form.html", {"form": form}, status=422)
    initial = {"part_code": request.GET.get("part", "")[:64]}
    form = StockMoveForm(initial=initial, warehouses=warehouses)
    return render(request, "parts/move_form.html", {"form": form})


def _submit_move(user: Any, form: StockMoveForm) -> StockMove | None:
    data = form.cleaned_data
    part = selectors.part_by_code(actor=user, code=data["part_code"])
    if part is None:
        form.add_error("part_code", _("No part has this part number."))
        return None
    try:
        return stock_move_create(
            actor=user,
            kind=data["kind"],
            part_id=part.pk,
            warehouse_id=data["warehouse"] or 0,
            to_warehouse_id=data["to_warehouse"],
            quantity=data["quantity"] if data["quantity"] is not None else 0,
            reason=data["reason"],
        )
    except errors.NotFound:
        form.add_error("warehouse", _("Choose a warehouse."))
    except errors.DomainError as error:
        show_domain_error(form, error)
    return None


@require_GET
@staff_page(VIEW)
def below_minimum(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    warehouses = selectors.warehouse_list(actor=user)
    form = BelowMinimumFilterForm(request.GET, warehouses=warehouses)
    values = form.values()
    page = form.page(
        lambda cursor: selectors.below_minimum(
            actor=user, warehouse_id=values["warehouse"], cursor=cursor, page_size=PAGE_SIZE
        )
    )
    return render(request, "parts/below_minimum.html", {"form": form, "page": page})


# ---- the parts panel of a work order (R-7.2, R-3.7) --------------------------------------------


def panel_context(request: HttpRequest, wo: Any, **forms: Any) -> dict[str, Any]:
    """What ``parts/_wo_panel.html`` shows of work order ``wo`` to the request's user."""
    user: Any = request.user
    staff = not getattr(user, "customer_id", None)
    lines = selectors.work_order_parts(actor=user, work_order_id=wo.pk)
    may_reserve = staff and user.has_perm(selectors.PERM_RESERVE) and wo.is_open
    warehouses = selectors.warehouse_list(actor=user) if may_reserve else []
    van = selectors.own_van(actor=user) if may_reserve else None
    reserve_form = forms.get("reserve_form") or ReserveForm(
        warehouses=warehouses, initial={"warehouse": van.pk if van else "", "quantity": 1}
    )
    return {
        "wo": wo,
        "lines": lines,
        "total": selectors.part_line_totals(lines),
        "staff": staff,
        "may_reserve": may_reserve,
        "may_override": staff and user.has_perm(selectors.PERM_OVERRIDE),
        "reserve_form": reserve_form,
        "charge_form": forms.get("charge_form"),
        "charge_line": forms.get("charge_line"),
        "release_error": forms.get("release_error"),
        "suggestions": selectors.compatible_parts(actor=user, product_model_id=wo.product_model_id)
        if may_reserve
        else [],
        "panel_url": reverse("parts:wo_panel", args=[wo.pk]),
        "request": request,
    }


def _work_order(request: HttpRequest, work_order_id: int) -> Any:
    from aftersales.workorders.selectors import work_order_get

    return work_order_get(actor=request.user, work_order_id=work_order_id)


def _panel(request: HttpRequest, work_order_id: int, status: int = 200, **forms: Any) -> HttpResponse:
    wo = _work_order(request, work_order_id)
    context = panel_context(request, wo, **forms)
    if request.headers.get("HX-Request"):
        return render(request, "parts/_wo_panel.html", context, status=status)
    if status == 200 and request.method == "POST":
        return HttpResponseRedirect(reverse("workorders:detail", args=[wo.pk]) + "#wo-parts")
    return render(request, "parts/work_order_parts.html", context, status=status)


PanelView = Callable[..., HttpResponse]


def _panel_view(perm: str) -> Callable[[PanelView], PanelView]:
    """Staff with ``perm``; a service's "not found" is the 404 page, a refusal the 403 page."""

    def decorate(view: PanelView) -> PanelView:
        @login_required
        def wrapped(request: HttpRequest, work_order_id: int, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if getattr(user, "customer_id", None) or not user.has_perm(perm):
                raise PermissionDenied
            try:
                return view(request, work_order_id, **kwargs)
            except errors.NotFound as exc:
                raise Http404 from exc
            except errors.PermissionDenied as exc:
                raise PermissionDenied from exc

        return wrapped

    return decorate


@require_GET
@_panel_view(VIEW)
def wo_panel(request: HttpRequest, work_order_id: int) -> HttpResponse:
    return _panel(request, work_order_id)


@require_POST
@_panel_view(selectors.PERM_RESERVE)
def wo_reserve(request: HttpRequest, work_order_id: int) -> HttpResponse:
    user: Any = request.user
    form = ReserveForm(request.POST, warehouses=selectors.warehouse_list(actor=user))
    if form.is_valid():
        data = form.cleaned_data
        part = selectors.part_by_code(actor=user, code=data["part_code"])
        if part is None:
            form.add_error("part_code", _("No part has this part number."))
        else:
            try:
                services.work_order_part_reserve(
                    actor=user,
                    work_order_id=work_order_id,
                    part_id=part.pk,
                    warehouse_id=data["warehouse"] or 0,
                    quantity=data["quantity"] if data["quantity"] is not None else 0,
                )
                return _panel(request, work_order_id)
            except errors.NotFound:
                if _work_order(request, work_order_id) is not None:  # the work order is there: the warehouse is not
                    form.add_error("warehouse", _("Choose a warehouse."))
            except errors.PermissionDenied:
                raise
            except errors.DomainError as error:
                show_domain_error(form, error, {"part_id": "part_code"})
    return _panel(request, work_order_id, status=422, reserve_form=form)


@require_POST
@_panel_view(selectors.PERM_RESERVE)
def wo_release(request: HttpRequest, work_order_id: int, line_id: int) -> HttpResponse:
    try:
        services.work_order_part_release(actor=request.user, work_order_id=work_order_id, line_id=line_id)
    except (errors.NotFound, errors.PermissionDenied):
        raise
    except errors.DomainError as error:
        return _panel(request, work_order_id, status=409, reserve_form=None, release_error=str(error.message))
    return _panel(request, work_order_id)


@require_POST
@_panel_view(selectors.PERM_OVERRIDE)
def wo_charge(request: HttpRequest, work_order_id: int, line_id: int) -> HttpResponse:
    form = ChargeForm(request.POST)
    if form.is_valid():
        try:
            services.work_order_part_set_charge(
                actor=request.user,
                work_order_id=work_order_id,
                line_id=line_id,
                charge=form.cleaned_data["charge"] if form.cleaned_data["charge"] is not None else "",
                reason=form.cleaned_data["reason"],
            )
            return _panel(request, work_order_id)
        except (errors.NotFound, errors.PermissionDenied):
            raise
        except errors.DomainError as error:
            show_domain_error(form, error)
    return _panel(request, work_order_id, status=422, charge_form=form, charge_line=line_id)
