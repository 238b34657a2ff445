"""R-13.2: every view of a confidential record is logged (who, what, when): contacts with their
phones, installed products, search results, on pages, in the API and in the Django admin. One
row per record shown, so the log answers "who saw this record" by its type and id."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.audit.models import AccessLog
from tests.api.conftest import ApiClient
from tests.factories import ContactFactory, CustomerFactory, InstalledProductFactory, UserFactory, make_work_order

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def customer():
    return CustomerFactory(name="宏达机电")


@pytest.fixture
def contacts(customer):
    return [ContactFactory(customer=customer, phone="13900001111"), ContactFactory(customer=customer, name="王强")]


@pytest.fixture
def products(customer):
    return [InstalledProductFactory(customer=customer, serial_number=f"SNX-77{i}") for i in range(2)]


def _viewed(actor, object_type):
    rows = AccessLog.objects.filter(actor=actor, action="view", object_type=object_type)
    return {(row.object_id, row.detail.get("search", "")) for row in rows}


def _ids(objs, search=""):
    return {(str(obj.pk), search) for obj in objs}


# ---- the API --------------------------------------------------------------------------------


def test_r13_2_api_contact_list_logs_each_contact(agent, customer, contacts):
    response = ApiClient(agent).get(f"/customers/{customer.pk}/contacts")

    assert response.status_code == 200
    assert _viewed(agent, "contact") == _ids(contacts)
    row = AccessLog.objects.get(object_type="contact", object_id=str(contacts[0].pk))
    assert row.actor == agent
    assert row.ip == "127.0.0.1"


def test_r13_2_api_installed_products_of_a_customer_are_logged(agent, customer, products):
    assert ApiClient(agent).get(f"/customers/{customer.pk}/installed-products").status_code == 200
    assert _viewed(agent, "installedproduct") == _ids(products)


def test_r13_2_api_serial_lookup_logs_the_products_found_with_the_search(agent, products):
    assert ApiClient(agent).get("/installed-products", {"serial": "SNX-77"}).status_code == 200
    assert _viewed(agent, "installedproduct") == _ids(products, "SNX-77")


def test_r13_2_api_customer_list_logs_each_customer_shown(agent, customer):
    CustomerFactory(name="远大物业")
    assert ApiClient(agent).get("/customers", {"q": "宏达"}).status_code == 200
    assert _viewed(agent, "customer") == _ids([customer], "宏达")


def test_r13_2_api_work_order_search_logs_the_results_but_browsing_does_not(agent, products):
    found = make_work_order(agent, products[0], symptom="热水器漏水")
    make_work_order(agent, products[1], symptom="空调不制冷")
    client = ApiClient(agent)

    assert client.get("/work-orders").status_code == 200
    assert _viewed(agent, "workorder") == set()
    assert client.get("/work-orders", {"q": "漏水"}).status_code == 200
    assert _viewed(agent, "workorder") == _ids([found], "漏水")


# ---- the pages ------------------------------------------------------------------------------


def test_r13_2_customer_page_logs_the_customer_its_contacts_and_its_products(
    client, agent, customer, contacts, products
):
    client.force_login(agent)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200

    assert _viewed(agent, "customer") == _ids([customer])
    assert _viewed(agent, "contact") == _ids(contacts)
    assert _viewed(agent, "installedproduct") == _ids(products)


def test_r13_2_customer_list_page_logs_the_customers_shown(client, agent, customer):
    client.force_login(agent)
    assert client.get(reverse("customers:list"), {"q": "宏达"}).status_code == 200
    assert _viewed(agent, "customer") == _ids([customer], "宏达")


def test_r13_2_intake_searches_log_what_they_found(client, agent, customer, products):
    client.force_login(agent)
    assert client.get(reverse("workorders:intake_customer_search"), {"customer_q": "宏达"}, **HTMX).status_code == 200
    assert client.get(reverse("workorders:intake_product_search"), {"serial": "SNX-77"}, **HTMX).status_code == 200

    assert _viewed(agent, "customer") == _ids([customer], "宏达")
    assert _viewed(agent, "installedproduct") == _ids(products, "SNX-77")


def test_r13_2_intake_pick_logs_the_customer_and_products_it_shows(client, agent, customer, products):
    client.force_login(agent)
    assert client.get(reverse("workorders:intake_pick"), {"customer_id": customer.pk}, **HTMX).status_code == 200
    assert _viewed(agent, "customer") == _ids([customer])
    assert _viewed(agent, "installedproduct") == _ids(products)


def test_r13_2_work_order_list_search_logs_the_results(client, agent, products):
    found = make_work_order(agent, products[0], symptom="热水器漏水")
    client.force_login(agent)
    assert client.get(reverse("workorders:list")).status_code == 200
    assert _viewed(agent, "workorder") == set()
    assert client.get(reverse("workorders:list"), {"q": "漏水"}).status_code == 200
    assert _viewed(agent, "workorder") == _ids([found], "漏水")


# ---- the Django admin -----------------------------------------------------------------------


@pytest.fixture
def admin_user():
    return UserFactory(role="admin", is_staff=True, is_superuser=True)


def test_r13_2_admin_list_logs_each_record_shown_with_the_user(client, admin_user, customer):
    CustomerFactory(name="远大物业")
    client.force_login(admin_user)
    response = client.get(reverse("admin:customers_customer_changelist"), {"q": "宏达"})

    assert response.status_code == 200
    assert _viewed(admin_user, "customer") == _ids([customer], "宏达")
    assert AccessLog.objects.get(object_type="customer").detail["admin"] == "changelist"


def test_r13_2_admin_change_page_logs_the_record_and_its_inline_contacts(client, admin_user, customer, contacts):
    client.force_login(admin_user)
    assert client.get(reverse("admin:customers_customer_change", args=[customer.pk])).status_code == 200

    row = AccessLog.objects.get(actor=admin_user, object_type="customer")
    assert (row.object_id, row.object_repr, row.detail) == (str(customer.pk), str(customer), {"admin": "change"})
    assert _viewed(admin_user, "contact") == _ids(contacts)


def test_r13_2_admin_pages_that_show_no_record_log_nothing(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:customers_customer_add")).status_code == 200
    assert not AccessLog.objects.filter(actor=admin_user, action="view").exists()
