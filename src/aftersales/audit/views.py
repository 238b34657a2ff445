"""The access-log page (R-13.2): read-only, filterable, keyset-paginated."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.audit import selectors
from aftersales.audit.forms import AccessLogFilterForm

PAGE_SIZE = 50


@require_GET
@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not selectors.access_log_visible(actor=request.user):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET)
    filters = form.filters(actor=request.user)
    page = form.page(
        lambda cursor: selectors.access_log_list(
            actor=request.user, filters=filters, cursor=cursor, page_size=PAGE_SIZE
        )
    )
    return render(request, "audit/log.html", {"form": form, "page": page})
