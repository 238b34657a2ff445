"""Customer archive endpoints (R-1): customers, contacts, installed products.

Every id is resolved through the caller's scope (out of scope answers 404); every detail
read is written to the access log (R-13.2).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from aftersales.api.schemas import PathId, responses
from aftersales.audit.services import record, record_views
from aftersales.core.pagination import keyset_page
from aftersales.customers import selectors, services
from aftersales.customers.schemas import (
    ContactIn,
    ContactOut,
    CustomerFilter,
    CustomerIn,
    CustomerOut,
    CustomerPageOut,
    CustomerPatch,
    InstalledProductIn,
    InstalledProductOut,
    SerialFilter,
)

router = Router(tags=["customers"])


def _viewed(request: HttpRequest, obj: Any) -> None:
    record(actor=request.user, action="view", obj=obj)


def _shown(request: HttpRequest, objs: list[Any], search: str = "") -> list[Any]:
    """Each record of a list answer is a view too (R-13.2)."""
    record_views(actor=request.user, objs=objs, search=search)
    return objs


@router.get("/customers", response=responses({200: CustomerPageOut}))
def customer_list(request: HttpRequest, filters: Query[CustomerFilter]) -> Any:
    """Customers the caller may see, newest first; keyset pages (`next_cursor`)."""
    qs = selectors.customer_list(
        actor=request.user, q=filters.q, region_id=filters.region_id, category_id=filters.category_id
    )
    page = keyset_page(qs, sort_field="id", descending=True, cursor=filters.cursor, page_size=filters.page_size)
    _shown(request, page.items, filters.q)
    return page


@router.post("/customers", response=responses({201: CustomerOut}))
def customer_create(request: HttpRequest, payload: CustomerIn) -> Any:
    """R-1.1: a customer whose phone or name (spaces and case aside) is already in the archive is
    answered 409 `duplicate_customer` with `matches` (id, code, name, phone, reason: phone or
    name); send `confirm_duplicate: true` to create it anyway."""
    return Status(201, services.customer_create(actor=request.user, **payload.dict()))


@router.get("/customers/{customer_id}", response=responses({200: CustomerOut}))
def customer_get(request: HttpRequest, customer_id: PathId) -> Any:
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    _viewed(request, customer)
    return customer


@router.patch("/customers/{customer_id}", response=responses({200: CustomerOut}))
def customer_update(request: HttpRequest, customer_id: PathId, payload: CustomerPatch) -> Any:
    """Change only the fields sent."""
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    return services.customer_update(actor=request.user, customer=customer, **payload.dict(exclude_unset=True))


@router.get("/customers/{customer_id}/contacts", response=responses({200: list[ContactOut]}))
def contact_list(request: HttpRequest, customer_id: PathId) -> Any:
    return _shown(request, list(selectors.customer_get(actor=request.user, customer_id=customer_id).contacts.all()))


@router.post("/customers/{customer_id}/contacts", response=responses({201: ContactOut}))
def contact_create(request: HttpRequest, customer_id: PathId, payload: ContactIn) -> Any:
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    return Status(201, services.contact_create(actor=request.user, customer=customer, **payload.dict()))


@router.get("/customers/{customer_id}/installed-products", response=responses({200: list[InstalledProductOut]}))
def customer_installed_products(request: HttpRequest, customer_id: PathId) -> Any:
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    products = selectors.installed_product_scope(actor=request.user).filter(customer=customer).order_by("-id")
    return _shown(request, list(products))


@router.post("/customers/{customer_id}/installed-products", response=responses({201: InstalledProductOut}))
def installed_product_create(request: HttpRequest, customer_id: PathId, payload: InstalledProductIn) -> Any:
    customer = selectors.customer_get(actor=request.user, customer_id=customer_id)
    return Status(201, services.installed_product_create(actor=request.user, customer=customer, **payload.dict()))


@router.get("/installed-products", response=responses({200: list[InstalledProductOut]}))
def installed_product_by_serial(request: HttpRequest, filters: Query[SerialFilter]) -> Any:
    """Look up a product by its serial number or its beginning (at most 20)."""
    found = selectors.installed_product_by_serial(actor=request.user, serial=filters.serial)
    return _shown(request, list(found), filters.serial)


@router.get("/installed-products/{installed_product_id}", response=responses({200: InstalledProductOut}))
def installed_product_get(request: HttpRequest, installed_product_id: PathId) -> Any:
    product = selectors.installed_product_get(actor=request.user, installed_product_id=installed_product_id)
    _viewed(request, product)
    return product
