"""R-6.5 with R-7: parts used in a factory repair come from the central warehouse through the
parts ledger (certified only, never below zero), by the repairer, on the repair's timeline."""

from __future__ import annotations

import pytest

from aftersales.core.errors import DomainError
from aftersales.parts.models import StockBalance
from aftersales.parts.services import part_create, stock_receive, warehouse_create
from aftersales.repairs import parts_used, services
from tests.api.conftest import ApiClient
from tests.repairs.conftest import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(people):
    central = warehouse_create(actor=people.admin, code="CW", name="中心库", kind="central")
    part = part_create(actor=people.admin, code="CAP-35UF", name="启动电容", certified=True, unit_cost="12.50")
    uncertified = part_create(actor=people.admin, code="CAP-X", name="杂牌电容", certified=False)
    stock_receive(actor=people.admin, part_id=part.pk, warehouse_id=central.pk, quantity=3)
    return central, part, uncertified


def _available(part, warehouse) -> int:
    return StockBalance.objects.get(part=part, warehouse=warehouse).available


def test_r6_5_repairer_takes_a_part_from_the_factory_warehouse(people, work_order, stock):
    central, part, _uncertified = stock
    ro = walk(people, work_order, to="repairing")
    line = parts_used.repair_order_use_part(actor=people.technician, repair_order_id=ro.pk, part_id=part.pk, quantity=2)
    assert line.warehouse == central
    assert _available(part, central) == 1
    assert ro.events.filter(action="use_part").exists()
    with pytest.raises(DomainError) as excinfo:
        parts_used.repair_order_use_part(actor=people.technician, repair_order_id=ro.pk, part_id=part.pk, quantity=2)
    assert excinfo.value.code == "insufficient_stock"
    assert _available(part, central) == 1


def test_r6_5_only_certified_parts_only_by_the_repairer_only_in_repair(people, work_order, stock):
    _central, part, uncertified = stock
    ro = walk(people, work_order, to="repairing")
    with pytest.raises(DomainError) as excinfo:
        parts_used.repair_order_use_part(
            actor=people.technician, repair_order_id=ro.pk, part_id=uncertified.pk, quantity=1
        )
    assert excinfo.value.code == "part_not_certified"
    with pytest.raises(DomainError) as excinfo:
        parts_used.repair_order_use_part(actor=people.agent, repair_order_id=ro.pk, part_id=part.pk, quantity=1)
    assert excinfo.value.status == 403
    parts_used.repair_order_use_part(actor=people.technician, repair_order_id=ro.pk, part_id=part.pk, quantity=1)
    services.repair_order_repair_done(actor=people.technician, repair_order_id=ro.pk, repair_notes="更换电容")
    with pytest.raises(DomainError) as excinfo:  # waiting for QA: no more parts
        parts_used.repair_order_use_part(actor=people.technician, repair_order_id=ro.pk, part_id=part.pk, quantity=1)
    assert excinfo.value.code == "illegal_transition"


def test_r6_5_api_parts_used(people, work_order, stock):
    _central, part, _uncertified = stock
    ro = walk(people, work_order, to="repairing")
    tech = ApiClient(people.technician)
    response = tech.post(f"/repair-orders/{ro.pk}/parts", {"part_id": part.pk, "quantity": 5})
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    response = tech.post(f"/repair-orders/{ro.pk}/parts", {"part_id": part.pk, "quantity": 1})
    assert response.status_code == 201
    assert response.json()["part_code"] == "CAP-35UF"
    assert [p["quantity"] for p in tech.get(f"/repair-orders/{ro.pk}").json()["parts_used"]] == [1]
