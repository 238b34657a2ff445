"""R-2.3: one length limit per text field of a request, decided in the service.

``workorders.services`` holds one constant per text field; the service refuses a longer text
whoever calls it, and the staff intake form, the portal's request form and the API schema take
their limit from the same constant, so a customer can no longer type 10,000 characters into
"您希望我们怎么处理" where the staff form stops at 4,000.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.core.errors import ValidationFailed
from aftersales.portal.forms import RequestForm
from aftersales.workorders import services
from aftersales.workorders.forms import CommunicationForm, IntakeForm
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.schemas import CommunicationIn, WorkOrderIn
from tests.api.conftest import ApiClient
from tests.factories import InstalledProductFactory, UserFactory, make_work_order, portal_user

pytestmark = pytest.mark.django_db

LIMITS = {
    "symptom": services.SYMPTOM_MAX_LENGTH,
    "demand": services.DEMAND_MAX_LENGTH,
    "resolution": services.RESOLUTION_MAX_LENGTH,
}


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def product():
    return InstalledProductFactory()


def _values(field: str, text: str) -> dict:
    """A staff request with ``text`` in ``field`` (an answer given on the spot for the resolution)."""
    values = {"symptom": "空调不制冷", field: text}
    if field == "resolution":
        values.update(service_type="consultation", answered_on_spot=True)
    return values


def _textarea_limit(html: str, name: str) -> int | None:
    tag = re.search(rf'<textarea[^>]*name="{name}"[^>]*>', html)
    assert tag, name
    limit = re.search(r'maxlength="(\d+)"', tag.group(0))
    return int(limit.group(1)) if limit else None


def test_r2_3_every_front_door_takes_the_services_limit():
    """The forms and the API schemas read their max_length from the service's constants."""
    intake = IntakeForm()
    for field, limit in LIMITS.items():
        assert intake.fields[field].max_length == limit
    portal = RequestForm()
    assert portal.fields["symptom"].max_length == services.SYMPTOM_MAX_LENGTH
    assert portal.fields["demand"].max_length == services.DEMAND_MAX_LENGTH
    schema = WorkOrderIn.model_json_schema()["properties"]
    for field, limit in LIMITS.items():
        assert schema[field]["maxLength"] == limit
    assert CommunicationForm().fields["summary"].max_length == services.SUMMARY_MAX_LENGTH
    assert CommunicationIn.model_json_schema()["properties"]["summary"]["maxLength"] == services.SUMMARY_MAX_LENGTH


@pytest.mark.parametrize("field", sorted(LIMITS))
def test_r2_3_the_service_refuses_a_text_over_its_limit(agent, product, field):
    """Called directly (no form, no schema before it): the limit holds, nothing is created."""
    limit = LIMITS[field]
    with pytest.raises(ValidationFailed) as refused:
        make_work_order(agent, product, **_values(field, "长" * (limit + 1)))
    assert set(refused.value.fields) == {field}
    assert str(limit) in str(refused.value.fields[field])
    assert WorkOrder.objects.count() == 0
    wo = make_work_order(agent, product, **_values(field, "长" * limit))
    assert len(getattr(wo, field)) == limit


def test_r2_3_a_portal_user_gets_the_same_limit_from_the_service(product):
    customer = portal_user(product.customer)
    values = {"service_type": "repair", "installed_product_id": product.pk, "symptom": "不制冷"}
    with pytest.raises(ValidationFailed) as refused:
        services.work_order_create(actor=customer, customer_id=None, demand="长" * 10_000, **values)
    assert set(refused.value.fields) == {"demand"}
    wo = services.work_order_create(
        actor=customer, customer_id=None, demand="长" * services.DEMAND_MAX_LENGTH, **values
    )
    assert len(wo.demand) == services.DEMAND_MAX_LENGTH


def test_r2_3_the_portal_form_stops_at_the_limit(client, product):
    """The textarea stops typing at the limit; a longer text posted anyway is refused on the field."""
    client.force_login(portal_user(product.customer))
    page = client.get(reverse("portal:new")).content.decode()
    assert _textarea_limit(page, "demand") == services.DEMAND_MAX_LENGTH
    assert _textarea_limit(page, "symptom") == services.SYMPTOM_MAX_LENGTH
    data = {"service_type": "repair", "installed_product": product.pk, "symptom": "空调不制冷"}
    refused = client.post(reverse("portal:new"), {**data, "demand": "长" * 10_000, "idempotency_key": "k-1"})
    assert refused.status_code == 422
    assert 'id="id_demand_error"' in refused.content.decode()
    assert WorkOrder.objects.count() == 0
    accepted = client.post(
        reverse("portal:new"), {**data, "demand": "长" * services.DEMAND_MAX_LENGTH, "idempotency_key": "k-2"}
    )
    assert accepted.status_code == 302
    assert len(WorkOrder.objects.get().demand) == services.DEMAND_MAX_LENGTH


def test_r2_3_the_staff_intake_form_stops_at_the_same_limit(client, agent, product):
    client.force_login(agent)
    page = client.get(reverse("workorders:intake")).content.decode()
    for field, limit in LIMITS.items():
        assert _textarea_limit(page, field) == limit
    data = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "received_at": timezone.localtime(timezone.now() - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "symptom": "空调不制冷",
        "service_type": "repair",
        "priority": "P2",
    }
    refused = client.post(reverse("workorders:intake"), {**data, "demand": "长" * (services.DEMAND_MAX_LENGTH + 1)})
    assert refused.status_code == 422
    assert 'id="id_demand_error"' in refused.content.decode()
    assert WorkOrder.objects.count() == 0
    accepted = client.post(reverse("workorders:intake"), {**data, "demand": "长" * services.DEMAND_MAX_LENGTH})
    assert accepted.status_code == 302
    assert len(WorkOrder.objects.get().demand) == services.DEMAND_MAX_LENGTH


@pytest.mark.parametrize("field", sorted(LIMITS))
def test_r2_3_the_api_refuses_a_text_over_the_limit(agent, product, field):
    api = ApiClient(agent)
    body = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "service_type": "repair",
        "priority": "P2",
        **_values(field, "长" * (LIMITS[field] + 1)),
    }
    refused = api.post("/work-orders", body)
    assert refused.status_code == 422
    assert field in refused.json()["fields"]
    assert WorkOrder.objects.count() == 0
    accepted = api.post("/work-orders", {**body, field: "长" * LIMITS[field]})
    assert accepted.status_code == 201, accepted.json()
