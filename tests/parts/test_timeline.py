"""R-7.2, R-3.7, R-3.5: each reservation, release and consumption of parts is a line on the work
order's timeline (who, when, which part, how many, from where), labelled in Chinese on the page;
the customer's portal timeline does not show them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.parts.services import work_order_part_release, work_order_part_reserve
from aftersales.workorders import services
from aftersales.workorders.selectors import work_order_timeline
from tests.factories import PartFactory, UserFactory, WarehouseFactory, make_work_order, portal_user, stock_in

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-25T10:00:00+08:00")]

PARTS_ACTIONS = ("part_reserve", "part_release", "part_consume")


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def stock():
    central = WarehouseFactory(kind="central", name="上海中心仓")
    capacitor = PartFactory(code="CAP-45", name="压缩机电容")
    fan = PartFactory(code="FAN-1", name="外机风扇")
    stock_in(capacitor, central, 5)
    stock_in(fan, central, 2)
    return central, capacitor, fan


def _reserve(agent, wo, part, warehouse, quantity):
    return work_order_part_reserve(
        actor=agent, work_order_id=wo.pk, part_id=part.pk, warehouse_id=warehouse.pk, quantity=quantity
    )


def _parts_events(wo):
    return [(e.action, e.text, e.data["quantity"]) for e in wo.events.filter(action__in=PARTS_ACTIONS).order_by("id")]


def test_r7_2_reserving_releasing_and_using_parts_are_on_the_timeline(client, agent, stock):
    central, capacitor, fan = stock
    wo = make_work_order(agent)
    line = _reserve(agent, wo, capacitor, central, 2)
    _reserve(agent, wo, fan, central, 1)
    work_order_part_release(actor=agent, work_order_id=wo.pk, line_id=line.pk)
    services.work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="更换风扇")
    assert _parts_events(wo) == [
        ("part_reserve", "CAP-45 压缩机电容 × 2 · 上海中心仓", 2),
        ("part_reserve", "FAN-1 外机风扇 × 1 · 上海中心仓", 1),
        ("part_release", "CAP-45 压缩机电容 × 2 · 上海中心仓", 2),
        ("part_consume", "FAN-1 外机风扇 × 1 · 上海中心仓", 1),
    ]
    assert {e.actor for e in wo.events.filter(action__in=PARTS_ACTIONS)} == {agent}
    client.force_login(agent)
    page = client.get(reverse("workorders:detail", args=[wo.pk])).content.decode()
    for label in ("已预留备件", "已释放预留备件", "已使用预留备件"):
        assert label in page
    assert "part_reserve" not in page


def test_r7_2_a_cancel_puts_each_released_line_on_the_timeline(agent, stock):
    central, capacitor, fan = stock
    wo = make_work_order(agent)
    _reserve(agent, wo, capacitor, central, 1)
    _reserve(agent, wo, fan, central, 2)
    services.work_order_cancel(actor=agent, work_order_id=wo.pk, reason="用户撤回")
    released = [e for e in _parts_events(wo) if e[0] == "part_release"]
    assert [text for _action, text, _q in released] == [
        "CAP-45 压缩机电容 × 1 · 上海中心仓",
        "FAN-1 外机风扇 × 2 · 上海中心仓",
    ]


def test_r13_1_the_customer_does_not_see_the_parts_lines(agent, stock):
    central, capacitor, _fan = stock
    wo = make_work_order(agent)
    _reserve(agent, wo, capacitor, central, 1)
    customer = portal_user(wo.customer)
    shown = work_order_timeline(actor=customer, work_order_id=wo.pk)
    assert not [e for e in shown if getattr(e, "action", "") in PARTS_ACTIONS]


def test_r7_2_a_retried_reservation_is_on_the_timeline_once(agent, stock):
    central, capacitor, _fan = stock
    wo = make_work_order(agent)
    for _ in range(2):
        work_order_part_reserve(
            actor=agent,
            work_order_id=wo.pk,
            part_id=capacitor.pk,
            warehouse_id=central.pk,
            quantity=1,
            idempotency_key="tap-twice",
        )
    assert len(_parts_events(wo)) == 1
