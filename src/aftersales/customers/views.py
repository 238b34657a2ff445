"""Staff pages of the customer archive (R-1.1 to R-1.3).

Thin handlers: parse the request, call one service or selector, render or redirect. Every
view of a customer or installed product is written to the access log (R-13.2); phones and
addresses go through ``customers.masking`` (R-13.1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.audit.services import record, record_views
from aftersales.core.pagination import keyset_page
from aftersales.customers import selectors, services
from aftersales.customers.errors import DuplicateCustomer
from aftersales.customers.forms import (
    ContactForm,
    CustomerCreateForm,
    CustomerFilterForm,
    CustomerForm,
    InstalledProductForm,
)
from aftersales.customers.masking import may_see, shown_address, shown_email, shown_phone
from aftersales.customers.models import Customer, WarrantyStatus
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, submit
from aftersales.workorders.selectors import customer_communications, customer_work_orders, installed_product_work_orders

if TYPE_CHECKING:
    from aftersales.accounts.models import User

PAGE_SIZE = 25
# The detail page shows the most recent history; older entries are in the work-order list.
HISTORY_LIMIT = 100

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


@require_GET
@staff_page("customers.view_customer")
def customer_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_perm("customers.view_customer"):
        raise PermissionDenied
    form = CustomerFilterForm(request.GET)
    filters = form.values()
    qs = selectors.customer_list(
        actor=user,
        q=filters["q"],
        region_id=filters["region"].pk if filters["region"] else None,
        category_id=filters["category"].pk if filters["category"] else None,
    )
    page = form.page(
        lambda cursor: keyset_page(qs, sort_field="id", descending=True, cursor=cursor, page_size=PAGE_SIZE)
    )
    rows = [(c, shown_phone(user, c.phone), shown_address(user, c.address)) for c in page.items]
    record_views(actor=user, objs=page.items, search=filters["q"])
    return render(request, "customers/list.html", {"form": form, "page": page, "rows": rows})


def _history(user: User, customer_id: int) -> list[dict[str, Any]]:
    """Work orders and communications of one customer as one timeline, newest first (R-1.3)."""
    entries: list[dict[str, Any]] = [
        {"kind": "work_order", "at": wo.received_at, "obj": wo}
        for wo in customer_work_orders(actor=user, customer_id=customer_id)[:HISTORY_LIMIT]
    ]
    entries += [
        {"kind": "communication", "at": c.at, "obj": c}
        for c in customer_communications(actor=user, customer_id=customer_id)[:HISTORY_LIMIT]
    ]
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


@require_GET
@staff_page("customers.view_customer")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    customer = selectors.customer_get(actor=user, customer_id=pk)
    contacts = [(c, shown_phone(user, c.phone)) for c in customer.contacts.all()]
    products = [
        (p, WarrantyStatus(p.warranty_status()))
        for p in customer.installed_products.select_related("product_model__product_line").order_by("-id")
    ]
    # The customer and every contact (their phones) and product the page shows.
    shown = [customer, *(row[0] for row in contacts), *(row[0] for row in products)]
    record_views(actor=user, objs=shown)
    context = {
        "customer": customer,
        "phone": shown_phone(user, customer.phone),
        "email": shown_email(user, customer.email),
        "address": shown_address(user, customer.address),
        "masked": not may_see(user),
        "contacts": contacts,
        "products": products,
        "history": _history(user, customer.pk),
        "history_limit": HISTORY_LIMIT,
    }
    return render(request, "customers/detail.html", context)


@require_http_methods(["GET", "POST"])
@staff_page("customers.view_customer")
def customer_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_perm("customers.add_customer"):
        raise PermissionDenied
    form = CustomerCreateForm(request.POST or None)
    duplicates: list[dict[str, Any]] = []

    def create() -> Customer:
        try:
            return services.customer_create(actor=user, **form.service_values())
        except DuplicateCustomer as exc:  # shown with a link to each, and "create anyway"
            duplicates.extend(exc.matches)
            raise

    customer = submit(form, create)
    if customer is not None:
        messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
        return redirect("customers:detail", pk=customer.pk)
    context = {"form": form, "customer": None, "duplicates": duplicates}
    return render(request, "customers/form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@staff_page("customers.view_customer")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    customer = selectors.customer_get(actor=user, customer_id=pk)
    if not user.has_perm("customers.change_customer"):
        raise PermissionDenied
    initial = {
        "name": customer.name,
        "kind": customer.kind,
        "category": customer.category_id,
        "region": customer.region_id,
        "phone": customer.phone,
        "email": customer.email,
        "address": customer.address,
        "service_preferences": customer.service_preferences,
        "notification_channel": customer.notification_channel,
    }
    form = CustomerForm(request.POST or None, initial=initial)
    if submit(form, lambda: services.customer_update(actor=user, customer=customer, **form.service_values())):
        messages.success(request, _("Changes saved."))
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer}, status=form_status(form))


@require_http_methods(["GET", "POST"])
@staff_page("customers.view_customer")
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    customer = selectors.customer_get(actor=user, customer_id=pk)
    if not user.has_perm("customers.change_customer"):
        raise PermissionDenied
    form = ContactForm(request.POST or None)
    if submit(form, lambda: services.contact_create(actor=user, customer=customer, **form.cleaned_data)):
        messages.success(request, _("Contact added."))
        return redirect("customers:detail", pk=customer.pk)
    context = {"form": form, "customer": customer, "heading": _("Add contact")}
    return render(request, "customers/child_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@staff_page("customers.view_customer")
def product_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    customer = selectors.customer_get(actor=user, customer_id=pk)
    if not user.has_perm("customers.add_installedproduct"):
        raise PermissionDenied
    form = InstalledProductForm(request.POST or None)
    product = submit(
        form, lambda: services.installed_product_create(actor=user, customer=customer, **form.service_values())
    )
    if product is not None:
        messages.success(request, _("Installed product registered."))
        return redirect("customers:product", pk=product.pk)
    context = {"form": form, "customer": customer, "heading": _("Add installed product")}
    return render(request, "customers/product_form.html", context, status=form_status(form))


@require_GET
@staff_page("customers.view_customer")
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    product = selectors.installed_product_get(actor=user, installed_product_id=pk)
    record(actor=user, action="view", obj=product)
    work_orders = list(installed_product_work_orders(actor=user, installed_product_id=product.pk)[:HISTORY_LIMIT])
    context = {
        "product": product,
        "warranty": WarrantyStatus(product.warranty_status()),
        "customer": product.customer,
        "work_orders": work_orders,
        "history_limit": HISTORY_LIMIT,
    }
    return render(request, "customers/product_detail.html", context)
