"""Parts on a work order (R-7.2, R-3.7, R-7.1): reserve, release, consumption on resolve, the
charge by warranty, and who may take from where."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aftersales.core.errors import DomainError
from aftersales.core.models import OutboxMessage
from aftersales.parts.models import MoveKind, StockBalance, StockMove, WorkOrderPart
from aftersales.parts.selectors import work_order_parts
from aftersales.parts.services import (
    work_order_part_release,
    work_order_part_reserve,
    work_order_part_set_charge,
)
from aftersales.workorders.services import work_order_assign, work_order_resolve
from tests.factories import (
    InstalledProductFactory,
    PartFactory,
    UserFactory,
    WarehouseFactory,
    make_work_order,
    portal_user,
    stock_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-25T10:00:00+08:00")]


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def central():
    return WarehouseFactory(kind="central")


@pytest.fixture
def part(central):
    p = PartFactory(customer_price="120.00")
    stock_in(p, central, 3)
    return p


def out_of_warranty():
    return InstalledProductFactory(warranty_end=dt.date(2026, 1, 31))


def bal(part, wh) -> StockBalance:
    return StockBalance.objects.get(part=part, warehouse=wh)


def reserve(actor, wo, part, wh, quantity=1, **kw):
    return work_order_part_reserve(
        actor=actor, work_order_id=wo.pk, part_id=part.pk, warehouse_id=wh.pk, quantity=quantity, **kw
    )


def test_r7_2_reserving_takes_from_available_not_from_on_hand(agent, part, central):
    wo = make_work_order(agent)
    line = reserve(agent, wo, part, central, 2)
    b = bal(part, central)
    assert (b.on_hand, b.reserved, b.available) == (3, 2, 1)
    assert line.status == WorkOrderPart.Status.RESERVED
    assert StockMove.objects.filter(kind=MoveKind.RESERVATION, work_order=wo).get().reserved_delta == 2


def test_r7_2_more_than_available_is_refused_with_the_quantity_available(agent, part, central):
    wo = make_work_order(agent)
    reserve(agent, wo, part, central, 2)
    with pytest.raises(DomainError) as exc:
        reserve(agent, wo, part, central, 2)
    assert exc.value.code == "insufficient_stock"
    assert exc.value.status == 409
    assert exc.value.as_dict()["available"] == 1
    assert bal(part, central).reserved == 2
    assert WorkOrderPart.objects.count() == 1


def test_r7_1_an_uncertified_part_is_refused(agent, central):
    wo = make_work_order(agent)
    uncertified = PartFactory(certified=False)
    stock_in(uncertified, central, 5)
    with pytest.raises(DomainError) as exc:
        reserve(agent, wo, uncertified, central)
    assert (exc.value.code, exc.value.status) == ("part_not_certified", 422)
    assert bal(uncertified, central).reserved == 0


def test_r3_7_resolving_consumes_the_reserved_parts_and_charges_out_of_warranty(agent, part, central):
    wo = make_work_order(agent, out_of_warranty())
    reserve(agent, wo, part, central, 2)
    work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="更换电容")
    b = bal(part, central)
    assert (b.on_hand, b.reserved) == (1, 0)
    line = WorkOrderPart.objects.get()
    assert line.status == WorkOrderPart.Status.CONSUMED
    assert (line.in_warranty, line.charge) == (False, Decimal("240.00"))
    assert StockMove.objects.filter(kind=MoveKind.CONSUMPTION, work_order=wo).get().on_hand_delta == -2


def test_r7_2_within_warranty_the_parts_are_free(agent, part, central):
    wo = make_work_order(agent, InstalledProductFactory(warranty_end=dt.date(2027, 12, 31)))
    reserve(agent, wo, part, central, 1)
    work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="更换电容")
    line = WorkOrderPart.objects.get()
    assert (line.in_warranty, line.charge) == (True, Decimal(0))


def test_r7_2_an_agent_overrides_the_charge_with_a_reason_and_resolve_keeps_it(agent, part, central):
    wo = make_work_order(agent, out_of_warranty())
    line = reserve(agent, wo, part, central, 1)
    with pytest.raises(DomainError) as exc:
        work_order_part_set_charge(actor=agent, work_order_id=wo.pk, line_id=line.pk, charge="50", reason="")
    assert exc.value.fields.keys() == {"reason"}
    work_order_part_set_charge(actor=agent, work_order_id=wo.pk, line_id=line.pk, charge="50.00", reason="老客户优惠")
    work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="更换电容")
    line.refresh_from_db()
    assert (line.charge, line.charge_reason, line.charge_overridden) == (Decimal("50.00"), "老客户优惠", True)


def test_r7_2_a_technician_may_not_override_the_charge(agent, part, central):
    tech = UserFactory(role="technician")
    wo = make_work_order(agent)
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    line = reserve(tech, wo, part, central, 1)
    with pytest.raises(DomainError) as exc:
        work_order_part_set_charge(actor=tech, work_order_id=wo.pk, line_id=line.pk, charge="0", reason="x")
    assert exc.value.code == "permission_denied"


def test_r7_2_releasing_gives_the_units_back(agent, part, central):
    wo = make_work_order(agent)
    line = reserve(agent, wo, part, central, 3)
    work_order_part_release(actor=agent, work_order_id=wo.pk, line_id=line.pk)
    assert bal(part, central).available == 3
    line.refresh_from_db()
    assert line.status == WorkOrderPart.Status.RELEASED
    with pytest.raises(DomainError) as exc:
        work_order_part_release(actor=agent, work_order_id=wo.pk, line_id=line.pk)
    assert exc.value.code == "part_line_not_reserved"
    work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="远程解决")
    assert bal(part, central).on_hand == 3  # a released line is not consumed


def test_r7_2_no_reservation_on_a_resolved_work_order(agent, part, central):
    wo = make_work_order(agent)
    work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="远程解决")
    with pytest.raises(DomainError) as exc:
        reserve(agent, wo, part, central)
    assert exc.value.code == "work_order_closed"


def test_r7_1_consumption_under_the_minimum_raises_the_reorder_alert(agent, central):
    admin = UserFactory(role="admin")
    p = PartFactory()
    stock_in(p, central, 3, minimum=2)
    wo = make_work_order(agent)
    reserve(agent, wo, p, central, 2)  # available 1 < 2: the alert
    alerts = OutboxMessage.objects.filter(kind="reorder", recipient=admin, channel="in_app")
    assert alerts.count() == 1
    work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="更换电容")
    assert alerts.count() == 1  # still under: not again
    assert bal(p, central).below_minimum


# ---- scope: who takes from where (R-13.1) ----------------------------------------------------


def test_r13_1_a_technician_takes_from_his_van_and_the_stores_on_the_jobs_he_holds(agent, part, central):
    tech, other = UserFactory(role="technician"), UserFactory(role="technician")
    van = WarehouseFactory(kind="van", holder=tech)
    other_van = WarehouseFactory(kind="van", holder=other)
    factory = WarehouseFactory(kind="factory")
    for wh in (van, other_van, factory):
        stock_in(part, wh, 2)
    wo = make_work_order(agent)
    with pytest.raises(DomainError) as exc:
        reserve(tech, wo, part, van)  # not his job yet
    assert exc.value.code == "not_found"
    work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    reserve(tech, wo, part, van)
    reserve(tech, wo, part, central)
    for wh in (other_van, factory):
        with pytest.raises(DomainError) as exc:
            reserve(tech, wo, part, wh)
        assert exc.value.code == "not_found"


@pytest.mark.parametrize("role", ["executive", "dispatcher", "customer"])
def test_r7_2_who_may_not_reserve(agent, part, central, role):
    wo = make_work_order(agent)
    actor = UserFactory(role=role)
    if role == "customer":
        actor = portal_user(wo.customer)
    with pytest.raises(DomainError) as exc:
        reserve(actor, wo, part, central)
    assert exc.value.code == "permission_denied"


def test_r13_1_a_customer_sees_the_lines_of_his_own_work_order_but_not_the_released_ones(agent, part, central):
    wo = make_work_order(agent, out_of_warranty())
    kept = reserve(agent, wo, part, central, 1)
    dropped = reserve(agent, wo, part, central, 1)
    work_order_part_release(actor=agent, work_order_id=wo.pk, line_id=dropped.pk)
    customer = portal_user(wo.customer)
    assert [line.pk for line in work_order_parts(actor=customer, work_order_id=wo.pk)] == [kept.pk]
    assert len(work_order_parts(actor=agent, work_order_id=wo.pk)) == 2
    stranger = portal_user(InstalledProductFactory().customer)
    with pytest.raises(DomainError) as exc:
        work_order_parts(actor=stranger, work_order_id=wo.pk)
    assert exc.value.code == "not_found"


def test_r7_2_reserving_is_idempotent(agent, part, central):
    wo = make_work_order(agent)
    first = reserve(agent, wo, part, central, 1, idempotency_key="r-1")
    again = reserve(agent, wo, part, central, 1, idempotency_key="r-1")
    assert first.pk == again.pk
    assert bal(part, central).reserved == 1
