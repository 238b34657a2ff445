"""Intake knows what is already there (R-2.3): the customer's and product's open and recent
work orders, repeat repairs, adding a request to an open work order instead of a duplicate,
fault categories by product line, work-order numbers as users type them, and the default
direction of a communication recorded on a work order."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Counter
from aftersales.workorders import services
from aftersales.workorders.models import Communication, WorkOrder
from aftersales.workorders.selectors import WorkOrderFilters, work_order_list
from tests.factories import (
    CustomerFactory,
    FaultCategoryFactory,
    InstalledProductFactory,
    ProductLineFactory,
    ProductModelFactory,
    UserFactory,
    make_work_order,
    portal_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-25T12:00:00+08:00")]  # written about November 2026

HTMX = {"HTTP_HX_REQUEST": "true"}
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def agent():
    return UserFactory(role="agent", display_name="李客服")


@pytest.fixture
def product():
    return InstalledProductFactory()


def _at(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, 0, tzinfo=TZ)


def _close(agent, wo) -> None:
    services.work_order_acknowledge(actor=agent, work_order_id=wo.pk)
    tech = UserFactory(role="technician")
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    services.work_order_start(actor=tech, work_order_id=wo.pk)
    services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="更换电容")
    services.work_order_close(actor=agent, work_order_id=wo.pk, reason="客户电话确认")


# --- repeat repair --------------------------------------------------------------------------


def test_r2_3_a_new_work_order_within_30_days_on_the_product_is_a_repeat_repair(agent, product):
    first = make_work_order(agent, product, received_at=_at(1))
    second = make_work_order(agent, product, received_at=_at(10))
    third = make_work_order(agent, product, received_at=_at(20))
    assert first.repeat_of_id is None
    assert second.repeat_of_id == first.pk
    assert third.repeat_of_id == second.pk  # the most recent earlier one
    assert WorkOrder.objects.get(pk=third.pk).repeat_of_id == second.pk  # stored


def test_r2_3_older_work_orders_other_products_and_no_product_are_not_repeats(agent, product):
    make_work_order(agent, product, received_at=_at(1, month=10))  # 55 days before
    assert make_work_order(agent, product, received_at=_at(25)).repeat_of_id is None
    other = InstalledProductFactory(customer=product.customer)
    assert make_work_order(agent, other).repeat_of_id is None
    no_product = make_work_order(agent, product, installed_product_id=None)
    assert no_product.repeat_of_id is None
    assert make_work_order(agent, product, installed_product_id=None).repeat_of_id is None


def test_r2_3_the_repeat_window_is_a_setting(agent, product, settings):
    settings.REPEAT_REPAIR_DAYS = 7
    make_work_order(agent, product, received_at=_at(1))
    assert make_work_order(agent, product, received_at=_at(10)).repeat_of_id is None
    settings.REPEAT_REPAIR_DAYS = 0  # off
    assert make_work_order(agent, product, received_at=_at(11)).repeat_of_id is None


def _workorder_selects(ctx) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "workorders_workorder"' in q["sql"]
    ]


def test_r2_3_the_repeat_lookup_is_one_indexed_statement_and_only_with_a_product(agent, product):
    """bench/README: intake stays lean. With a product one SELECT on work orders (the index
    (installed_product, received_at, id)); without one, none."""
    make_work_order(agent, product)  # warm caches
    with CaptureQueriesContext(connection) as with_product:
        make_work_order(agent, product)
    with CaptureQueriesContext(connection) as without_product:
        make_work_order(agent, product, installed_product_id=None)
    (lookup,) = _workorder_selects(with_product)
    assert "installed_product_id" in lookup
    assert _workorder_selects(without_product) == []


def test_r2_3_repeat_repair_on_the_detail_page_the_list_and_the_api(client, agent, product):
    first = make_work_order(agent, product, received_at=_at(1))
    second = make_work_order(agent, product, received_at=_at(10))
    client.force_login(agent)
    detail = client.get(reverse("workorders:detail", args=[second.pk])).content.decode()
    assert 'data-testid="repeat-badge"' in detail
    assert first.number in detail
    assert (
        'data-testid="repeat-badge"' not in client.get(reverse("workorders:detail", args=[first.pk])).content.decode()
    )
    listed = client.get(reverse("workorders:list"), {"view": "all"}).content.decode()
    assert listed.count('data-testid="repeat-badge"') == 1

    from tests.api.conftest import ApiClient

    api = ApiClient(agent)
    assert api.get(f"/work-orders/{second.pk}").json()["repeat_of_id"] == first.pk
    items = {item["id"]: item for item in api.get("/work-orders").json()["items"]}
    assert items[second.pk]["repeat_of_id"] == first.pk
    assert items[first.pk]["repeat_of_id"] is None
    customer = ApiClient(portal_user(product.customer))  # the company's own quality record
    assert customer.get(f"/work-orders/{second.pk}").json()["repeat_of_id"] is None


# --- the intake panel -------------------------------------------------------------------------


def test_r2_3_intake_shows_the_customers_open_and_recent_work_orders(client, agent, product):
    customer = product.customer
    for _ in range(25):
        make_work_order(agent, product, installed_product_id=None, symptom="漏水")
    done = make_work_order(agent, product, installed_product_id=None, symptom="噪音大")
    _close(agent, done)
    other = make_work_order(agent, InstalledProductFactory())  # another customer's
    client.force_login(agent)
    response = client.get(reverse("workorders:intake_history"), {"customer_id": customer.pk}, **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="open-count"' in text
    assert "25" in re.search(r'data-testid="open-count".*?</div>', text, re.S).group(0)
    assert text.count('data-testid="history-open"') == 5  # the newest few, and the count
    assert text.count('data-testid="history-recent"') == 1
    assert done.number in text
    assert text.index('data-testid="history-open"') < text.index('data-testid="history-recent"')  # open first
    assert other.number not in text
    assert text.count('data-testid="add-to"') == 5
    assert f"?customer={customer.pk}&amp;view=open" in text


def test_r2_3_intake_shows_the_products_work_orders_and_warns_of_a_repeat(client, agent, product):
    earlier = make_work_order(agent, product, received_at=timezone.now() - dt.timedelta(days=12))
    client.force_login(agent)
    text = client.get(
        reverse("workorders:intake_history"), {"installed_product_id": product.pk}, **HTMX
    ).content.decode()
    assert "This product" in text or "此产品" in text
    assert 'data-testid="repeat-warning"' in text
    assert earlier.number in text
    other_product = InstalledProductFactory(customer=product.customer)
    text = client.get(
        reverse("workorders:intake_history"), {"installed_product_id": other_product.pk}, **HTMX
    ).content.decode()
    assert 'data-testid="repeat-warning"' not in text


def test_r2_3_the_intake_panel_is_for_intake_staff_only_and_survives_bad_input(client, agent, product):
    make_work_order(agent, product)
    client.force_login(agent)
    for params in ({}, {"customer_id": "x"}, {"customer_id": "9" * 30}, {"installed_product_id": "-1"}):
        response = client.get(reverse("workorders:intake_history"), params, **HTMX)
        assert response.status_code == 200
        assert 'data-testid="intake-history"' not in response.content.decode()
    for user in (UserFactory(role="technician"), UserFactory(role="executive"), portal_user(product.customer)):
        client.force_login(user)
        response = client.get(reverse("workorders:intake_history"), {"customer_id": product.customer_id})
        assert response.status_code in (302, 403)


# --- add the request to an open work order ------------------------------------------------------


def test_r2_3_a_request_is_added_to_an_open_work_order_instead_of_a_duplicate(agent, product):
    wo = make_work_order(agent, product)
    comm = services.work_order_add_request(
        actor=agent, work_order_id=wo.pk, symptom="  又漏水了  ", channel="phone", customer_id=product.customer_id
    )
    assert comm.work_order_id == wo.pk
    assert comm.direction == Communication.Direction.INBOUND
    assert comm.kind == Communication.Kind.CALL
    assert comm.summary == "又漏水了"
    assert WorkOrder.objects.count() == 1
    assert wo.events.filter(kind="communication", communication=comm).exists()


def test_r2_3_adding_a_request_is_refused_where_it_does_not_belong(agent, product):
    wo = make_work_order(agent, product)
    with pytest.raises(PermissionDenied):  # no intake permission
        services.work_order_add_request(actor=UserFactory(role="technician"), work_order_id=wo.pk, symptom="漏水")
    with pytest.raises(PermissionDenied):
        services.work_order_add_request(actor=portal_user(product.customer), work_order_id=wo.pk, symptom="漏水")
    with pytest.raises(ValidationFailed) as empty:
        services.work_order_add_request(actor=agent, work_order_id=wo.pk, symptom=" ")
    assert set(empty.value.fields) == {"symptom"}
    with pytest.raises(ValidationFailed) as web:
        services.work_order_add_request(actor=agent, work_order_id=wo.pk, symptom="漏水", channel="web")
    assert set(web.value.fields) == {"channel"}
    with pytest.raises(ValidationFailed) as foreign:
        services.work_order_add_request(
            actor=agent, work_order_id=wo.pk, symptom="漏水", customer_id=CustomerFactory().pk
        )
    assert set(foreign.value.fields) == {"customer_id"}
    with pytest.raises(NotFound):
        services.work_order_add_request(actor=agent, work_order_id=wo.pk + 999, symptom="漏水")
    _close(agent, wo)
    with pytest.raises(DomainError) as closed:
        services.work_order_add_request(actor=agent, work_order_id=wo.pk, symptom="漏水")
    assert closed.value.status == 409
    assert closed.value.code == "illegal_transition"
    assert not Communication.objects.exists()


def _intake_post(product, **extra):
    return {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "received_at": "2026-11-25T11:50",
        "service_type": "repair",
        "symptom": "漏水又来了",
        "idempotency_key": "k1",
        **extra,
    }


def test_r2_3_intake_page_adds_to_the_open_work_order_and_lands_on_it(client, agent, product):
    wo = make_work_order(agent, product)
    client.force_login(agent)
    response = client.post(reverse("workorders:intake"), _intake_post(product, add_to=wo.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("workorders:detail", args=[wo.pk])
    assert WorkOrder.objects.count() == 1
    (comm,) = Communication.objects.all()
    assert (comm.work_order_id, comm.summary, comm.direction) == (wo.pk, "漏水又来了", "in")
    assert comm.at == dt.datetime(2026, 11, 25, 11, 50, tzinfo=TZ)


def test_r2_3_intake_page_shows_why_the_request_cannot_be_added(client, agent, product):
    wo = make_work_order(agent, product)
    client.force_login(agent)
    response = client.post(reverse("workorders:intake"), _intake_post(product, add_to=wo.pk, symptom=""))
    assert response.status_code == 422
    assert 'id="id_symptom_error"' in response.content.decode() or "is-invalid" in response.content.decode()
    _close(agent, wo)
    response = client.post(reverse("workorders:intake"), _intake_post(product, add_to=wo.pk))
    assert response.status_code == 422
    assert not Communication.objects.exists()
    assert WorkOrder.objects.count() == 1


# --- fault categories by product line -----------------------------------------------------------


@pytest.fixture
def lines():
    ac = ProductLineFactory(code="ac", name="空调")
    heater = ProductLineFactory(code="wh", name="热水器")
    return {
        "ac": ac,
        "heater": heater,
        "ac_leak": FaultCategoryFactory(name="漏水", product_line=ac),
        "heater_leak": FaultCategoryFactory(name="漏水", product_line=heater),
        "any": FaultCategoryFactory(name="咨询", product_line=None),
    }


def test_r2_3_the_service_refuses_a_fault_category_of_another_line(agent, lines):
    product = InstalledProductFactory(product_model=ProductModelFactory(product_line=lines["ac"]))
    with pytest.raises(ValidationFailed) as refused:
        make_work_order(agent, product, fault_category_id=lines["heater_leak"].pk)
    assert set(refused.value.fields) == {"fault_category_id"}
    assert make_work_order(agent, product, fault_category_id=lines["ac_leak"].pk).fault_category_id
    assert make_work_order(agent, product, fault_category_id=lines["any"].pk).fault_category_id  # every line
    model = ProductModelFactory(product_line=lines["heater"])
    with pytest.raises(ValidationFailed):  # a model without an installed product too
        make_work_order(
            agent, product, installed_product_id=None, product_model_id=model.pk, fault_category_id=lines["ac_leak"].pk
        )

    from tests.api.conftest import ApiClient

    body = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "symptom": "漏水",
        "service_type": "repair",
        "fault_category_id": lines["heater_leak"].pk,
    }
    response = ApiClient(agent).post("/work-orders", body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert set(response.json()["fields"]) == {"fault_category_id"}


def _options(text: str) -> dict[str, str]:
    select = re.search(r'<select name="fault_category_id".*?</select>', text, re.S).group(0)
    return {value: label.strip() for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)}


def test_r2_3_intake_offers_the_products_fault_categories_and_labels_them_otherwise(client, agent, lines):
    product = InstalledProductFactory(product_model=ProductModelFactory(product_line=lines["ac"]))
    client.force_login(agent)
    everything = _options(client.get(reverse("workorders:intake")).content.decode())
    assert everything[str(lines["ac_leak"].pk)] == "空调 · 漏水"
    assert everything[str(lines["heater_leak"].pk)] == "热水器 · 漏水"
    assert everything[str(lines["any"].pk)] == "咨询"
    picked = client.get(reverse("workorders:intake_fault_categories"), {"installed_product_id": product.pk}, **HTMX)
    assert picked.status_code == 200
    assert _options(picked.content.decode()) == {str(lines["ac_leak"].pk): "漏水", str(lines["any"].pk): "咨询"}
    # the choice stays when it is still offered, and is dropped when not
    kept = client.get(
        reverse("workorders:intake_fault_categories"),
        {"installed_product_id": product.pk, "fault_category_id": lines["ac_leak"].pk},
        **HTMX,
    ).content.decode()
    assert f'<option value="{lines["ac_leak"].pk}" selected>' in kept
    # a kept choice asks for its guided questions again (a change on the replaced field may be lost)
    assert 'hx-trigger="change, load"' in kept
    assert 'hx-trigger="change"' in picked.content.decode()
    dropped = client.get(
        reverse("workorders:intake_fault_categories"),
        {"installed_product_id": product.pk, "fault_category_id": lines["heater_leak"].pk},
        **HTMX,
    ).content.decode()
    assert "selected>" not in dropped.split('name="fault_category_id"')[1].split("</select>")[0].replace(
        '<option value="" selected>', ""
    )
    # the intake page itself, re-shown with a product chosen, offers its line only
    reshown = client.post(reverse("workorders:intake"), {"installed_product_id": product.pk, "symptom": ""})
    assert set(_options(reshown.content.decode())) == {str(lines["ac_leak"].pk), str(lines["any"].pk)}
    for params in ({"installed_product_id": "x"}, {"installed_product_id": "9" * 30, "fault_category_id": "y"}):
        assert client.get(reverse("workorders:intake_fault_categories"), params, **HTMX).status_code == 200


# --- number search ----------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["1026", "001026", "SR-2026-001026", "sr-2026-1026", "2026-1026", " sr-2026-001026 "])
def test_r2_3_a_number_is_found_as_users_type_it(agent, product, q):
    Counter.objects.create(key="SR-2026", value=1025)
    wo = make_work_order(agent, product)
    assert wo.number == "SR-2026-001026"
    make_work_order(agent, product)  # SR-2026-001027
    with CaptureQueriesContext(connection) as ctx:
        found = work_order_list(actor=agent, filters=WorkOrderFilters(q=q)).items
    assert [w.number for w in found] == ["SR-2026-001026"]
    assert not any(" LIKE " in query["sql"].upper() for query in ctx.captured_queries)  # indexed


def test_r2_3_digits_still_find_serial_numbers_and_the_api_finds_numbers_too(agent):
    Counter.objects.create(key="SR-2026", value=1025)
    product = InstalledProductFactory(serial_number="SN10269999")
    numbered = make_work_order(agent, InstalledProductFactory())  # SR-2026-001026
    by_serial = make_work_order(agent, product)
    found = {w.pk for w in work_order_list(actor=agent, filters=WorkOrderFilters(q="1026")).items}
    assert numbered.pk in found
    assert by_serial.pk not in found  # "1026" is no prefix of the serial's word "sn10269999"
    assert {w.pk for w in work_order_list(actor=agent, filters=WorkOrderFilters(q="sn1026")).items} == {by_serial.pk}

    from tests.api.conftest import ApiClient

    api = ApiClient(agent)
    for q in ("1026", "sr-2026-1026"):
        assert [i["number"] for i in api.get("/work-orders", {"q": q}).json()["items"]] == ["SR-2026-001026"]
    assert api.get("/work-orders", {"q": "0"}).status_code == 200


def test_r2_3_a_number_link_without_leading_zeros_opens_the_work_order(client, agent, product):
    Counter.objects.create(key="SR-2026", value=1025)
    wo = make_work_order(agent, product)
    client.force_login(agent)
    response = client.get(reverse("workorders:by_number", args=["sr-2026-1026"]))
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("workorders:detail", args=[wo.pk]))


# --- communication direction --------------------------------------------------------------------


def test_r2_2_a_communication_on_a_work_order_defaults_to_outgoing(client, agent, product):
    wo = make_work_order(agent, product)
    client.force_login(agent)
    text = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    select = re.search(r'<select name="direction".*?</select>', text, re.S).group(0)
    assert '<option value="out" selected>' in select
    assert '<option value="in" selected>' not in select
