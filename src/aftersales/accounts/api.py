from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from ninja import Router, Schema, Status

from aftersales.accounts import services
from aftersales.accounts.throttle import authenticate_or_refuse
from aftersales.api.auth import TokenAuth
from aftersales.api.schemas import ErrorOut

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    name: str
    expires_at: dt.datetime


def _client_name(request: HttpRequest) -> str:
    """A token without a name is named after the client that asked for it."""
    return request.headers.get("User-Agent", "").strip()[: services.NAME_MAX] or "API"


@router.post("/token", auth=None, response={201: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """Exchange a username and password for a personal token; send it as `Authorization: Bearer <token>`.

    The token expires at `expires_at`; `name` (default: the client's User-Agent) tells it apart on
    the "My API tokens" page. Failed log-ins are throttled per account and per address like the
    log-in page: 429 `too_many_attempts` with `Retry-After` (seconds) while locked, even for the
    right password."""
    user = authenticate_or_refuse(request, username=payload.username, password=payload.password)
    token, raw = services.api_token_create(actor=user, name=payload.name or _client_name(request))
    # A password exchanged for a token is a log-in, though no session starts: the access log
    # (audit.signals) and the last-login time hear of it as of the log-in page's.
    user_logged_in.send(sender=type(user), request=request, user=user)
    return Status(201, {"token": raw, "name": token.name, "expires_at": token.expires_at})


@router.delete("/token", auth=TokenAuth(), response={204: None, 401: ErrorOut})
def token_revoke(request: HttpRequest) -> Status[None]:
    """Revoke the token that authenticates this request (log the integration out). Other tokens
    stay valid; revoke them on the "My API tokens" page."""
    services.api_token_revoke(actor=request.user, token_id=request.api_token_id)  # type: ignore[arg-type,attr-defined]
    return Status(204, None)
