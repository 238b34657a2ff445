"""Domain errors with machine-readable codes (STYLE.md rule 5).

Services raise DomainError; pages show its message on the form, the API answers
``{"code", "message", "fields"}`` with a 4xx status.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from django.db import OperationalError
from django.utils.functional import Promise

# How long a client should wait before retrying when the database was busy (Retry-After).
RETRY_AFTER_SECONDS = 5
# SQLite: another connection holds the write lock past the busy timeout. PostgreSQL: SQLSTATE
# 55P03 lock_not_available, raised when a lock waits longer than ``lock_timeout``.
_BUSY_MESSAGES = ("database is locked", "database table is locked")
_LOCK_NOT_AVAILABLE = "55P03"


def database_busy(exc: BaseException) -> bool:
    """True for the OperationalError of a lock that was not granted in time: the request did
    nothing wrong and may be retried, so it is answered 503 with Retry-After, not 500."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
        return True
    return str(exc).startswith(_BUSY_MESSAGES)


class ErrorCode(StrEnum):
    VALIDATION = "validation_error"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    CONFLICT = "conflict"
    IDEMPOTENCY_MISMATCH = "idempotency_key_reused"
    INVALID_CURSOR = "invalid_cursor"
    # The transport's own refusals, in the same error body (api/main.py, api/middleware.py).
    BAD_REQUEST = "bad_request"
    MALFORMED_REQUEST = "malformed_request"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    DATABASE_BUSY = "database_busy"
    SERVER_ERROR = "server_error"


class DomainError(Exception):
    """A rule of the domain refused the request.

    ``code`` is stable for clients; ``message`` and ``fields`` are human text (lazy gettext is
    allowed and rendered in the active language when shown).
    """

    status: int = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        fields: Mapping[str, str | Promise] | None = None,
        *,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = str(code)
        self.message = message
        self.fields = dict(fields or {})
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: str(text) for name, text in self.fields.items()},
        }


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``fields`` names each bad field."""

    status = 422

    def __init__(self, fields: Mapping[str, str | Promise], message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__(ErrorCode.VALIDATION, message or _("Please correct the marked fields."), fields)


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__(ErrorCode.NOT_FOUND, message or _("Not found."))


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__(ErrorCode.PERMISSION_DENIED, message or _("You do not have permission to do this."))
