from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from aftersales.accounts.services import api_token_refusal, api_token_user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token. A token that is unknown,
    expired or revoked answers 401 with its own code (``invalid_token``, ``token_expired``,
    ``token_revoked``), never falling back to the session."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(raw=token)
        if user is None:
            raise api_token_refusal(raw=token)
        request.user = user
        request.api_token_id = user.token_id  # type: ignore[attr-defined]  # for DELETE /auth/token
        return user


# Pages' session cookie (CSRF-checked by ninja) or a personal token.
AUTH = [TokenAuth(), SessionAuth()]
