"""The access log's middleware (R-13.2).

``ClientAddressMiddleware``: every row written while a request is handled carries its client's
address (``audit.services.client_address``), whichever service writes it.

``AdminAccessLogMiddleware``: the Django admin's list and change pages show records like every
other page, so they write the access log the same way (``audit.services.record_views``): one
"view" row per record shown (a change page's inline rows too), with the admin page it was shown
on. One middleware, limited to the admin's URL namespace, covers every model registered there
now or later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from aftersales.audit.services import client_address, record_views
from aftersales.web.access import client_ip


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_address(client_ip(request)):  # forgotten once the response is made
            return self.get_response(request)


class AdminAccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        context: Any = getattr(response, "context_data", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and match is not None
            and match.namespace == "admin"
            and context
        ):
            page = (match.url_name or "").rpartition("_")[2]  # <app>_<model>_changelist / _change
            objs: list[Any] = []
            if page == "changelist" and "cl" in context:
                objs = list(context["cl"].result_list)
            elif page == "change" and context.get("original") is not None:
                # The record and the ones its inlines show with it (a customer's contacts).
                objs = [context["original"]]
                for inline in context.get("inline_admin_formsets", []):
                    objs += [form.instance for form in inline.formset.initial_forms]
            search = request.GET.get("q", "") if page == "changelist" else ""
            record_views(actor=request.user, objs=objs, search=search, detail={"admin": page})
        return response
