"""Staff pages of the customer archive (R-1.1 to R-1.3, R-13.1, R-13.2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.audit.models import AccessLog
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.workorders.services import communication_record
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InstalledProductFactory,
    ProductModelFactory,
    UserFactory,
    make_work_order,
    portal_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def customer():
    customer = CustomerFactory(phone="13912345678", address="上海市浦东新区张江路88号3栋1201室")
    ContactFactory(customer=customer, name="李娜", phone="13900001111")
    return customer


def test_customer_list_renders_in_chinese_and_searches(client, agent, customer):
    """R-1.1: search by name, number or phone."""
    other = CustomerFactory(name="王芳")
    client.force_login(agent)
    html = client.get(reverse("customers:list"), {"q": customer.name}).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "客户" in html
    assert customer.name in html
    assert other.name not in html
    html = client.get(reverse("customers:list"), {"q": "13912345678"}).content.decode()
    assert customer.name in html


def test_customer_list_filters_by_region_and_category(client, agent, customer):
    elsewhere = CustomerFactory(name="赵磊")
    client.force_login(agent)
    html = client.get(reverse("customers:list"), {"region": customer.region_id}).content.decode()
    assert customer.name in html
    assert elsewhere.name not in html


def test_customer_list_bounds_its_queries_and_pages(client, agent, django_assert_max_num_queries):
    CustomerFactory.create_batch(30)
    client.force_login(agent)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("customers:list"))
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.items) == 25
    assert page.has_next
    second = client.get(reverse("customers:list"), {"cursor": page.next_cursor})
    assert len(second.context["page"].items) == 5


def test_customer_detail_shows_card_preferences_contacts_and_products(client, agent, customer):
    """R-1.1, R-1.2: service preferences shown prominently; warranty status computed."""
    product = InstalledProductFactory(customer=customer, warranty_end=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(agent)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'id="service-preferences"' in html
    assert customer.service_preferences in html
    assert "李娜" in html
    assert product.serial_number in html
    assert reverse("customers:product", args=[product.pk]) in html
    assert '<span class="badge text-bg-danger">' in html  # out of warranty


def test_customer_history_shows_work_orders_and_communications(client, agent, customer):
    """R-1.3: one timeline with every work order and communication."""
    product = InstalledProductFactory(customer=customer)
    wo = make_work_order(agent, product)
    communication_record(
        actor=agent, customer_id=customer.pk, kind="call", direction="in", summary="客户来电询问上门时间"
    )
    client.force_login(agent)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert wo.number in html
    assert "客户来电询问上门时间" in html


def test_viewing_a_customer_is_logged(client, agent, customer):
    """R-13.2: every view of a customer record writes an access-log row."""
    client.force_login(agent)
    client.get(reverse("customers:detail", args=[customer.pk]))
    assert (
        AccessLog.objects.filter(actor=agent, action="view", object_type="customer", object_id=str(customer.pk)).count()
        == 1
    )


@pytest.mark.parametrize(("role", "masked"), [("agent", False), ("expert", True)])
def test_phone_and_address_masked_per_role(client, customer, role, masked):
    """R-13.1: personal data masked for roles without customers.view_contact_details."""
    client.force_login(UserFactory(role=role))
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert ("13912345678" in html) is not masked
    assert ("13900001111" in html) is not masked
    assert ("张江路88号3栋1201室" in html) is not masked
    if masked:
        assert "139****5678" in html
    listing = client.get(reverse("customers:list")).content.decode()
    assert ("13912345678" in listing) is not masked


def test_technician_sees_only_customers_of_their_jobs(client, agent, customer):
    """R-13.1: out of scope is not found."""
    technician = UserFactory(role="technician")
    client.force_login(technician)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404


def test_portal_user_cannot_open_staff_customer_pages(client, customer):
    client.force_login(portal_user(customer))
    assert client.get(reverse("customers:list")).status_code == 403
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 403


def test_create_customer(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("customers:create"),
        {
            "name": "杭州新风科技有限公司",
            "kind": "organisation",
            "phone": "0571-88886666",
            "service_preferences": "只在工作日上门",
        },
    )
    customer = Customer.objects.get(name="杭州新风科技有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.kind == "organisation"


def test_create_customer_validation_errors_shown_and_nothing_saved(client, agent):
    """Every input is validated; nothing is half-saved."""
    client.force_login(agent)
    before = Customer.objects.count()
    response = client.post(
        reverse("customers:create"), {"name": "钱多多", "kind": "person", "phone": "call me", "email": "x@"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_phone_error"' in html
    assert 'id="id_email_error"' in html
    assert Customer.objects.count() == before
    response = client.post(reverse("customers:create"), {"name": "", "kind": "person", "phone": "??"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    assert 'id="id_phone_error"' in html  # every field's error at once
    assert Customer.objects.count() == before


def test_create_customer_refused_without_permission(client):
    client.force_login(UserFactory(role="technician"))
    assert client.get(reverse("customers:create")).status_code == 403


def test_edit_customer_updates_preferences(client, agent, customer):
    client.force_login(agent)
    response = client.post(
        reverse("customers:edit", args=[customer.pk]),
        {
            "name": customer.name,
            "kind": customer.kind,
            "phone": customer.phone,
            "service_preferences": "请提前一天电话预约",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.service_preferences == "请提前一天电话预约"


def test_add_contact(client, agent, customer):
    client.force_login(agent)
    response = client.post(
        reverse("customers:contact_add", args=[customer.pk]), {"name": "周杰", "phone": "13700002222"}
    )
    assert response.status_code == 302
    assert customer.contacts.filter(name="周杰").exists()
    response = client.post(reverse("customers:contact_add", args=[customer.pk]), {"name": "周杰", "phone": "abc"})
    assert response.status_code == 422
    assert customer.contacts.filter(name="周杰").count() == 1


def test_add_installed_product_computes_warranty_end(client, agent, customer):
    """R-1.2: without a warranty end it is computed from the model's warranty."""
    model = ProductModelFactory(warranty_months=12)
    client.force_login(agent)
    response = client.post(
        reverse("customers:product_add", args=[customer.pk]),
        {
            "product_model": model.pk,
            "serial_number": "SN-NEW-001",
            "purchase_date": "2025-03-01",
            "installation_date": "2025-03-05",
        },
    )
    product = InstalledProduct.objects.get(serial_number="SN-NEW-001")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:product", args=[product.pk])
    assert product.warranty_end == dt.date(2026, 3, 4)


