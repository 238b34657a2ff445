"""Work-order rules at the service layer (R-2, R-3, R-13.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.workorders import services
from aftersales.workorders.models import WorkOrderEvent
from aftersales.workorders.selectors import WorkOrderFilters, work_order_get, work_order_list
from aftersales.workorders.services import intake
from aftersales.workorders.states import TRANSITIONS, Action, Status
from tests.factories import (
    ContactFactory,
    FaultCategoryFactory,
    InstalledProductFactory,
    UserFactory,
    make_work_order,
    portal_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def tech():
    return UserFactory(role="technician")


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


def test_r3_1_numbers_are_sequential_per_year(agent):
    first = make_work_order(agent)
    second = make_work_order(agent)
    year = timezone.localdate().year
    assert first.number == f"SR-{year}-000001"
    assert second.number == f"SR-{year}-000002"


def test_r3_1_rolled_back_create_gives_its_number_back(agent, monkeypatch):
    """A create that fails after it drew its number (here: its notification) rolls the counter
    back with everything else, so the next work order gets that number and none is skipped."""
    make_work_order(agent)
    drawn = []
    real_next_number = intake.next_number
    monkeypatch.setattr(intake, "next_number", lambda *a: drawn.append(real_next_number(*a)) or drawn[-1])

    def broken(wo, **_kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(intake.notifications, "work_order_created", broken)
    with pytest.raises(RuntimeError):
        make_work_order(agent)
    assert drawn == [f"SR-{timezone.localdate().year}-000002"]  # the failed create did draw a number
    monkeypatch.undo()
    third = make_work_order(agent)
    assert third.number == drawn[0]


def test_r3_1_same_idempotency_key_creates_one_work_order(agent):
    product = InstalledProductFactory()
    a = make_work_order(agent, product, idempotency_key="k-1")
    b = make_work_order(agent, product, idempotency_key="k-1")
    assert a.pk == b.pk
    with pytest.raises(DomainError) as exc:
        make_work_order(agent, product, idempotency_key="k-1", symptom="另一个问题")
    assert exc.value.code == "idempotency_key_reused"


def test_r3_3_priority_is_proposed_from_fault_category(agent):
    fault = FaultCategoryFactory(default_priority="P1")
    wo = make_work_order(agent, priority=None, fault_category_id=fault.pk)
    assert wo.priority == "P1"
    chosen = make_work_order(agent, priority="P3", fault_category_id=fault.pk)
    assert chosen.priority == "P3"


def test_r8_1_complaint_is_yellow_by_default(agent):
    assert make_work_order(agent, service_type="complaint").colour == "yellow"
    assert make_work_order(agent).colour == "green"


@pytest.mark.parametrize(
    ("field", "value", "code_field"),
    [
        ("customer_id", None, "customer_id"),
        ("channel", "pigeon", "channel"),
        ("symptom", "   ", "symptom"),
        ("symptom", "长" * 4001, "symptom"),
        ("service_type", "magic", "service_type"),
        ("priority", "P0", "priority"),
        ("colour", "blue", "colour"),
        ("received_at", "future", "received_at"),
        ("received_at", "naive", "received_at"),
        ("occurred_at", "after_received", "occurred_at"),
        ("installed_product_id", "other_customer", "installed_product_id"),
        ("contact_id", "other_customer", "contact_id"),
        ("purchase_date", "future", "purchase_date"),
    ],
)
def test_r2_3_each_intake_field_is_validated(agent, field, value, code_field):
    """Bad input names the field, and nothing is saved."""
    now = timezone.now()
    special = {
        ("received_at", "future"): now + dt.timedelta(hours=2),
        ("received_at", "naive"): dt.datetime(2026, 1, 1, 9, 0),  # noqa: DTZ001
        ("occurred_at", "after_received"): now,
        ("installed_product_id", "other_customer"): InstalledProductFactory().pk,
        ("contact_id", "other_customer"): ContactFactory().pk,
        ("purchase_date", "future"): timezone.localdate() + dt.timedelta(days=3),
    }
    value = special.get((field, value), value)
    kwargs = {field: value}
    if field == "occurred_at":
        kwargs["received_at"] = now - dt.timedelta(hours=1)
    with pytest.raises(ValidationFailed) as exc:
        make_work_order(agent, **kwargs)
    assert exc.value.code == "validation_error"
    assert code_field in exc.value.fields
    from aftersales.workorders.models import WorkOrder

    assert not WorkOrder.objects.exists()


def test_r2_4_question_answered_on_spot_is_a_closed_consultation(agent):
    wo = make_work_order(
        agent, service_type="consultation", answered_on_spot=True, resolution="告知用户遥控器换电池即可"
    )
    assert wo.status == Status.CLOSED
    assert [e.to_status for e in wo.events.all()] == ["new", "resolved", "closed"]
    with pytest.raises(ValidationFailed) as exc:
        make_work_order(agent, service_type="repair", answered_on_spot=True, resolution="x")
    assert "service_type" in exc.value.fields


def _drive(actor, tech, wo, action):
    """Apply one action with valid arguments."""
    calls = {
        Action.ACKNOWLEDGE: lambda: services.work_order_acknowledge(actor=actor, work_order_id=wo.pk),
        Action.ASSIGN: lambda: services.work_order_assign(actor=actor, work_order_id=wo.pk, assignee_id=tech.pk),
        Action.START: lambda: services.work_order_start(actor=actor, work_order_id=wo.pk, mode="on_site"),
        Action.WAIT_CUSTOMER: lambda: services.work_order_wait(
            actor=actor, work_order_id=wo.pk, on="customer", reason="等用户在家"
        ),
        Action.WAIT_PARTS: lambda: services.work_order_wait(
            actor=actor, work_order_id=wo.pk, on="parts", reason="等压缩机"
        ),
        Action.RESUME: lambda: services.work_order_resume(actor=actor, work_order_id=wo.pk),
        Action.RESOLVE: lambda: services.work_order_resolve(actor=actor, work_order_id=wo.pk, resolution="更换电容"),
        Action.CONFIRM: lambda: services.work_order_confirm(
            actor=actor, work_order_id=wo.pk, note="电话确认，用户张先生"
        ),
        Action.CLOSE: lambda: services.work_order_close(actor=actor, work_order_id=wo.pk, reason="用户电话未接通"),
        Action.REOPEN: lambda: services.work_order_reopen(actor=actor, work_order_id=wo.pk, reason="用户说仍不制冷"),
        Action.ARCHIVE: lambda: services.work_order_archive(actor=actor, work_order_id=wo.pk),
        Action.CANCEL: lambda: services.work_order_cancel(actor=actor, work_order_id=wo.pk, reason="用户撤回"),
    }
    return calls[Action(action)]()


# A path from "new" to each status, used to put a work order in that status.
PATHS = {
    Status.NEW: [],
    Status.ACKNOWLEDGED: [Action.ACKNOWLEDGE],
    Status.ASSIGNED: [Action.ASSIGN],
    Status.IN_PROGRESS: [Action.ASSIGN, Action.START],
    Status.WAITING_CUSTOMER: [Action.ASSIGN, Action.START, Action.WAIT_CUSTOMER],
    Status.WAITING_PARTS: [Action.ASSIGN, Action.START, Action.WAIT_PARTS],
    Status.RESOLVED: [Action.ASSIGN, Action.START, Action.RESOLVE],
    Status.CONFIRMED: [Action.ASSIGN, Action.START, Action.RESOLVE, Action.CONFIRM],
    Status.CLOSED: [Action.ASSIGN, Action.START, Action.RESOLVE, Action.CONFIRM, Action.CLOSE],
    Status.ARCHIVED: [Action.ASSIGN, Action.START, Action.RESOLVE, Action.CONFIRM, Action.CLOSE, Action.ARCHIVE],
    Status.CANCELLED: [Action.ASSIGN, Action.CANCEL],
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_r3_5_every_transition_is_allowed_or_refused_by_the_table(supervisor, status, action):
    """Each (status, action) pair: allowed ones move and write a timeline event, the rest are refused."""
    tech = UserFactory(role="technician")
    wo = make_work_order(supervisor)
    for step in PATHS[status]:
        wo = _drive(supervisor, tech, wo, step)
    assert wo.status == status
    events_before = wo.events.count()
    sources, target = TRANSITIONS[action]
    if status in sources:
        moved = _drive(supervisor, UserFactory(role="technician"), wo, action)
        moved.refresh_from_db()
        expected = target
        if action == Action.REOPEN:
            expected = Status.ASSIGNED  # it has a handler
        assert moved.status == expected
        last = moved.events.order_by("-id").first()
        assert (last.from_status, last.to_status, last.actor_id) == (status, expected, supervisor.pk)
        assert moved.events.count() == events_before + 1
    else:
        with pytest.raises(DomainError) as exc:
            _drive(supervisor, tech, wo, action)
        assert exc.value.code in {"illegal_transition", "work_order_read_only"}
        wo.refresh_from_db()
        assert wo.status == status
        assert wo.events.count() == events_before


def test_r5_4_reassignment_keeps_first_contact_owner(agent, supervisor):
    t1, t2 = UserFactory(role="technician"), UserFactory(role="technician")
    wo = make_work_order(agent)
    services.work_order_assign(actor=supervisor, work_order_id=wo.pk, assignee_id=t1.pk)
    wo = services.work_order_assign(actor=supervisor, work_order_id=wo.pk, assignee_id=t2.pk, note="转交技术骨干")
    assert wo.owner_id == agent.pk
    assert wo.assignee_id == t2.pk


def test_r3_7_close_without_confirmation_needs_a_reason(supervisor, tech):
    wo = make_work_order(supervisor)
    for step in PATHS[Status.RESOLVED]:
        wo = _drive(supervisor, tech, wo, step)
    with pytest.raises(ValidationFailed) as exc:
        services.work_order_close(actor=supervisor, work_order_id=wo.pk, reason="")
    assert "reason" in exc.value.fields
    wo = services.work_order_close(actor=supervisor, work_order_id=wo.pk, reason="多次联系未果")
    assert wo.status == Status.CLOSED
    assert wo.close_reason == "多次联系未果"


def test_r3_5_reopen_returns_to_the_handler(supervisor, tech):
    wo = make_work_order(supervisor)
    for step in PATHS[Status.CLOSED]:
        wo = _drive(supervisor, tech, wo, step)
    wo = services.work_order_reopen(actor=supervisor, work_order_id=wo.pk, reason="用户反映问题复发")
    assert (wo.status, wo.assignee_id, wo.closed_at) == (Status.ASSIGNED, tech.pk, None)


def test_r3_8_archived_work_order_is_read_only(supervisor, tech):
    wo = make_work_order(supervisor)
    for step in PATHS[Status.ARCHIVED]:
        wo = _drive(supervisor, tech, wo, step)
    with pytest.raises(DomainError) as exc:
        services.work_order_add_note(actor=supervisor, work_order_id=wo.pk, text="补充")
    assert exc.value.code == "work_order_read_only"


def test_technician_handles_only_own_work_orders(agent, supervisor):
    mine, other = UserFactory(role="technician"), UserFactory(role="technician")
    wo = make_work_order(agent)
    services.work_order_assign(actor=supervisor, work_order_id=wo.pk, assignee_id=mine.pk)
    with pytest.raises(NotFound):
        services.work_order_start(actor=other, work_order_id=wo.pk)
    assert services.work_order_start(actor=mine, work_order_id=wo.pk).status == Status.IN_PROGRESS


def test_technician_cannot_assign(agent, tech):
    """Scope first: a work order the technician cannot see is not found; their own one they may
    not reassign."""
    wo = make_work_order(agent)
    with pytest.raises(NotFound):
        services.work_order_assign(actor=tech, work_order_id=wo.pk, assignee_id=tech.pk)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    with pytest.raises(PermissionDenied):
        services.work_order_assign(actor=tech, work_order_id=wo.pk, assignee_id=UserFactory(role="technician").pk)


def test_assignee_must_be_staff_who_handles_work_orders(agent, supervisor):
    """R-13.1: the assignee is resolved among the people who may be assigned; anyone else is not found."""
    wo = make_work_order(agent)
    qa = UserFactory(role="qa")
    with pytest.raises(DomainError) as exc:
        services.work_order_assign(actor=supervisor, work_order_id=wo.pk, assignee_id=qa.pk)
    assert (exc.value.code, exc.value.status) == ("not_found", 404)
    assert "assignee_id" in exc.value.fields


def test_r13_1_scope_technician_and_customer(agent, supervisor):
    tech = UserFactory(role="technician")
    mine = make_work_order(agent)
    services.work_order_assign(actor=supervisor, work_order_id=mine.pk, assignee_id=tech.pk)
    others = make_work_order(agent)
    assert [w.pk for w in work_order_list(actor=tech).items] == [mine.pk]
    with pytest.raises(NotFound):
        work_order_get(actor=tech, work_order_id=others.pk)
    customer_user = portal_user(others.customer)
    assert [w.pk for w in work_order_list(actor=customer_user).items] == [others.pk]
    with pytest.raises(NotFound):
        work_order_get(actor=customer_user, work_order_id=mine.pk)


def test_portal_user_submits_confirms_and_reopens_own(agent, supervisor, tech):
    product = InstalledProductFactory()
    customer_user = portal_user(product.customer)
    wo = make_work_order(customer_user, product, customer_id=None, channel="", priority=None)
    assert (wo.customer_id, wo.owner_id, wo.channel, wo.colour) == (product.customer_id, None, "web", "green")
    wo = services.work_order_acknowledge(actor=agent, work_order_id=wo.pk)
    assert wo.owner_id == agent.pk
    for step in [Action.ASSIGN, Action.START, Action.RESOLVE]:
        wo = _drive(supervisor, tech, wo, step)
    confirmed = services.work_order_confirm(actor=customer_user, work_order_id=wo.pk)
    assert confirmed.status == Status.CONFIRMED
    assert confirmed.events.order_by("-id").first().data == {"by_customer": True}


def test_r2_2_communication_appears_on_work_order_timeline(agent):
    wo = make_work_order(agent)
    comm = services.communication_record(
        actor=agent, work_order_id=wo.pk, kind="call", direction="out", summary="回电确认上门时间", counterpart="张先生"
    )
    event = wo.events.get(kind=WorkOrderEvent.Kind.COMMUNICATION)
    assert event.communication_id == comm.pk
    assert comm.customer_id == wo.customer_id


def test_list_filters_and_chinese_substring_search(agent):
    a = make_work_order(agent, symptom="热水器点火后熄火")
    make_work_order(agent, symptom="净水器漏水", priority="P1")
    page = work_order_list(actor=agent, filters=WorkOrderFilters(q="火后熄"))
    assert [w.pk for w in page.items] == [a.pk]
    by_name = work_order_list(actor=agent, filters=WorkOrderFilters(q=a.customer.name[1:]))
    assert a.pk in [w.pk for w in by_name.items]
    p1 = work_order_list(actor=agent, filters=WorkOrderFilters(priority=["P1"]))
    assert [w.priority for w in p1.items] == ["P1"]


def test_keyset_pages_cover_every_row_once(agent):
    product = InstalledProductFactory()
    created = {make_work_order(agent, product).pk for _ in range(7)}
    seen, cursor = [], None
    while True:
        page = work_order_list(actor=agent, page_size=3, cursor=cursor)
        seen += [w.pk for w in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("query", "hit"),
    [
        ("不制冷", True),  # inside the symptom
        ("外机有异", True),
        ("冷外", False),  # the symptom has punctuation between 冷 and 外
        ("漏水", False),
        ("SN2026", True),  # serial prefix, any case
        ("sn2026", True),
        ("KFR", True),  # product model
        ("异", True),  # one character: scanned, still found
        ("王", False),
    ],
)
def test_search_finds_any_chinese_substring_through_the_index(agent, query, hit):
    """R-2.3 lookups at intake and in the list: what a user types inside a symptom, a customer
    name, a serial or a model number finds the work order."""
    product = InstalledProductFactory(serial_number="SN20260042", product_model__code="KFR-26GW")
    wo = make_work_order(agent, product, symptom="空调开机后不制冷，外机有异响")
    found = [w.pk for w in work_order_list(actor=agent, filters=WorkOrderFilters(q=query)).items]
    assert (wo.pk in found) is hit


def test_search_follows_a_customer_rename(agent):
    from aftersales.customers.services import customer_update

    wo = make_work_order(agent)
    customer_update(actor=agent, customer=wo.customer, name="欧阳明月")
    found = [w.pk for w in work_order_list(actor=agent, filters=WorkOrderFilters(q="阳明")).items]
    assert found == [wo.pk]


def test_search_for_a_common_word_lists_every_match_newest_first(agent, monkeypatch):
    """A word in many work orders takes the other query plan; the page is the same."""
    from aftersales.workorders import search

    monkeypatch.setattr(search, "FEW_MATCHES", 2)
    product = InstalledProductFactory()
    now = timezone.now()
    leaking = [
        make_work_order(agent, product, symptom="净水器漏水", received_at=now - dt.timedelta(hours=h))
        for h in (3, 1, 2)
    ]
    make_work_order(agent, product, symptom="空调不制冷")
    page = work_order_list(actor=agent, filters=WorkOrderFilters(q="漏水"), page_size=2)
    rest = work_order_list(actor=agent, filters=WorkOrderFilters(q="漏水"), page_size=2, cursor=page.next_cursor)
    expected = [wo.pk for wo in sorted(leaking, key=lambda wo: wo.received_at, reverse=True)]
    assert [w.pk for w in page.items + rest.items] == expected
    assert page.count == 3
