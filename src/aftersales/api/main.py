"""The one NinjaAPI object; each app adds its router here (ARCHITECTURE.md)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from aftersales.api.auth import AUTH
from aftersales.core.errors import DomainError, ErrorCode

api = NinjaAPI(
    title="Aftersales API",
    version="1",
    description="售后服务管理系统 REST API. Errors are {code, message, fields} with a 4xx status.",
    auth=AUTH,
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "fields": fields or {}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = exc.as_dict()
    return _error(request, exc.status, str(body["code"]), str(body["message"]), body["fields"])  # type: ignore[arg-type]


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "header", "payload")]
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
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/auth", "aftersales.accounts.api.router")
