"""Chinese first: the page language is the user's explicit choice, else Simplified Chinese.

Django's ``LocaleMiddleware`` also follows the browser's Accept-Language, so a Chinese
company's staff with an English browser would get English pages. SPEC "Cross-cutting" makes
Simplified Chinese the default of every page; English is there for whoever picks it with the
language switcher (which sets the language cookie).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation

from aftersales.core.errors import RETRY_AFTER_SECONDS, database_busy


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every answer that does not set its own.

    Pages and API answers carry personal data (customers' names, phones, addresses): no browser
    cache, shared proxy or back button may keep a copy after the user logged out. Static files
    never reach this middleware (whitenoise answers them above it, with long caching), and a view
    that sets its own Cache-Control keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response


class DatabaseBusyMiddleware:
    """A page whose database lock was not granted in time (``core.errors.database_busy``)
    answers 503 with Retry-After and says to try again, instead of the 500 page: the request
    was fine and its transaction was rolled back. The page is the standalone error page, drawn
    without the request: its context processors would wait for the same database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_busy(exception):
            return None
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class RequestTooLargeMiddleware:
    """Refuse a request whose body is longer than the largest attachment (``ATTACHMENT_MAX_MB``,
    workorders/attachments.py) with 413, before anything reads it: the CSRF check would otherwise
    parse the whole upload first. No other request comes near that size; a JSON body or form
    over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused with the same 413 when it is read. Under
    /api/ the answer becomes the JSON error body ``payload_too_large`` (JsonErrorsMiddleware);
    a page gets the standalone error page, which says nothing was saved."""

    ENVELOPE_BYTES = 64 * 1024  # the multipart boundaries and the form's other fields
    VISIT_PATHS = ("/field/visits/", "/api/v1/visits/")  # visit photos: up to FIELD_PHOTO_MAX_MB

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        max_mb = int(settings.ATTACHMENT_MAX_MB)
        if request.path.startswith(self.VISIT_PATHS):  # a visit photo may be larger (fieldservice)
            max_mb = max(max_mb, int(getattr(settings, "FIELD_PHOTO_MAX_MB", 15)))
        if length > max_mb * 1024 * 1024 + self.ENVELOPE_BYTES:
            context = {"max_mb": max_mb}
            return HttpResponse(render_to_string("413.html", context), status=413)
        return self.get_response(request)
