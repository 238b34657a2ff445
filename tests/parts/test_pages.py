"""The parts pages (R-7.1, R-7.2): who opens what, the forms' refusals on the field in Chinese,
the work order's parts panel, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.parts.models import StockBalance, StockMove, WorkOrderPart
from aftersales.workorders.services import work_order_assign
from tests.factories import (
    InstalledProductFactory,
    PartFactory,
    UserFactory,
    WarehouseFactory,
    make_work_order,
    portal_user,
    stock_in,
)

pytestmark = pytest.mark.django_db

PASSWORD = "aftersales-test-pw"


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def admin():
    return UserFactory(role="admin")


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def stocked():
    central, branch = WarehouseFactory(name="中央仓库"), WarehouseFactory(kind="branch", name="华东分库")
    part = PartFactory(name="压缩机电容")
    stock_in(part, central, 5, minimum=2)
    stock_in(part, branch, 1, minimum=3)
    return part, central, branch


@pytest.mark.parametrize("role", ["admin", "agent", "executive", "technician"])
def test_r7_1_staff_with_the_parts_permission_open_every_parts_page(client, role, stocked):
    part, central, _branch = stocked
    login(client, UserFactory(role=role))
    for url in (
        reverse("parts:list"),
        reverse("parts:detail", args=[part.pk]),
        reverse("parts:warehouses"),
        reverse("parts:warehouse", args=[central.pk]),
        reverse("parts:below_minimum"),
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "零件" in r.content.decode() or "备件" in r.content.decode()


@pytest.mark.parametrize("role", ["customer", "dispatcher"])
def test_r13_1_customers_and_roles_without_parts_see_no_parts_page(client, role, stocked):
    part, _central, _branch = stocked
    login(client, UserFactory(role=role))
    for url in (reverse("parts:list"), reverse("parts:detail", args=[part.pk]), reverse("parts:below_minimum")):
        assert client.get(url).status_code == 403


def test_r7_1_the_move_form_is_for_stock_managers_only(client, agent):
    login(client, agent)
    assert client.get(reverse("parts:move_create")).status_code == 403


def test_r7_1_a_receipt_through_the_form_and_the_refusals_on_their_field(client, admin, stocked):
    part, central, branch = stocked
    login(client, admin)
    url = reverse("parts:move_create")
    assert client.get(url).status_code == 200
    r = client.post(url, {"kind": "receipt", "part_code": part.code, "warehouse": central.pk, "quantity": 4})
    assert r.status_code == 302
    assert StockBalance.objects.get(part=part, warehouse=central).on_hand == 9
    r = client.post(
        url,
        {"kind": "transfer", "part_code": part.code, "warehouse": branch.pk, "to_warehouse": central.pk, "quantity": 5},
    )
    assert r.status_code == 422
    assert "可用" in r.context["form"].errors["quantity"][0]
    r = client.post(url, {"kind": "adjustment", "part_code": "NOPE", "warehouse": central.pk, "quantity": -1})
    assert r.status_code == 422
    assert set(r.context["form"].errors) >= {"part_code"}
    r = client.post(url, {"kind": "adjustment", "part_code": part.code, "warehouse": central.pk, "quantity": -1})
    assert "reason" in r.context["form"].errors
    r = client.post(url, {"kind": "receipt", "part_code": part.code, "warehouse": "abc", "quantity": "x"})
    assert r.status_code == 422


def test_r7_1_under_minimum_page_lists_the_short_balances(client, agent, stocked):
    part, _central, branch = stocked
    login(client, agent)
    r = client.get(reverse("parts:below_minimum"))
    rows = r.context["page"].items
    assert [(b.part_id, b.warehouse_id, b.short_by) for b in rows] == [(part.pk, branch.pk, 2)]
    r = client.get(reverse("parts:below_minimum"), {"warehouse": "x", "cursor": "garbage"})
    assert r.status_code == 200


def test_r7_1_the_minimum_form(client, admin, stocked):
    part, central, _branch = stocked
    login(client, admin)
    r = client.post(reverse("parts:minimum", args=[part.pk]), {"warehouse": central.pk, "minimum": 9})
    assert r.status_code == 302
    assert StockBalance.objects.get(part=part, warehouse=central).below_minimum
    r = client.post(reverse("parts:minimum", args=[part.pk]), {"warehouse": central.pk, "minimum": -1})
    assert r.status_code == 422


def test_r7_2_the_work_order_page_shows_the_parts_panel_and_reserves_with_htmx(client, agent, stocked):
    part, central, _branch = stocked
    wo = make_work_order(agent, InstalledProductFactory(warranty_end=dt.date(2020, 1, 1)))
    login(client, agent)
    page = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    assert 'id="wo-parts"' in page
    url = reverse("parts:wo_reserve", args=[wo.pk])
    r = client.post(
        url, {"part_code": part.code, "warehouse": central.pk, "quantity": 2}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200
    assert "¥240.00" in r.content.decode()
    r = client.post(
        url, {"part_code": part.code, "warehouse": central.pk, "quantity": 9}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 422
    assert "可用" in r.content.decode()
    line = WorkOrderPart.objects.get()
    r = client.post(
        reverse("parts:wo_charge", args=[wo.pk, line.pk]),
        {"charge": "10", "reason": ""},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422
    r = client.post(
        reverse("parts:wo_charge", args=[wo.pk, line.pk]),
        {"charge": "10", "reason": "优惠"},
        headers={"HX-Request": "true"},
    )
    assert "¥10.00" in r.content.decode()
    r = client.post(reverse("parts:wo_release", args=[wo.pk, line.pk]))  # without htmx: back to the page
    assert r.status_code == 302
    assert StockBalance.objects.get(part=part, warehouse=central).reserved == 0


def test_r13_1_a_technician_reserves_only_on_his_jobs(client, agent, stocked):
    part, _central, _branch = stocked
    tech = UserFactory(role="technician")
    van = WarehouseFactory(kind="van", holder=tech)
    stock_in(part, van, 1)
    wo = make_work_order(agent)
    login(client, tech)
    url = reverse("parts:wo_reserve", args=[wo.pk])
    assert client.post(url, {"part_code": part.code, "warehouse": van.pk, "quantity": 1}).status_code == 404
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    page = client.get(reverse("workorders:detail", args=[wo.pk]))
    assert page.status_code == 200
    assert f'<option value="{van.pk}" selected>' in page.content.decode()  # his van first
    assert client.post(url, {"part_code": part.code, "warehouse": van.pk, "quantity": 1}).status_code == 302
    assert StockMove.objects.filter(kind="reservation", warehouse=van).count() == 1
    assert client.get(reverse("parts:my_van")).status_code == 302


def test_r13_1_the_customer_sees_his_charged_lines_in_the_portal_without_stock(client, agent, stocked):
    part, central, _branch = stocked
    product = InstalledProductFactory(warranty_end=dt.date(2020, 1, 1))
    wo = make_work_order(agent, product)
    from aftersales.parts.services import work_order_part_reserve

    work_order_part_reserve(actor=agent, work_order_id=wo.pk, part_id=part.pk, warehouse_id=central.pk, quantity=1)
    login(client, portal_user(product.customer))
    page = client.get(reverse("portal:detail", args=[wo.pk])).content.decode()
    assert part.code in page
    assert "¥120.00" in page
    assert central.name not in page
    assert "Reserve" not in page
    assert client.get(reverse("parts:wo_panel", args=[wo.pk])).status_code == 403


def test_the_lists_bound_their_queries(client, admin, django_assert_max_num_queries):
    wh = WarehouseFactory()
    for _ in range(30):
        part = PartFactory()
        stock_in(part, wh, 1, minimum=5)
    login(client, admin)
    for url in (reverse("parts:list"), reverse("parts:warehouse", args=[wh.pk]), reverse("parts:below_minimum")):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
