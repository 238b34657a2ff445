"""The parts API (R-7): the endpoints of issue #10, their codes, and who may call them."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.parts.models import Part, StockBalance, Warehouse
from tests.api.conftest import API, ApiClient
from tests.factories import (
    InstalledProductFactory,
    PartFactory,
    ProductModelFactory,
    UserFactory,
    WarehouseFactory,
    make_work_order,
    portal_user,
    stock_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role="admin")


@pytest.fixture
def agent():
    return UserFactory(role="agent")


def test_r7_1_an_administrator_creates_warehouses_and_parts(admin):
    api = ApiClient(admin)
    tech = UserFactory(role="technician")
    r = api.post("/warehouses", {"code": "C1", "name": "中央仓库", "kind": "central"})
    assert r.status_code == 201, r.json()
    assert Warehouse.objects.get(pk=r.json()["id"]).kind == "central"
    r = api.post("/warehouses", {"code": "V1", "name": "张工的车", "kind": "van", "holder_id": tech.pk})
    assert (r.status_code, r.json()["holder_id"]) == (201, tech.pk)
    r = api.post("/warehouses", {"code": "V2", "name": "无人车", "kind": "van"})
    assert (r.status_code, r.json()["code"], list(r.json()["fields"])) == (422, "validation_error", ["holder_id"])
    model = ProductModelFactory()
    body = {
        "code": "CAP-45",
        "name": "压缩机电容",
        "certified": True,
        "unit_cost": "20.50",
        "customer_price": 45,
        "specification": "45µF 450V",
        "compatible_model_ids": [model.pk],
    }
    r = api.post("/parts", body)
    assert r.status_code == 201, r.json()
    got = api.get(f"/parts/{r.json()['id']}").json()
    assert (got["code"], got["customer_price"], got["compatible_model_ids"]) == ("CAP-45", "45.00", [model.pk])
    r = api.post("/parts", body)
    assert (r.status_code, list(r.json()["fields"])) == (422, ["code"])


def test_r7_1_stock_moves_and_the_stock_of_a_part_in_every_warehouse(admin):
    api = ApiClient(admin)
    part, a, b = PartFactory(), WarehouseFactory(), WarehouseFactory(kind="branch")
    r = api.post("/stock-moves", {"kind": "receipt", "part_id": part.pk, "warehouse_id": a.pk, "quantity": 10})
    assert r.status_code == 201, r.json()
    r = api.post(
        "/stock-moves",
        {"kind": "transfer", "part_id": part.pk, "warehouse_id": a.pk, "to_warehouse_id": b.pk, "quantity": 4},
    )
    assert (r.status_code, r.json()["kind"], r.json()["counterpart_id"]) == (201, "transfer_out", b.pk)
    r = api.post(
        "/stock-moves",
        {"kind": "adjustment", "part_id": part.pk, "warehouse_id": b.pk, "quantity": -1, "reason": "盘亏"},
    )
    assert r.status_code == 201
    items = api.get(f"/parts/{part.pk}/stock").json()["items"]
    assert [(i["warehouse_id"], i["on_hand"], i["reserved"], i["available"]) for i in items] == [
        (b.pk, 3, 0, 3),
        (a.pk, 6, 0, 6),
    ]  # by kind (branch before central), then code
    assert all(isinstance(i["on_hand"], int) for i in items)
    r = api.post(
        "/stock-moves",
        {"kind": "transfer", "part_id": part.pk, "warehouse_id": a.pk, "to_warehouse_id": b.pk, "quantity": 7},
    )
    assert (r.status_code, r.json()["code"], r.json()["available"]) == (409, "insufficient_stock", 6)
    r = api.post("/stock-moves", {"kind": "adjustment", "part_id": part.pk, "warehouse_id": b.pk, "quantity": 1})
    assert (r.status_code, list(r.json()["fields"])) == (422, ["reason"])
    moves = api.get("/stock-moves", {"part_id": part.pk}).json()["items"]
    assert [m["kind"] for m in moves] == ["adjustment", "transfer_in", "transfer_out", "receipt"]


def test_r7_2_reserve_409_with_available_422_uncertified_and_delete_releases(agent):
    api = ApiClient(agent)
    central = WarehouseFactory()
    part, uncertified = PartFactory(), PartFactory(certified=False)
    stock_in(part, central, 2)
    stock_in(uncertified, central, 2)
    wo = make_work_order(agent)
    url = f"/work-orders/{wo.pk}/parts"
    r = api.post(url, {"part_id": part.pk, "warehouse_id": central.pk, "quantity": 2}, headers={"Idempotency-Key": "k"})
    assert r.status_code == 201, r.json()
    line = r.json()
    assert (line["status"], line["quantity"], line["part_code"]) == ("reserved", 2, part.code)
    again = api.post(
        url, {"part_id": part.pk, "warehouse_id": central.pk, "quantity": 2}, headers={"Idempotency-Key": "k"}
    )
    assert (again.status_code, again.json()["id"]) == (201, line["id"])
    r = api.post(url, {"part_id": part.pk, "warehouse_id": central.pk, "quantity": 1})
    assert r.status_code == 409
    assert (r.json()["code"], r.json()["available"]) == ("insufficient_stock", 0)
    r = api.post(url, {"part_id": uncertified.pk, "warehouse_id": central.pk, "quantity": 1})
    assert (r.status_code, r.json()["code"]) == (422, "part_not_certified")
    r = api.post(url, {"part_id": part.pk, "warehouse_id": central.pk, "quantity": 0})
    assert (r.status_code, r.json()["code"]) == (422, "validation_error")
    r = api.client.delete(f"{API}{url}/{line['id']}", headers=api.headers)
    assert r.status_code == 204
    assert StockBalance.objects.get(part=part, warehouse=central).available == 2
    assert [x["status"] for x in api.get(url).json()] == ["released"]


def test_r7_2_the_charge_override_by_api(agent):
    api = ApiClient(agent)
    central, part = WarehouseFactory(), PartFactory(customer_price="99.00")
    stock_in(part, central, 1)
    wo = make_work_order(agent, InstalledProductFactory(warranty_end=dt.date(2020, 1, 1)))
    line = api.post(
        f"/work-orders/{wo.pk}/parts", {"part_id": part.pk, "warehouse_id": central.pk, "quantity": 1}
    ).json()
    assert line["charge"] == "99.00"
    r = api.post(f"/work-orders/{wo.pk}/parts/{line['id']}/charge", {"charge": "0", "reason": "客户投诉补偿"})
    assert r.status_code == 200, r.json()
    assert (r.json()["charge"], r.json()["charge_overridden"]) == ("0.00", True)


def test_r13_1_a_customer_sees_no_stock_but_the_lines_of_his_own_work_order(agent):
    central, part = WarehouseFactory(), PartFactory()
    stock_in(part, central, 1)
    wo = make_work_order(agent)
    ApiClient(agent).post(
        f"/work-orders/{wo.pk}/parts", {"part_id": part.pk, "warehouse_id": central.pk, "quantity": 1}
    )
    customer = ApiClient(portal_user(wo.customer))
    assert customer.get(f"/parts/{part.pk}").status_code == 404
    assert customer.get(f"/parts/{part.pk}/stock").status_code == 404
    assert customer.get("/warehouses").json() == []
    assert customer.get("/stock/below-minimum").json()["items"] == []
    lines = customer.get(f"/work-orders/{wo.pk}/parts").json()
    assert [x["part_code"] for x in lines] == [part.code]
    r = customer.post(f"/work-orders/{wo.pk}/parts", {"part_id": part.pk, "warehouse_id": central.pk, "quantity": 1})
    assert r.status_code in (403, 404)
    other = ApiClient(portal_user(InstalledProductFactory().customer))
    assert other.get(f"/work-orders/{wo.pk}/parts").status_code == 404


@pytest.mark.parametrize("role", ["agent", "technician", "executive"])
def test_r7_1_only_managers_create_parts_warehouses_and_moves(role):
    api = ApiClient(UserFactory(role=role))
    part, wh = PartFactory(), WarehouseFactory()
    assert api.post("/warehouses", {"code": "X", "name": "X", "kind": "central"}).status_code == 403
    body = {"code": "X", "name": "X", "certified": True, "unit_cost": 1, "customer_price": 1}
    assert api.post("/parts", body).status_code == 403
    r = api.post("/stock-moves", {"kind": "receipt", "part_id": part.pk, "warehouse_id": wh.pk, "quantity": 1})
    assert r.status_code in (403, 404)
    assert Part.objects.count() == 1


def test_r13_1_a_technician_sees_his_van_and_the_stores_not_other_vans(agent):
    tech, other = UserFactory(role="technician"), UserFactory(role="technician")
    central = WarehouseFactory()
    van, other_van = WarehouseFactory(kind="van", holder=tech), WarehouseFactory(kind="van", holder=other)
    part = PartFactory()
    for wh in (central, van, other_van):
        stock_in(part, wh, 1)
    api = ApiClient(tech)
    assert {w["id"] for w in api.get("/warehouses").json()} == {central.pk, van.pk}
    assert {i["warehouse_id"] for i in api.get(f"/parts/{part.pk}/stock").json()["items"]} == {central.pk, van.pk}
    assert len(ApiClient(UserFactory(role="executive")).get(f"/parts/{part.pk}/stock").json()["items"]) == 3


def test_r7_1_below_minimum_list(admin):
    api = ApiClient(admin)
    wh, low, fine = WarehouseFactory(), PartFactory(), PartFactory()
    stock_in(low, wh, 1)
    stock_in(fine, wh, 5)
    for part in (low, fine):
        r = api.post("/stock-minimums", {"part_id": part.pk, "warehouse_id": wh.pk, "minimum": 2})
        assert r.status_code == 200, r.json()
    items = api.get("/stock/below-minimum").json()["items"]
    assert [(i["part_id"], i["available"], i["minimum"]) for i in items] == [(low.pk, 1, 2)]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/parts", {"page_size": "0"}),
        ("/parts", {"cursor": "garbage"}),
        ("/parts", {"certified": "maybe"}),
        ("/stock-moves", {"part_id": "99999999999999999999"}),
        ("/stock/below-minimum", {"warehouse_id": "-1"}),
    ],
)
def test_bad_query_values_are_422_not_500(admin, path, query):
    r = ApiClient(admin).get(path, query)
    assert r.status_code == 422
    assert r.json()["code"] in ("validation_error", "invalid_cursor")
