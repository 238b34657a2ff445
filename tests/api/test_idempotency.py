"""An ``Idempotency-Key`` reused with a different body is refused, whichever field differs (R-3.1,
ARCHITECTURE "Every write that a client may retry accepts an Idempotency-Key").

The cases are generated from each idempotent operation's body schema: a field added to the
schema fails ``test_every_field_has_a_changed_value`` until it gets a changed value here, and
is then covered by the refusal test like every other field.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.workorders.models import WorkOrder
from aftersales.workorders.schemas import WorkOrderIn
from tests.api.conftest import ApiClient
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    FaultCategoryFactory,
    InstalledProductFactory,
    ProductModelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _work_order_case() -> tuple[dict, dict]:
    """A valid body, and for each field a value that differs and is valid on its own."""
    customer = CustomerFactory()
    received = timezone.now() - dt.timedelta(hours=1)
    base = {
        "customer_id": customer.pk,
        "installed_product_id": None,
        "contact_id": None,
        "product_model_id": None,
        "fault_category_id": None,
        "channel": "phone",
        "received_at": received.isoformat(),
        "occurred_at": None,
        "symptom": "空调不制冷",
        "demand": "",
        "service_type": "consultation",
        "priority": None,
        "colour": None,
        "purchase_date": None,
        "answered_on_spot": False,
        "resolution": "已告知清洗滤网",
    }
    changed = {
        "customer_id": CustomerFactory().pk,
        "installed_product_id": InstalledProductFactory(customer=customer).pk,
        "contact_id": ContactFactory(customer=customer).pk,
        "product_model_id": ProductModelFactory().pk,
        "fault_category_id": FaultCategoryFactory().pk,
        "channel": "letter",
        "received_at": (received - dt.timedelta(minutes=30)).isoformat(),
        "occurred_at": (received - dt.timedelta(days=1)).isoformat(),
        "symptom": "空调漏水",
        "demand": "尽快上门",
        "service_type": "repair",
        "priority": "P1",
        "colour": "red",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=400)).isoformat(),
        "answered_on_spot": True,
        "resolution": "已告知重启",
    }
    return base, changed


# (method, path) of every operation with an Idempotency-Key → (its body schema, its cases)
IDEMPOTENT = {("post", "/work-orders"): (WorkOrderIn, _work_order_case)}
FIELDS = [(op, name) for op, (schema, _case) in IDEMPOTENT.items() for name in schema.model_fields]
# Operations whose retry (same key: the first answer, nothing new) and reuse with another body
# (idempotency_key_reused) are tested next to their app, through the same core.idempotency.
RETRIES_TESTED_ELSEWHERE = {
    (
        "post",
        "/repair-orders",
    ): "tests/repairs/test_services.py::test_r6_5_idempotency_key_returns_the_same_repair_order",
    ("post", "/repair-orders/{repair_order_id}/inspect"): "tests/repairs/test_services.py",
    (
        "post",
        "/work-orders/{work_order_id}/parts",
    ): "tests/parts/test_api.py::test_r7_2_reserve_409_with_available_422_uncertified_and_delete_releases",
}
# Accept the key through the same decorator; no test of their own yet (closing note, issue 10).
NOT_YET_TESTED_ONE_BY_ONE = {
    ("post", "/warehouses"),
    ("post", "/parts"),
    ("post", "/stock-moves"),
    ("post", "/repair-orders/{repair_order_id}/receive"),
    ("post", "/repair-orders/{repair_order_id}/assign"),
    ("post", "/repair-orders/{repair_order_id}/diagnose"),
    ("post", "/repair-orders/{repair_order_id}/repair-done"),
    ("post", "/repair-orders/{repair_order_id}/agreements"),
    ("post", "/repair-orders/{repair_order_id}/ship"),
    ("post", "/repair-orders/{repair_order_id}/parts"),
    ("post", "/shipments"),
    ("post", "/shipments/{shipment_id}/deliver"),
}


@pytest.fixture
def api():
    return ApiClient(UserFactory(role="agent"))


def test_every_idempotent_operation_is_covered(api):
    doc = api.get("/openapi.json").json()
    with_key = {
        (method, path.removeprefix("/api/v1"))
        for path, operations in doc["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    assert with_key == set(IDEMPOTENT) | set(RETRIES_TESTED_ELSEWHERE) | NOT_YET_TESTED_ONE_BY_ONE


@pytest.mark.parametrize("op", list(IDEMPOTENT))
def test_every_field_has_a_changed_value(op):
    schema, case = IDEMPOTENT[op]
    base, changed = case()
    assert set(base) == set(schema.model_fields)
    assert set(changed) == set(schema.model_fields)
    assert all(base[name] != changed[name] for name in base)


@pytest.mark.parametrize(("op", "field"), FIELDS, ids=[f"{op[1]}:{name}" for op, name in FIELDS])
def test_r3_1_a_key_reused_with_one_field_changed_is_refused(api, op, field):
    method, path = op
    base, changed = IDEMPOTENT[op][1]()
    key = {"Idempotency-Key": f"retry-{field}"}
    first = getattr(api, method)(path, base, headers=key)
    assert first.status_code == 201, first.json()
    alone = getattr(api, method)(path, {**base, field: changed[field]})
    assert alone.status_code == 201, alone.json()  # the changed body is a valid request on its own
    response = getattr(api, method)(path, {**base, field: changed[field]}, headers=key)
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "idempotency_key_reused"
    assert WorkOrder.objects.count() == 2  # the first and the one sent without the key


def test_r3_1_a_retry_is_the_same_request_however_its_time_is_written(api):
    """The fingerprint is of the canonical request: the same moment in +08:00 and in UTC."""
    base, _changed = _work_order_case()
    key = {"Idempotency-Key": "same-moment"}
    first = api.post("/work-orders", base, headers=key)
    moment = dt.datetime.fromisoformat(base["received_at"]).astimezone(dt.UTC).isoformat()
    again = api.post("/work-orders", {**base, "received_at": moment}, headers=key)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert WorkOrder.objects.count() == 1
