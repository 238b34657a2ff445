"""Every API error is the JSON error body ``{"code", "message", "fields"}`` (ARCHITECTURE
"Errors"; SPEC cross-cutting: bad input gets a clear message, never a 500), including the
answers Django or ninja would give as a page: unknown paths, methods, bodies that are not JSON
or too large, a forged page cursor, a locked database, and ids that are no integers."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection, connections
from django.urls import reverse

from aftersales.customers.forms import CustomerCreateForm
from aftersales.customers.models import Customer
from tests.api.conftest import ApiClient
from tests.factories import InstalledProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


@pytest.fixture
def api(agent):
    return ApiClient(agent)


@pytest.mark.parametrize("path", ["/no-such-thing", "/work-orders/1/no-such-thing", "/customers/1/x/y"])
def test_an_unknown_path_is_a_json_404(api, path):
    _error(api.get(path), 404, "not_found")
    _error(ApiClient().get(path), 404, "not_found")  # not signed in: the same, nothing more


def test_a_method_the_path_does_not_take_is_a_json_405_with_allow(api):
    response = api.client.put("/api/v1/work-orders", data="{}", content_type="application/json", headers=api.headers)
    _error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_a_json_400(api):
    _error(api.post("/customers", "{not json"), 400, "malformed_request")


def test_a_5_mb_body_is_a_json_413(api):
    body = json.dumps({"name": "张三", "service_preferences": "x" * (5 * 1024 * 1024)})
    _error(api.post("/customers", body), 413, "payload_too_large")
    assert not Customer.objects.exists()


def _forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [_forged("[null,1]"), _forged("[1e999,1]"), _forged('[{"dt":"0001-01-01T00:00:00+14:00"},1]'), "!!!", "W10"],
)
@pytest.mark.parametrize("path", ["/work-orders", "/customers"])
def test_a_forged_cursor_is_422_invalid_cursor(api, path, cursor):
    body = _error(api.get(path, {"cursor": cursor}), 422, "invalid_cursor")
    assert "cursor" in body["fields"]


def test_a_cursor_the_server_made_still_pages(api, agent):
    for _ in range(3):
        InstalledProductFactory()
    first = api.get("/customers", {"page_size": 2}).json()
    second = api.get("/customers", {"page_size": 2, "cursor": first["next_cursor"]})
    assert second.status_code == 200
    assert {c["id"] for c in second.json()["items"]}.isdisjoint({c["id"] for c in first["items"]})


# --- booleans are not ids ----------------------------------------------------------------


def _id_fields_of_bodies(api) -> list[tuple[str, str, str]]:
    """(method, path, field) for every id property of every JSON request body in the document."""
    doc = api.get("/openapi.json").json()
    components = doc["components"]["schemas"]
    found = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not content:
                continue
            schema = content["schema"]  # {"$ref": …}, or with allOf/anyOf around it for an optional body
            ref = json.dumps(schema).split('"#/components/schemas/', 1)[1].split('"', 1)[0]
            for name in components[ref]["properties"]:
                if name.endswith("_id"):
                    found.append((method, path.removeprefix("/api/v1"), name))
    return found


def test_no_body_accepts_true_as_an_id(api):
    """``"customer_id": true`` was read as customer 1: every id in every body is refused with
    422 naming the field when it is a boolean, a float or a string."""
    fields = _id_fields_of_bodies(api)
    assert ("post", "/work-orders", "customer_id") in fields
    for method, path, name in fields:
        url = path.replace("{work_order_id}", "1").replace("{customer_id}", "1")
        for value in (True, False, 1.0, "1"):
            response = getattr(api, method)(url, {name: value})
            body = _error(response, 422, "validation_error")
            assert name in body["fields"], (method, path, name, value, body)


def test_query_string_ids_are_still_read_from_text(api, agent):
    product = InstalledProductFactory()
    response = api.get("/work-orders", {"customer_id": str(product.customer_id)})
    assert response.status_code == 200
    _error(api.get("/work-orders", {"customer_id": "true"}), 422, "validation_error")


# --- a locked database ---------------------------------------------------------------------


class _WriteLock:
    """Another connection holds the write lock; this test's connection waits only 0.1 s."""

    def __enter__(self):
        self.other = connections.create_connection("default")
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA busy_timeout = 100")
            else:
                cursor.execute("SET lock_timeout = '100ms'")
        holder = self.other.cursor()
        if connection.vendor == "sqlite":
            holder.execute("BEGIN IMMEDIATE")
        else:
            self.other.set_autocommit(False)
            holder.execute("LOCK TABLE customers_customer IN SHARE ROW EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc):
        if connection.vendor == "sqlite":
            self.other.cursor().execute("ROLLBACK")
        else:
            self.other.rollback()
        self.other.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 30000" if connection.vendor == "sqlite" else "RESET lock_timeout")


@pytest.mark.django_db(transaction=True)
def test_a_locked_database_answers_503_database_busy_with_retry_after():
    api = ApiClient(UserFactory(role="agent"))
    with _WriteLock():
        response = api.post("/customers", {"name": "张三"})
    _error(response, 503, "database_busy")
    assert int(response["Retry-After"]) > 0
    assert not Customer.objects.exists()  # nothing half-saved
    assert api.post("/customers", {"name": "张三"}).status_code == 201  # and the retry works


@pytest.mark.django_db(transaction=True)
def test_a_locked_database_on_a_page_answers_503_in_chinese(client):
    client.force_login(UserFactory(role="agent"))
    blank = CustomerCreateForm()
    data = {**{name: blank[name].value() or "" for name in blank.fields}, "name": "张三"}  # a valid form
    with _WriteLock():
        response = client.post(reverse("customers:create"), data)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "请" in response.content.decode()
    assert not Customer.objects.exists()


def test_postgresql_gives_up_on_a_lock_like_sqlite():
    """Without a lock_timeout PostgreSQL waits for a lock for ever; it waits as long as SQLite's
    busy timeout, and the request is then answered 503 as above."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has its busy timeout (settings: timeout)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_a_crash_is_a_json_500_and_is_logged(agent, monkeypatch, caplog):
    from django.test import Client

    from aftersales.customers import selectors

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(selectors, "customer_list", broken)
    api = ApiClient(agent)
    api.client = Client(raise_request_exception=False)
    _error(api.get("/customers"), 500, "server_error")
    assert any(record.levelname == "ERROR" for record in caplog.records)
