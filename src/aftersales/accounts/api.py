from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from aftersales.accounts import services

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str]


@router.post("/token", auth=None, response={201: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut})
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, str]]:
    """Exchange a username and password for a personal token; send it as `Authorization: Bearer <token>`."""
    _token, raw = services.api_token_create(username=payload.username, password=payload.password, name=payload.name)
    return Status(201, {"token": raw})
