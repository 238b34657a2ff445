"""A URL configuration with a stub for every page the navigation links to.

The real pages belong to other apps and may not exist yet; these stubs render the shell so the
navigation and the base template can be tested on their own.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


def stub(request: HttpRequest) -> HttpResponse:
    for level, text in request.GET.items():
        if level in {"error", "success", "warning", "info"}:
            getattr(messages, level)(request, text)
    return render(request, "web/base.html")


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def portal_stub(request: HttpRequest) -> HttpResponse:
    return render(request, "web/portal_base.html")


def _app(namespace: str, *names: str, view=stub):
    return (
        [path(f"{name}/", view, name=name) for name in names],
        namespace,
    )


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("aftersales.accounts.urls")),
    path("workorders/", include(_app("workorders", "list", "intake"))),
    path("customers/", include(_app("customers", "list"))),
    path("audit/", include(_app("audit", "log"))),
    path("sla/", include(_app("sla", "calendar", "compliance"))),
    path("core/", include(_app("core", "outbox", "inbox"))),
    path("portal/", include(_app("portal", "home", "request_create", view=portal_stub))),
    path("boom/", boom),
    path("", include("aftersales.web.urls")),
]
