"""API test helpers: a client per role, authenticated with a real personal token (Bearer)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from aftersales.accounts.services import api_token_create
from tests.factories import InstalledProductFactory, UserFactory, portal_user

API = "/api/v1"


class ApiClient:
    """JSON in, JSON out, with ``Authorization: Bearer <token>``."""

    def __init__(self, user: Any = None) -> None:
        self.user = user
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, raw = api_token_create(actor=user, name="tests")
            self.headers["Authorization"] = f"Bearer {raw}"

    def _call(self, method: str, path: str, data: Any = None, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        call = getattr(self.client, method)
        all_headers = {**self.headers, **(headers or {})}
        if method in ("post", "patch", "put") and data is not None and not isinstance(data, (str, bytes)):
            data = json.dumps(data)
        if method in ("post", "patch", "put"):
            return call(f"{API}{path}", data=data or "", content_type="application/json", headers=all_headers, **kw)
        return call(f"{API}{path}", data=data, headers=all_headers, **kw)

    def get(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("get", path, data, **kw)

    def post(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("post", path, data, **kw)

    def patch(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("patch", path, data, **kw)

    def put(self, path: str, data: Any = None, **kw: Any) -> Any:
        return self._call("put", path, data, **kw)


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


@pytest.fixture
def tech():
    return UserFactory(role="technician")


@pytest.fixture
def product():
    return InstalledProductFactory()


@pytest.fixture
def customer_user(product):
    return portal_user(product.customer)


@pytest.fixture
def api_as():
    return ApiClient
