"""The one NinjaAPI object; each app adds its router here (ARCHITECTURE.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from aftersales.api.auth import AUTH
from aftersales.api.docs import LocalSwagger
from aftersales.core.errors import RETRY_AFTER_SECONDS, DomainError, ErrorCode, database_busy

api = NinjaAPI(
    title="Aftersales API",
    version="1",
    description="售后服务管理系统 REST API. Errors are {code, message, fields} with a 4xx status.",
    auth=AUTH,
    urls_namespace="api",
    docs=LocalSwagger(),  # Swagger UI from static/vendor, never a CDN
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "fields": fields or {}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # An error may say more beside code/message/fields (customers' duplicate_customer: "matches").
    return api.create_response(request, exc.as_dict(), status=exc.status)


_LOC_WRAPPERS = ("body", "query", "path", "header", "payload", "filters", "cookie")


def _is_schema_param(part: object) -> bool:
    # Ninja names a whole Query/Body schema argument in ``loc``; only its fields matter.
    return isinstance(part, str) and part.endswith(("_filters", "_payload"))


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        # ("body", "payload", "symptom") → "symptom"; ("query", "status", 0) → "status";
        # a header by its name ("Idempotency-Key"); a multipart part by its name (("file", "file")
        # → "file", where the first is where ninja looked).
        parts = list(error.get("loc", []))
        if parts[:1] in (["file"], ["form"]):
            parts = parts[1:]
        loc = [
            str(part)
            for part in parts
            if part not in _LOC_WRAPPERS and not isinstance(part, int) and not _is_schema_param(part)
        ]
        name = ".".join(loc) or "__all__"
        fields.setdefault(name, str(error.get("msg", _("Invalid value."))))
    return _error(request, 422, ErrorCode.VALIDATION, _("Please correct the marked fields."), fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Log in or send a valid API token."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, ErrorCode.NOT_FOUND, _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        # Ninja raises this for a body that is not JSON.
        return _error(request, 400, ErrorCode.MALFORMED_REQUEST, _("The request body is not valid JSON."))
    if exc.status_code == 403:
        # Session auth without a valid CSRF token.
        return _error(request, 403, ErrorCode.PERMISSION_DENIED, str(exc))
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(DjangoPermissionDenied)
def on_permission_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return _error(request, 403, ErrorCode.PERMISSION_DENIED, _("You do not have permission to do this."))


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A value a model field refused (e.g. a cursor that does not fit the sort field): the
    input was bad, so 422, never a 500."""
    fields = (
        {name: " ".join(str(m) for m in msgs) for name, msgs in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {}
    )
    return _error(request, 422, ErrorCode.VALIDATION, " ".join(str(m) for m in exc.messages), fields)


@api.exception_handler(RequestDataTooBig)
def on_request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): refused before it is read."""
    return _error(request, 413, ErrorCode.PAYLOAD_TOO_LARGE, _("The request body is too large."))


@api.exception_handler(SuspiciousOperation)
def on_suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Too many fields, a bad multipart body: the request, not the server, is at fault.
    return _error(request, 400, ErrorCode.BAD_REQUEST, _("The request could not be understood."))


@api.exception_handler(OperationalError)
def on_operational_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A lock not granted in time (core.errors.database_busy): 503 with Retry-After, so the
    client retries; the transaction was rolled back, nothing is half-saved. Any other database
    failure stays a logged 500."""
    if not database_busy(exc):
        raise exc
    response = _error(request, 503, ErrorCode.DATABASE_BUSY, _("The database is busy. Please retry in a few seconds."))
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


api.add_router("/auth", "aftersales.accounts.api.router")
api.add_router("", "aftersales.customers.api.router")
api.add_router("", "aftersales.catalog.api.router")
api.add_router("", "aftersales.workorders.api.router")
api.add_router("/sla", "aftersales.sla.api.router")
api.add_router("", "aftersales.surveys.api.router")
api.add_router("", "aftersales.feedback.api.router")
api.add_router("", "aftersales.parts.property_api.router")
api.add_router("", "aftersales.parts.data_api.router")
api.add_router("", "aftersales.repairs.api.router")
api.add_router("", "aftersales.parts.api.router")
api.add_router("", "aftersales.staff.api.router")
api.add_router("", "aftersales.dispatch.api.router")
api.add_router("", "aftersales.fieldservice.appointment_api.router")
api.add_router("", "aftersales.fieldservice.visit_api.router")
