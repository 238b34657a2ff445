"""Customer archive and catalogue API (R-1, R-2.3, R-13): mapping, status codes, scope, masking."""

from __future__ import annotations

import pytest

from aftersales.audit.models import AccessLog
from aftersales.catalog.models import GuidedQuestion
from aftersales.customers.models import Customer
from tests.api.conftest import ApiClient
from tests.factories import (
    CustomerFactory,
    FaultCategoryFactory,
    InstalledProductFactory,
    ProductModelFactory,
    UserFactory,
    make_work_order,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-25T12:00:00+08:00")]  # written about November 2026


def test_r1_1_create_read_update_customer(agent):
    api = ApiClient(agent)
    response = api.post(
        "/customers",
        {"name": "上海某某机械有限公司", "kind": "organisation", "phone": "13812345678", "contact_name": "王工"},
    )
    assert response.status_code == 201
    created = response.json()
    assert created["code"].startswith("C")
    detail = api.get(f"/customers/{created['id']}")
    assert detail.status_code == 200
    assert detail.json()["phone"] == "13812345678"
    assert AccessLog.objects.filter(actor=agent, action="view", object_type="customer").exists()
    patched = api.patch(f"/customers/{created['id']}", {"service_preferences": "只接受上午上门"})
    assert patched.status_code == 200
    assert patched.json()["service_preferences"] == "只接受上午上门"
    assert patched.json()["name"] == "上海某某机械有限公司"


def test_r1_1_customer_validation_names_fields(agent):
    api = ApiClient(agent)
    response = api.post("/customers", {"name": "", "kind": "robot", "email": "x" * 300, "region_id": 2**70})
    assert response.status_code == 422
    assert {"name", "kind", "email", "region_id"} <= set(response.json()["fields"])
    response = api.post("/customers", {"name": "张三", "phone": "abc"})
    assert response.status_code == 422
    assert "phone" in response.json()["fields"]
    customer = CustomerFactory()
    for body in ({"name": None}, {"phone": None}, {"name": "x" * 129}):
        response = api.patch(f"/customers/{customer.pk}", body)
        assert response.status_code == 422, body


def test_customer_list_pages_and_filters(agent):
    for _ in range(3):
        CustomerFactory()
    target = CustomerFactory(name="独特的名字")
    api = ApiClient(agent)
    page = api.get("/customers", {"page_size": 2}).json()
    assert len(page["items"]) == 2
    assert page["count"] == 4
    assert page["next_cursor"]
    rest = api.get("/customers", {"page_size": 2, "cursor": page["next_cursor"]}).json()
    assert len(rest["items"]) == 2
    assert rest["next_cursor"] is None
    assert [c["id"] for c in api.get("/customers", {"q": "独特"}).json()["items"]] == [target.pk]


def test_r13_1_customers_scoped_and_masked(agent, product, customer_user):
    other = CustomerFactory()
    portal = ApiClient(customer_user)
    assert [c["id"] for c in portal.get("/customers").json()["items"]] == [product.customer_id]
    assert portal.get(f"/customers/{other.pk}").status_code == 404
    assert portal.get(f"/customers/{other.pk}/history").status_code == 404
    expert = ApiClient(UserFactory(role="expert"))  # no view_contact_details
    shown = expert.get(f"/customers/{other.pk}").json()
    assert "****" in shown["phone"]
    assert "****" in shown["address"]
    technician = ApiClient(UserFactory(role="technician"))
    assert technician.get(f"/customers/{other.pk}").status_code == 404
    assert technician.post("/customers", {"name": "x"}).status_code == 403


def test_r1_1_contacts(agent, product):
    api = ApiClient(agent)
    base = f"/customers/{product.customer_id}/contacts"
    response = api.post(base, {"name": "李娜", "phone": "13900001111", "position": "设备科", "is_primary": True})
    assert response.status_code == 201
    assert [c["name"] for c in api.get(base).json()] == ["李娜"]
    assert api.post(base, {"name": ""}).status_code == 422


def test_r1_2_installed_products(agent, product):
    api = ApiClient(agent)
    model = ProductModelFactory()
    base = f"/customers/{product.customer_id}/installed-products"
    response = api.post(
        base, {"product_model_id": model.pk, "serial_number": "SN-NEW-1", "installation_date": "2025-01-10"}
    )
    assert response.status_code == 201
    created = response.json()
    assert created["warranty_end"] == "2028-01-09"
    assert created["warranty_status"] == "in_warranty"
    assert len(api.get(base).json()) == 2
    assert api.get(f"/installed-products/{created['id']}").json()["serial_number"] == "SN-NEW-1"
    assert [p["id"] for p in api.get("/installed-products", {"serial": "SN-NEW"}).json()] == [created["id"]]
    duplicate = api.post(base, {"product_model_id": model.pk, "serial_number": "SN-NEW-1"})
    assert duplicate.status_code == 422
    assert "serial_number" in duplicate.json()["fields"]
    far = api.post(base, {"product_model_id": model.pk, "serial_number": "SN-2", "installation_date": "9999-12-01"})
    assert far.status_code == 422
    assert "installation_date" in far.json()["fields"]
    assert api.get("/installed-products", {"serial": ""}).status_code == 422


def test_installed_products_scoped(customer_user):
    other = InstalledProductFactory()
    portal = ApiClient(customer_user)
    assert portal.get(f"/installed-products/{other.pk}").status_code == 404
    assert portal.get("/installed-products", {"serial": other.serial_number}).json() == []


def test_customer_history_query_count_bounded(agent, product, django_assert_max_num_queries):
    for _ in range(5):
        make_work_order(agent, product)
    api = ApiClient(agent)
    api.get(f"/customers/{product.customer_id}/history")
    with django_assert_max_num_queries(10):
        response = api.get(f"/customers/{product.customer_id}/history")
    assert len(response.json()["work_orders"]) == 5


def test_r2_3_catalogue_with_guided_questions(agent):
    fault = FaultCategoryFactory(default_priority="P1")
    GuidedQuestion.objects.create(fault_category=fault, text="开机时有异响还是运行中?", position=1)
    FaultCategoryFactory(product_line=None)
    model = ProductModelFactory()
    api = ApiClient(agent)
    assert [line["code"] for line in api.get("/product-lines").json()] == ["ac"]
    models = api.get("/product-models", {"product_line_id": model.product_line_id}).json()
    assert model.pk in [m["id"] for m in models]
    with_line = api.get("/fault-categories", {"product_line_id": fault.product_line_id}).json()
    assert len(with_line) == 2
    first = next(c for c in with_line if c["id"] == fault.pk)
    assert first["default_priority"] == "P1"
    assert [q["text"] for q in first["questions"]] == ["开机时有异响还是运行中?"]
    assert ApiClient().get("/product-lines").status_code == 401


def test_customer_kind_enum(agent):
    response = ApiClient(agent).post("/customers", {"name": "李四"})
    assert response.json()["kind"] == Customer.Kind.PERSON
