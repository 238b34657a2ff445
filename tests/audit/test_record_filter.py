"""R-13.2: the log's record filter takes the numbers people know — a work order's number, a
customer's number — besides the record id, and says so when no record has the number typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.audit.models import AccessLog
from aftersales.audit.services import record
from tests.factories import UserFactory, make_work_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


@pytest.fixture
def seen():
    agent = UserFactory(role="agent")
    wo, other = make_work_order(agent), make_work_order(agent)
    for obj in (wo, other, wo.customer):
        record(actor=agent, action="view", obj=obj)
    return wo


def _page(client, **query):
    response = client.get(reverse("audit:log"), query)
    assert response.status_code == 200
    return response


def _records(response) -> set[tuple[str, str]]:
    return {(row.object_type, row.object_id) for row in response.context["page"].items}


def test_r13_2_a_work_order_number_finds_its_rows(client, supervisor, seen):
    client.force_login(supervisor)
    expected = {("workorder", str(seen.pk))}
    assert _records(_page(client, object_id=seen.number)) == expected
    assert _records(_page(client, object_id=f" {seen.number.lower()} ")) == expected
    assert _records(_page(client, object_type="workorder", object_id=seen.number)) == expected
    assert AccessLog.objects.filter(object_type="workorder").count() > len(expected)  # the others are left out


def test_r13_2_a_customer_number_finds_the_customers_rows(client, supervisor, seen):
    client.force_login(supervisor)
    assert _records(_page(client, object_id=seen.customer.code)) == {("customer", str(seen.customer_id))}


def test_r13_2_an_id_is_still_an_id(client, supervisor, seen):
    client.force_login(supervisor)
    response = _page(client, object_type="workorder", object_id=str(seen.pk))
    assert _records(response) == {("workorder", str(seen.pk))}


def test_r13_2_an_unknown_number_says_so_instead_of_an_empty_page(client, supervisor, seen):
    client.force_login(supervisor)
    response = _page(client, object_id="SR-2026-999999")
    html = response.content.decode()
    assert response.context["page"].items == []
    assert 'id="id_object_id_error"' in html  # on the field, where it was typed
    assert "没有编号为“SR-2026-999999”的工单或客户。" in html
    assert 'id="ignored-filters"' not in html  # not ignored: it matched nothing
    assert 'id="id_object_id_error"' not in _page(client, object_id=seen.number).content.decode()


def test_r13_2_a_work_order_number_under_another_record_type_finds_nothing_and_says_so(client, supervisor, seen):
    client.force_login(supervisor)
    response = _page(client, object_type="customer", object_id=seen.number)
    assert response.context["page"].items == []
    assert 'id="id_object_id_error"' in response.content.decode()
