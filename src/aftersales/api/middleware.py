"""Under ``/api/`` every error answer is the JSON error body ``{"code", "message", "fields"}``.

The API's own exception handlers (api/main.py) answer what happens inside an operation. This
catches the rest, which Django or ninja answer as a page or plain text: a path that matches no
operation (Django's 404 page), a method the path does not take (ninja's plain 405), a request
Django refuses before the API sees it (400: too many fields, a bad Host) and a crash (the 500
page; the error is logged as before).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ErrorCode

API_PREFIX = "/api/"
_ANSWERS: dict[int, tuple[str, str | Promise]] = {
    400: (ErrorCode.BAD_REQUEST, _("The request could not be understood.")),
    404: (ErrorCode.NOT_FOUND, _("Not found.")),
    405: (ErrorCode.METHOD_NOT_ALLOWED, _("This method is not allowed here.")),
    413: (ErrorCode.PAYLOAD_TOO_LARGE, _("The request body is too large.")),
    500: (ErrorCode.SERVER_ERROR, _("Something went wrong on our side. The error has been logged.")),
}
_KEPT_HEADERS = ("Allow", "Retry-After")


def error_answer(status: int, code: str, message: str | Promise, fields: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"code": str(code), "message": str(message), "fields": fields or {}}, status=status)


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        fallback = _ANSWERS[500] if response.status_code >= 500 else _ANSWERS[400]
        code, message = _ANSWERS.get(response.status_code, fallback)
        answer = error_answer(response.status_code, code, message)
        for header in _KEPT_HEADERS:
            if response.has_header(header):
                answer[header] = response[header]
        return answer
