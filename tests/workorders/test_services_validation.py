"""Every work-order service validates its own input — lengths, choices, required — whichever
front door calls it (STYLE rule 2; SPEC cross-cutting: bad input gets a clear message, nothing
half-saved). Each case calls the service directly, on a work order in a state where the action
is allowed, so the only thing wrong is the named field (R-2.3, R-3.3 to R-3.7, R-2.2).
"""

from __future__ import annotations

import pytest

from aftersales.core.errors import DomainError
from aftersales.workorders import services
from aftersales.workorders.models import Communication, WorkOrder, WorkOrderEvent
from tests.factories import InstalledProductFactory, UserFactory, make_work_order

pytestmark = pytest.mark.django_db

TOO_LONG = "长" * (services.MAX_TEXT + 1)


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


@pytest.fixture
def tech():
    return UserFactory(role="technician")


STEPS = [
    ("acknowledged", lambda s, t, pk: services.work_order_acknowledge(actor=s, work_order_id=pk)),
    ("assigned", lambda s, t, pk: services.work_order_assign(actor=s, work_order_id=pk, assignee_id=t.pk)),
    ("in_progress", lambda s, t, pk: services.work_order_start(actor=t, work_order_id=pk)),
    ("waiting", lambda s, t, pk: services.work_order_wait(actor=t, work_order_id=pk, on="parts", reason="等配件")),
    ("resumed", lambda s, t, pk: services.work_order_resume(actor=t, work_order_id=pk)),
    ("resolved", lambda s, t, pk: services.work_order_resolve(actor=t, work_order_id=pk, resolution="已更换电容")),
    ("confirmed", lambda s, t, pk: services.work_order_confirm(actor=s, work_order_id=pk, note="电话确认")),
    ("closed", lambda s, t, pk: services.work_order_close(actor=s, work_order_id=pk)),
]


def _work_order_at(state: str, supervisor, tech) -> WorkOrder:
    wo = make_work_order(supervisor)
    for name, step in STEPS if state != "new" else []:
        step(supervisor, tech, wo.pk)
        if name == state:
            break
    return WorkOrder.objects.get(pk=wo.pk)


# (state the work order is in, who acts, service, its arguments, the field that is bad)
CASES = [
    ("new", "s", services.work_order_acknowledge, {"note": TOO_LONG}, "note"),
    ("acknowledged", "s", services.work_order_assign, {"assignee_id": "tech", "note": TOO_LONG}, "note"),
    ("assigned", "t", services.work_order_start, {"mode": "teleport"}, "mode"),
    ("assigned", "t", services.work_order_start, {"note": TOO_LONG}, "note"),
    ("in_progress", "t", services.work_order_wait, {"on": "weather", "reason": "x"}, "on"),
    ("in_progress", "t", services.work_order_wait, {"on": "parts", "reason": " "}, "reason"),
    ("in_progress", "t", services.work_order_wait, {"on": "parts", "reason": TOO_LONG}, "reason"),
    ("waiting", "t", services.work_order_resume, {"note": TOO_LONG}, "note"),
    ("resumed", "t", services.work_order_resolve, {"resolution": ""}, "resolution"),
    ("resumed", "t", services.work_order_resolve, {"resolution": TOO_LONG}, "resolution"),
    (
        "resumed",
        "t",
        services.work_order_resolve,
        {"resolution": "ok", "technical_solution": TOO_LONG},
        "technical_solution",
    ),
    ("resolved", "s", services.work_order_confirm, {"note": ""}, "note"),
    ("resolved", "s", services.work_order_confirm, {"note": TOO_LONG}, "note"),
    ("resolved", "s", services.work_order_close, {"reason": ""}, "reason"),
    ("resolved", "s", services.work_order_close, {"reason": TOO_LONG}, "reason"),
    ("confirmed", "s", services.work_order_close, {"reason": TOO_LONG}, "reason"),
    ("closed", "s", services.work_order_reopen, {"reason": ""}, "reason"),
    ("closed", "s", services.work_order_reopen, {"reason": TOO_LONG}, "reason"),
    ("assigned", "s", services.work_order_set_priority, {"priority": "P9", "reason": "x"}, "priority"),
    ("assigned", "s", services.work_order_set_priority, {"priority": "P1", "reason": ""}, "reason"),
    ("assigned", "s", services.work_order_set_priority, {"priority": "P1", "reason": TOO_LONG}, "reason"),
    ("assigned", "s", services.work_order_add_note, {"text": ""}, "text"),
    ("assigned", "s", services.work_order_add_note, {"text": TOO_LONG}, "text"),
]


@pytest.mark.parametrize(
    ("state", "who", "service", "kwargs", "field"),
    CASES,
    ids=[f"{c[2].__name__}-{c[4]}-{i}" for i, c in enumerate(CASES)],
)
def test_lifecycle_service_refuses_a_bad_field_and_changes_nothing(
    supervisor, tech, state, who, service, kwargs, field
):
    wo = _work_order_at(state, supervisor, tech)
    events = WorkOrderEvent.objects.filter(work_order=wo).count()
    kwargs = {k: (tech.pk if v == "tech" else v) for k, v in kwargs.items()}
    with pytest.raises(DomainError) as caught:
        service(actor=supervisor if who == "s" else tech, work_order_id=wo.pk, **kwargs)
    assert field in caught.value.fields, (caught.value.code, caught.value.fields)
    assert WorkOrder.objects.get(pk=wo.pk).status == wo.status
    assert WorkOrderEvent.objects.filter(work_order=wo).count() == events


INTAKE_BAD = [
    ("channel", "telegraph"),
    ("service_type", "magic"),
    ("priority", "P9"),
    ("colour", "purple"),
    ("symptom", ""),
    ("symptom", TOO_LONG),
    ("demand", TOO_LONG),
]


@pytest.mark.parametrize(("field", "value"), INTAKE_BAD)
def test_r2_3_work_order_create_refuses_a_bad_field(supervisor, field, value):
    product = InstalledProductFactory()
    values = {
        "customer_id": product.customer_id,
        "installed_product_id": product.pk,
        "channel": "phone",
        "symptom": "不制冷",
        "service_type": "repair",
        field: value,
    }
    with pytest.raises(DomainError) as caught:
        services.work_order_create(actor=supervisor, **values)
    assert field in caught.value.fields
    assert not WorkOrder.objects.exists()


def test_r2_4_answered_on_the_spot_needs_a_short_enough_answer(supervisor):
    product = InstalledProductFactory()
    with pytest.raises(DomainError) as caught:
        services.work_order_create(
            actor=supervisor,
            customer_id=product.customer_id,
            channel="phone",
            symptom="怎么清洗滤网",
            service_type="consultation",
            answered_on_spot=True,
            resolution=TOO_LONG,
        )
    assert "resolution" in caught.value.fields


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "telegram"),
        ("direction", "sideways"),
        ("summary", ""),
        ("summary", TOO_LONG),
        ("counterpart", "王" * 129),
        ("reference", "9" * 65),
    ],
)
def test_r2_2_communication_record_refuses_a_bad_field(supervisor, field, value):
    wo = make_work_order(supervisor)
    values = {"kind": "call", "direction": "in", "summary": "客户来电催促", field: value}
    with pytest.raises(DomainError) as caught:
        services.communication_record(actor=supervisor, work_order_id=wo.pk, **values)
    assert field in caught.value.fields
    assert not Communication.objects.exists()
