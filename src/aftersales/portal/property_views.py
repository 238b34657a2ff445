"""The customer's own items in our care (用户备品, R-7.3) in the portal: the list, an item with its
custody history, its photos and the return signature. Scope is the one selector of the parts app
(``customer_property_scope``): another organisation's item is "not found" (R-13.1)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.audit.services import record
from aftersales.core.pagination import keyset_page
from aftersales.parts import property_services
from aftersales.parts.property_selectors import customer_property_get, customer_property_list
from aftersales.portal.views import PAGE_SIZE, _user, portal_page
from aftersales.web.forms import FilterForm


@require_GET
@portal_page
def property_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)  # no filters: the page link (cursor) only
    qs = customer_property_list(actor=_user(request))
    page = form.page(
        lambda cursor: keyset_page(qs, sort_field="id", descending=True, cursor=cursor, page_size=PAGE_SIZE)
    )
    return render(request, "portal/property_list.html", {"page": page, "form": form})


@require_GET
@portal_page
def property_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = customer_property_get(actor=_user(request), item_id=pk)
    record(actor=request.user, action="view", obj=item)
    return render(request, "portal/property_detail.html", {"item": item})


@require_GET
@portal_page
def property_photo(request: HttpRequest, pk: int, photo_id: int) -> Any:  # a FileResponse
    return property_services.customer_property_photo_download(actor=request.user, item_id=pk, photo_id=photo_id)


@require_GET
@portal_page
def property_thumbnail(request: HttpRequest, pk: int, photo_id: int) -> Any:  # a FileResponse
    return property_services.customer_property_photo_download(
        actor=request.user, item_id=pk, photo_id=photo_id, thumbnail=True
    )


@require_GET
@portal_page
def property_signature(request: HttpRequest, pk: int) -> Any:  # a FileResponse
    return property_services.customer_property_signature_download(actor=request.user, item_id=pk)
