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
    PartFactory,
    ProductModelFactory,
    UserFactory,
    WarehouseFactory,
    make_work_order,
    stock_in,
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
    # The technician's phone: check-in, parts, photos and the report's submit.
    (
        "post",
        "/work-orders/{work_order_id}/visits",
    ): "tests/fieldservice/test_visit_services.py::test_a_second_open_visit_is_refused_and_a_retried_check_in_records_one_visit",
    (
        "post",
        "/visits/{visit_id}/parts",
    ): "tests/fieldservice/test_visit_services.py::test_r3_1_a_part_sent_again_with_its_key_leaves_stock_once",
    (
        "post",
        "/visits/{visit_id}/photos",
    ): "tests/fieldservice/test_visit_api.py::test_a_photo_sent_again_with_its_idempotency_key_is_stored_once",
    (
        "post",
        "/visits/{visit_id}/submit",
    ): "tests/fieldservice/test_visit_concurrency.py",
}
# Each has its own retry test below (test_r3_1_each_idempotent_operation_retries_once).
RETRIED_ONE_BY_ONE = {
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
    assert with_key == set(IDEMPOTENT) | set(RETRIES_TESTED_ELSEWHERE) | RETRIED_ONE_BY_ONE


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


# --- each idempotent operation of parts and repairs, one by one (R-3.1 retries) ---


def _parts_world() -> dict:
    admin = UserFactory(role="admin")
    central = WarehouseFactory(kind="central", code="C-ONE")
    branch = WarehouseFactory(kind="branch", code="B-ONE")
    part = PartFactory()
    stock_in(part, central, 5)
    return {"admin": admin, "central": central, "branch": branch, "part": part}


def _repair_world(to: str) -> dict:
    from tests.repairs.conftest import People, walk

    people = People()
    central = WarehouseFactory(kind="central", code="FACTORY")
    part = PartFactory()
    stock_in(part, central, 5)
    wo = make_work_order(people.agent)
    ro = walk(people, wo, to=to)
    return {"people": people, "ro": ro, "wo": wo, "part": part}


def _counts(*querysets) -> tuple[int, ...]:
    return tuple(qs.count() for qs in querysets)


def _case(name: str) -> dict:
    """For one operation: who calls, the path, a body, another body, and what one effect counts."""
    from aftersales.parts.models import Part, StockMove, Warehouse
    from aftersales.repairs.models import DeadlineAgreement, RepairEvent, RepairPart, Shipment

    now = timezone.now()
    if name in ("/warehouses", "/parts", "/stock-moves"):
        w = _parts_world()
        bodies = {
            "/warehouses": (
                {"code": "V-NEW", "name": "新仓库", "kind": "branch"},
                {"code": "V-NEW", "name": "另一个仓库", "kind": "branch"},
                lambda: _counts(Warehouse.objects),
            ),
            "/parts": (
                {"code": "CAP-1", "name": "电容", "certified": True, "unit_cost": "10.00", "customer_price": "20.00"},
                {"code": "CAP-1", "name": "电容", "certified": True, "unit_cost": "10.00", "customer_price": "25.00"},
                lambda: _counts(Part.objects),
            ),
            "/stock-moves": (
                {
                    "kind": "transfer",
                    "part_id": w["part"].pk,
                    "warehouse_id": w["central"].pk,
                    "to_warehouse_id": w["branch"].pk,
                    "quantity": 2,
                },
                {
                    "kind": "transfer",
                    "part_id": w["part"].pk,
                    "warehouse_id": w["central"].pk,
                    "to_warehouse_id": w["branch"].pk,
                    "quantity": 3,
                },
                lambda: _counts(StockMove.objects),
            ),
        }
        body, other, effect = bodies[name]
        return {"client": ApiClient(w["admin"]), "path": name, "body": body, "other": other, "effect": effect}
    if name in ("/shipments", "/shipments/{shipment_id}/deliver"):
        w = _repair_world("shipped" if name.endswith("deliver") else "received")
        agent = ApiClient(w["people"].agent)
        if name == "/shipments":
            body = {"work_order_id": w["wo"].pk, "contents": "parts", "tracking_number": "EA000000001CN"}
            return {
                "client": agent,
                "path": name,
                "body": body,
                "other": {**body, "tracking_number": "EA000000002CN"},
                "effect": lambda: _counts(Shipment.objects),
            }
        shipment = Shipment.objects.get(repair_order=w["ro"])
        return {
            "client": agent,
            "path": f"/shipments/{shipment.pk}/deliver",
            "body": {"note": "客户签收"},
            "other": {"note": "门卫代收"},
            "effect": lambda: _counts(
                RepairEvent.objects.filter(repair_order=w["ro"]), Shipment.objects.filter(delivered_at__isnull=False)
            ),
        }
    # the repair order's own actions: (status it must be in, who acts, body, other body, what counts)
    steps = {
        "receive": (
            "expected",
            "agent",
            {"condition": "外壳完好", "accessories": ["remote"]},
            {"condition": "外壳划伤"},
        ),
        "assign": ("received", "agent", None, None),
        "diagnose": ("assigned", "technician", {"diagnosis": "电容损坏"}, {"diagnosis": "风扇损坏"}),
        "repair-done": ("repairing", "technician", {"repair_notes": "更换电容"}, {"repair_notes": "更换风扇"}),
        "agreements": ("received", "agent", None, None),
        "ship": ("passed", "agent", {"tracking_number": "EA000000003CN"}, {"tracking_number": "EA000000004CN"}),
        "parts": ("repairing", "technician", None, None),
    }
    action = name.rsplit("/", 1)[1]
    status, who, body, other = steps[action]
    w = _repair_world(status)
    people, ro = w["people"], w["ro"]
    if action == "assign":
        body, other = {"repairer_id": people.technician.pk}, {"repairer_id": people.other_technician.pk}
    if action == "agreements":
        body = {
            "new_deadline_at": (now + dt.timedelta(days=30)).isoformat(),
            "agreed_with": "张先生",
            "agreed_at": now.isoformat(),
            "channel": "phone",
        }
        other = {**body, "agreed_with": "李女士"}
    if action == "parts":
        body, other = {"part_id": w["part"].pk, "quantity": 1}, {"part_id": w["part"].pk, "quantity": 2}
    events = RepairEvent.objects.filter(repair_order=ro)
    effect = {
        "agreements": lambda: _counts(events, DeadlineAgreement.objects.filter(repair_order=ro)),
        "ship": lambda: _counts(events, Shipment.objects.filter(repair_order=ro)),
        "parts": lambda: _counts(events, RepairPart.objects.filter(repair_order=ro), StockMove.objects),
    }.get(action, lambda: _counts(events))
    return {
        "client": ApiClient(getattr(people, who)),
        "path": f"/repair-orders/{ro.pk}/{action}",
        "body": body,
        "other": other,
        "effect": effect,
    }


@pytest.mark.parametrize("op", sorted(RETRIED_ONE_BY_ONE), ids=lambda op: op[1])
def test_r3_1_each_idempotent_operation_retries_once(op):
    """Sent twice with one Idempotency-Key: one effect, the same answer; the same key with another
    body: 422 ``idempotency_key_reused`` and still one effect."""
    case = _case(op[1])
    api, path, key = case["client"], case["path"], {"Idempotency-Key": f"once-{op[1]}"}
    before = case["effect"]()
    first = api.post(path, case["body"], headers=key)
    assert first.status_code in (200, 201), first.json()
    after = case["effect"]()
    assert after != before  # the request had an effect
    again = api.post(path, case["body"], headers=key)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert case["effect"]() == after
    reused = api.post(path, case["other"], headers=key)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused"), reused.json()
    assert case["effect"]() == after
