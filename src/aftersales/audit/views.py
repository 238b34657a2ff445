"""The access-log page (R-13.2): read-only, filterable, keyset-paginated."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from aftersales.audit import selectors
from aftersales.audit.forms import RECORD_TYPES, AccessLogFilterForm
from aftersales.core.errors import DomainError

PAGE_SIZE = 50


@require_GET
@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not selectors.access_log_visible(actor=request.user):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET or None)
    try:
        page = selectors.access_log_list(
            actor=request.user, filters=form.filters(), cursor=request.GET.get("cursor"), page_size=PAGE_SIZE
        )
    except DomainError:  # a tampered cursor: start again from the newest entries
        return redirect("audit:log")
    return render(request, "audit/log.html", {"form": form, "page": page, "record_types": RECORD_TYPES})
