"""The API's documentation page (``/api/v1/docs``): Swagger UI from our own static files.

Ninja's page loads Swagger UI from a CDN unless ``ninja`` is an installed app (and then the
copy bundled with ninja, not the one we pin). The machines have no internet at run time and
every asset comes from ``static/vendor``, pinned in package-lock.json: so does this one. The
page has no inline script, so it runs under the Content-Security-Policy like every other page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(Swagger):
    template = "api/docs.html"
    # No validator badge: it would send the document's address to validator.swagger.io.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # Session-authenticated calls from "Try it out" need the CSRF token, as the pages do.
        add_csrf = any(getattr(auth, "csrf", False) for auth in api.auth or [])  # type: ignore[union-attr]
        return render(request, self.template, {"api": api, "swagger_settings": settings, "add_csrf": add_csrf})