def test_add_installed_product_validation_errors_shown_and_nothing_saved(client, agent, customer):
    existing = InstalledProductFactory(customer=customer)
    future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    client.force_login(agent)
    response = client.post(
        reverse("customers:product_add", args=[customer.pk]),
        {"product_model": existing.product_model_id, "serial_number": existing.serial_number, "purchase_date": future},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_serial_number_error"' in html
    assert 'id="id_purchase_date_error"' in html
    assert InstalledProduct.objects.count() == 1


def test_product_detail_shows_dates_and_work_orders(client, agent, customer):
    """R-1.3: the service history of one installed product."""
    product = InstalledProductFactory(customer=customer, configuration="室内机+室外机 遥控器")
    other_product = InstalledProductFactory(customer=customer)
    wo = make_work_order(agent, product)
    other = make_work_order(agent, other_product)
    client.force_login(agent)
    response = client.get(reverse("customers:product", args=[product.pk]))
    html = response.content.decode()
    assert product.serial_number in html
    assert "B2026-03" in html
    assert "室内机+室外机 遥控器" in html
    assert wo.number in html
    assert other.number not in html
    assert AccessLog.objects.filter(action="view", object_type="installedproduct", object_id=str(product.pk)).exists()


def test_customer_detail_bounds_its_queries(client, agent, customer, django_assert_max_num_queries):
    for _ in range(5):
        make_work_order(agent, InstalledProductFactory(customer=customer))
        communication_record(actor=agent, customer_id=customer.pk, kind="sms", direction="out", summary="已短信通知")
    client.force_login(agent)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200
