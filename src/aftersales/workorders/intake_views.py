"""Intake's side panels (R-2.3): the chosen customer's and product's open and recent work orders
(with "add to this work order" instead of a duplicate), and the fault categories of the chosen
product's line. Both ask again when the customer or product panel (#picked) changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aftersales.audit.services import record_views
from aftersales.catalog import selectors as catalog_selectors
from aftersales.catalog.models import FaultCategory
from aftersales.core import errors
from aftersales.customers import selectors as customer_selectors
from aftersales.web.access import staff_page
from aftersales.workorders import selectors
from aftersales.workorders.forms import IntakeForm


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value and len(value) < 19 else None
    except ValueError:
        return None


def fault_categories_for(product: Any) -> list[FaultCategory]:
    """The fault categories to offer: the chosen product's line and those of every line; all of
    them (each labelled with its line, forms.fault_label) while no product is chosen."""
    line_id = product.product_model.product_line_id if product is not None else None
    return list(catalog_selectors.fault_category_list(product_line_id=line_id).select_related("product_line"))


def _product(user: Any, product_id: int | None) -> Any:
    if product_id is None:
        return None
    try:
        return customer_selectors.installed_product_get(actor=user, installed_product_id=product_id)
    except errors.NotFound:
        return None


@require_GET
@staff_page("workorders.add_workorder")
def intake_history(request: HttpRequest) -> HttpResponse:
    """The open and recent work orders of the chosen customer and product (R-2.3): an agent sees
    the 25 open ones, or the repair two weeks ago, before creating another."""
    user: Any = request.user
    product = _product(user, _int(request.GET.get("installed_product_id")))
    customer_id = product.customer_id if product is not None else _int(request.GET.get("customer_id"))
    if customer_id is not None and product is None:
        try:
            customer_selectors.customer_get(actor=user, customer_id=customer_id)
        except errors.NotFound:
            customer_id = None
    now = timezone.now()
    history = selectors.intake_history(
        actor=user, customer_id=customer_id, installed_product_id=product.pk if product else None, now=now
    )
    shown = [wo for part in history.values() if part for wo in part.open + part.recent]
    record_views(actor=user, objs=list({wo.pk: wo for wo in shown}.values()))
    product_history = history["product"]
    newest = product_history.newest_received_at if product_history else None
    repeat_days = settings.REPEAT_REPAIR_DAYS
    context = {
        "history": history,
        "customer_id": customer_id,
        "product": product,
        "repeat_days": repeat_days,
        "will_repeat": bool(newest and repeat_days > 0 and now - newest <= dt.timedelta(days=repeat_days)),
        "may_add_to": user.has_perm("workorders.record_communication"),
    }
    return render(request, "workorders/_intake_history.html", context)


@require_GET
@staff_page("workorders.add_workorder")
def intake_fault_categories(request: HttpRequest) -> HttpResponse:
    """The fault-category field for the chosen product's line (R-2.3), keeping the choice when it
    is still offered."""
    product = _product(request.user, _int(request.GET.get("installed_product_id")))
    faults = fault_categories_for(product)
    chosen = _int(request.GET.get("fault_category_id"))
    initial = {"fault_category_id": chosen} if any(fc.pk == chosen for fc in faults) else {}
    form = IntakeForm(initial=initial, fault_categories=faults, with_line=product is None)
    return render(request, "workorders/intake.html#fault_field", {"form": form, "reloaded": True})
