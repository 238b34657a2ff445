"""R-8.4 through its doors: correcting a work order's product on the work-order page (htmx) and
in the API (POST /work-orders/{id}/product) moves the batch-fault count, for exactly the roles
that take requests (agent, dispatcher, supervisor); every other role is refused, and bad input
answers a coded error naming the field with nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.feedback.counting import fault_counts_check
from aftersales.feedback.models import FaultCounter, Incident
from aftersales.workorders import services
from tests.api.conftest import ApiClient
from tests.factories import InstalledProductFactory, UserFactory, portal_user
from tests.feedback.conftest import report

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "wo-detail"}
ALLOWED = ["agent", "dispatcher", "supervisor"]
REFUSED = ["technician", "expert", "qa", "executive", "quality"]


@pytest.fixture
def orders(agent, model, owners):
    """Ten reports of batch B2026-11: its incident is open with 10."""
    return [report(agent, model) for _ in range(10)]


@pytest.fixture
def wo(orders):
    return orders[0]


@pytest.fixture
def right(wo, model):
    """The product the customer actually meant: same customer, another batch."""
    return InstalledProductFactory(customer=wo.customer, product_model=model, batch="B-RIGHT")


def _counts(model):
    incident = Incident.objects.get(product_model=model, batch="B2026-11")
    moved = FaultCounter.objects.filter(product_model=model, batch="B-RIGHT").first()
    return incident.reports, moved.reports if moved else 0


def _body(product, reason="客户报错了序列号"):
    return {"installed_product_id": product.pk, "reason": reason}


@pytest.mark.parametrize("role", ALLOWED)
def test_r8_4_api_product_change_moves_the_incident_count(role, wo, right, model):
    response = ApiClient(UserFactory(role=role)).post(f"/work-orders/{wo.pk}/product", _body(right))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["installed_product"]["id"] == right.pk
    assert _counts(model) == (9, 1)
    assert fault_counts_check() == []


@pytest.mark.parametrize("role", REFUSED)
def test_r8_4_api_product_change_refused_for_roles_that_do_not_take_requests(role, wo, right, model):
    user = UserFactory(role=role)
    if role == "technician":  # a technician sees only his own jobs: give him this one
        services.work_order_assign(actor=UserFactory(role="dispatcher"), work_order_id=wo.pk, assignee_id=user.pk)
    response = ApiClient(user).post(f"/work-orders/{wo.pk}/product", _body(right))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _counts(model) == (10, 0)


def test_r8_4_api_product_change_refused_for_the_customer(wo, right, model):
    customer = portal_user(wo.customer)
    response = ApiClient(customer).post(f"/work-orders/{wo.pk}/product", _body(right))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _counts(model) == (10, 0)


def test_r8_4_api_product_change_out_of_scope_work_order_is_not_found(wo, right):
    technician = UserFactory(role="technician")  # not assigned: he cannot see it
    response = ApiClient(technician).post(f"/work-orders/{wo.pk}/product", _body(right))
    assert response.status_code == 404


def test_r8_4_api_product_change_bad_input_names_the_field(agent, wo, right, model):
    api = ApiClient(agent)
    url = f"/work-orders/{wo.pk}/product"
    cases = [
        ({"installed_product_id": right.pk, "reason": "  "}, 422, "reason"),
        ({"installed_product_id": right.pk, "reason": "x" * 5001}, 422, "reason"),
        ({"installed_product_id": right.pk}, 422, "reason"),
        ({"installed_product_id": "1", "reason": "x"}, 422, "installed_product_id"),
        ({"installed_product_id": True, "reason": "x"}, 422, "installed_product_id"),
        ({"installed_product_id": 10**30, "reason": "x"}, 422, "installed_product_id"),
        ({"installed_product_id": 999999, "reason": "x"}, 404, "installed_product_id"),
        ({"installed_product_id": wo.installed_product_id, "reason": "x"}, 422, "installed_product_id"),
        ({"installed_product_id": InstalledProductFactory().pk, "reason": "x"}, 422, "installed_product_id"),
    ]
    for body, status, field in cases:
        response = api.post(url, body)
        assert response.status_code == status, (body, response.json())
        assert field in response.json()["fields"], (body, response.json())
    assert _counts(model) == (10, 0)  # nothing half-saved
    assert api.post("/work-orders/99999999/product", _body(right)).status_code == 404


def test_r8_4_api_product_change_on_an_archived_work_order_is_read_only(agent, wo, right, model):
    from aftersales.workorders.models import WorkOrder

    WorkOrder.objects.filter(pk=wo.pk).update(status="archived")
    response = ApiClient(agent).post(f"/work-orders/{wo.pk}/product", _body(right))
    assert response.status_code == 409
    assert response.json()["code"] == "work_order_read_only"
    assert _counts(model) == (10, 0)


@pytest.mark.parametrize("role", ALLOWED)
def test_r8_4_page_offers_the_correction_and_it_moves_the_count(role, wo, right, model, client):
    client.force_login(UserFactory(role=role))
    page = client.get(reverse("workorders:detail", args=[wo.pk]))
    names = [item["name"] for item in page.context["action_forms"]]
    assert "product" in names
    assert f'value="{right.pk}"' in page.content.decode()  # the customer's other product is offered
    url = reverse("workorders:action", args=[wo.pk, "product"])
    response = client.post(url, {"installed_product": right.pk, "reason": "客户报错了序列号"}, **HTMX)
    assert response.status_code == 200
    assert _counts(model) == (9, 1)
    wo.refresh_from_db()
    assert wo.installed_product_id == right.pk
    html = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert "客户报错了序列号" in html  # the reason on the timeline


@pytest.mark.parametrize("role", REFUSED)
def test_r8_4_page_does_not_offer_the_correction_and_refuses_the_post(role, wo, right, model, client):
    user = UserFactory(role=role)
    if role == "technician":  # a technician sees only his own jobs: give him this one
        services.work_order_assign(actor=UserFactory(role="dispatcher"), work_order_id=wo.pk, assignee_id=user.pk)
    client.force_login(user)
    page = client.get(reverse("workorders:detail", args=[wo.pk]))
    if page.status_code == 200:  # (quality has no work-order pages at all)
        assert "product" not in [item["name"] for item in page.context["action_forms"]]
    url = reverse("workorders:action", args=[wo.pk, "product"])
    response = client.post(url, {"installed_product": right.pk, "reason": "x"}, **HTMX)
    assert response.status_code in (403, 404)
    assert _counts(model) == (10, 0)


def test_r8_4_page_not_offered_without_another_product(agent, model, owners, client):
    wo = report(agent, model)  # its customer has only this product
    client.force_login(agent)
    page = client.get(reverse("workorders:detail", args=[wo.pk]))
    assert "product" not in [item["name"] for item in page.context["action_forms"]]


def test_r8_4_page_bad_input_comes_back_with_the_field_named(agent, wo, right, model, client):
    client.force_login(agent)
    url = reverse("workorders:action", args=[wo.pk, "product"])
    response = client.post(url, {"installed_product": right.pk, "reason": ""}, **HTMX)
    assert response.status_code == 422
    form = next(item["form"] for item in response.context["action_forms"] if item["name"] == "product")
    assert "reason" in form.errors
    stranger = InstalledProductFactory(batch="B-X")  # not this customer's: not among the choices
    response = client.post(url, {"installed_product": stranger.pk, "reason": "x"}, **HTMX)
    assert response.status_code == 422
    form = next(item["form"] for item in response.context["action_forms"] if item["name"] == "product")
    assert "installed_product" in form.errors
    assert _counts(model) == (10, 0)
