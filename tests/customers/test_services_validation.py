"""Every customer-archive service validates its own input — lengths, choices, required — whichever
front door calls it (STYLE rules 2 and 3a; SPEC cross-cutting: bad input gets a clear message,
nothing half-saved). Each case calls the service directly, as a page, the API, the demo generator
or a future import would, and expects the refusal to name the field. A 200-character name is a
500 on PostgreSQL (the column holds 128) and silently stored on SQLite without these checks.
"""

from __future__ import annotations

import pytest

from aftersales.core.errors import DomainError
from aftersales.customers import services
from aftersales.customers.models import Contact, Customer, InstalledProduct
from tests.factories import CustomerFactory, ProductModelFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG = "长" * 300


@pytest.fixture
def agent():
    return UserFactory(role="agent")


def _refused(call, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        call()
    assert field in caught.value.fields, caught.value.fields
    assert caught.value.status == 422


CUSTOMER_BAD = [
    ("name", "张" * 129),
    ("name", ""),
    ("name", "   "),
    ("kind", "martian"),
    ("phone", "1" * 33),
    ("phone", "not a phone"),
    ("email", "a" * 250 + "@example.com"),
    ("email", "no-at-sign"),
    ("address", LONG),
    ("service_preferences", "x" * 2001),
]


@pytest.mark.parametrize(("field", "value"), CUSTOMER_BAD)
def test_r1_1_customer_create_refuses_a_bad_field(agent, field, value):
    values = {"name": "张三", field: value}
    _refused(lambda: services.customer_create(actor=agent, **values), field)
    assert not Customer.objects.exists()


def test_r1_1_customer_create_refuses_a_too_long_contact_name(agent):
    _refused(lambda: services.customer_create(actor=agent, name="张三", contact_name=LONG), "contact_name")
    assert not Customer.objects.exists()


@pytest.mark.parametrize(("field", "value"), CUSTOMER_BAD)
def test_r1_1_customer_update_refuses_a_bad_field_and_changes_nothing(agent, field, value):
    customer = CustomerFactory(name="原名")
    _refused(lambda: services.customer_update(actor=agent, customer=customer, **{field: value}), field)
    customer.refresh_from_db()
    assert customer.name == "原名"
    assert customer.kind == Customer.Kind.PERSON


def test_r1_1_customer_update_refuses_fields_it_does_not_change(agent):
    customer = CustomerFactory()
    _refused(lambda: services.customer_update(actor=agent, customer=customer, code="X1"), "code")


def test_r1_1_customer_update_saves_only_the_fields_sent(agent):
    customer = CustomerFactory(name="原名", address="上海市")
    stale = Customer.objects.get(pk=customer.pk)
    services.customer_update(actor=agent, customer=customer, name="新名")
    stale.address = "北京市"
    services.customer_update(actor=agent, customer=stale, phone="13800001111")  # another request, older copy
    customer.refresh_from_db()
    assert customer.name == "新名"  # not overwritten by the older copy's name
    assert customer.phone == "13800001111"


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", LONG), ("name", " "), ("phone", "1" * 40), ("email", "x" * 260), ("position", LONG)],
)
def test_r1_1_contact_create_refuses_a_bad_field(agent, field, value):
    customer = CustomerFactory()
    values = {"name": "李娜", field: value}
    _refused(lambda: services.contact_create(actor=agent, customer=customer, **values), field)
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("serial_number", LONG), ("serial_number", ""), ("batch", LONG), ("configuration", "x" * 4001)],
)
def test_r1_2_installed_product_create_refuses_a_bad_field(agent, field, value):
    customer = CustomerFactory()
    values = {"product_model_id": ProductModelFactory().pk, "serial_number": "SN1", field: value}
    _refused(lambda: services.installed_product_create(actor=agent, customer=customer, **values), field)
    assert not InstalledProduct.objects.exists()
