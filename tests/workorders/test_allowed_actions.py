"""R-3.5, R-13.1: what a page or the API offers is exactly what the services accept.

For every role and every status, each action's service is tried (in a savepoint that is rolled
back) and must succeed exactly when ``allowed_actions`` (the API's field, the pages' buttons)
lists it; the note, communication and priority forms likewise against the staff page's offer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from aftersales.core.errors import DomainError
from aftersales.workorders import services
from aftersales.workorders.selectors import work_order_get
from aftersales.workorders.states import Action, Status
from aftersales.workorders.views import _offered
from tests.factories import InstalledProductFactory, UserFactory, make_work_order, portal_user

pytestmark = pytest.mark.django_db

ROLES = ["customer", "technician", "executive", "agent", "dispatcher", "expert", "qa", "supervisor"]

# A path from "new" to each status (the supervisor drives it; the technician is the handler).
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


def _calls(actor: Any, pk: int, assignee: Any) -> dict[str, Callable[[], Any]]:
    """Each action with valid arguments, as a page or an API client would send them."""
    return {
        Action.ACKNOWLEDGE: lambda: services.work_order_acknowledge(actor=actor, work_order_id=pk),
        Action.ASSIGN: lambda: services.work_order_assign(actor=actor, work_order_id=pk, assignee_id=assignee.pk),
        Action.START: lambda: services.work_order_start(actor=actor, work_order_id=pk, mode="on_site"),
        Action.WAIT_CUSTOMER: lambda: services.work_order_wait(
            actor=actor, work_order_id=pk, on="customer", reason="等用户在家"
        ),
        Action.WAIT_PARTS: lambda: services.work_order_wait(
            actor=actor, work_order_id=pk, on="parts", reason="等压缩机"
        ),
        Action.RESUME: lambda: services.work_order_resume(actor=actor, work_order_id=pk),
        Action.RESOLVE: lambda: services.work_order_resolve(actor=actor, work_order_id=pk, resolution="更换电容"),
        Action.CONFIRM: lambda: services.work_order_confirm(actor=actor, work_order_id=pk, note="电话确认，张先生"),
        Action.CLOSE: lambda: services.work_order_close(actor=actor, work_order_id=pk, reason="用户电话未接通"),
        Action.REOPEN: lambda: services.work_order_reopen(actor=actor, work_order_id=pk, reason="用户说仍不制冷"),
        Action.ARCHIVE: lambda: services.work_order_archive(actor=actor, work_order_id=pk),
        Action.CANCEL: lambda: services.work_order_cancel(actor=actor, work_order_id=pk, reason="用户撤回"),
        services.NOTE: lambda: services.work_order_add_note(actor=actor, work_order_id=pk, text="已电话联系"),
        services.COMMUNICATION: lambda: services.communication_record(
            actor=actor, work_order_id=pk, kind="call", direction="out", summary="回电"
        ),
        services.PRIORITY: lambda: services.work_order_set_priority(
            actor=actor, work_order_id=pk, priority="P1", reason="生产线停机"
        ),
    }


class _RolledBack(Exception):
    pass


def _accepted(call: Callable[[], Any]) -> str:
    """ "ok" when the service accepts (its work rolled back at once), else the refusal's code."""
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except _RolledBack:
        return "ok"
    except DomainError as refusal:
        return refusal.code


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", ROLES)
def test_r3_5_services_accept_exactly_the_offered_actions(role, status):
    product = InstalledProductFactory()
    supervisor, tech = UserFactory(role="supervisor"), UserFactory(role="technician")
    wo = make_work_order(supervisor, product)
    for step in PATHS[status]:
        _calls(supervisor, wo.pk, tech)[step]()
    actor = {"customer": portal_user(product.customer), "technician": tech}.get(role) or UserFactory(role=role)
    calls = _calls(actor, wo.pk, UserFactory(role="technician"))
    outcomes = {name: _accepted(call) for name, call in calls.items()}

    if role == "technician" and status in (Status.NEW, Status.ACKNOWLEDGED):
        # Not assigned to them yet: outside their scope, so nothing is offered and all is 404.
        assert set(outcomes.values()) == {"not_found"}
        return
    shown = work_order_get(actor=actor, work_order_id=wo.pk)
    offered = set(services.available_actions(actor=actor, wo=shown))
    if role != "customer":  # the staff page also offers the note, communication and priority forms
        offered |= set(_offered(actor, shown, [])) - {"extend"}
    accepted = {name for name, outcome in outcomes.items() if outcome == "ok"}
    assert accepted == offered, outcomes
    refusals = {outcome for outcome in outcomes.values() if outcome != "ok"}
    assert refusals <= {"permission_denied", "illegal_transition", "work_order_read_only"}, outcomes


def test_r3_5_a_customer_cannot_reopen_a_long_closed_request(agent):
    """The case from the review: closed seven weeks ago, nothing offered, and the service agrees."""
    product = InstalledProductFactory()
    customer_user = portal_user(product.customer)
    wo = make_work_order(agent, product, service_type="consultation", answered_on_spot=True, resolution="已解答")
    assert wo.status == Status.CLOSED
    assert services.available_actions(actor=customer_user, wo=wo) == []
    with pytest.raises(DomainError) as refusal:
        services.work_order_reopen(actor=customer_user, work_order_id=wo.pk, reason="又坏了")
    assert (refusal.value.code, refusal.value.status) == ("illegal_transition", 409)
    wo.refresh_from_db()
    assert wo.status == Status.CLOSED
    assert not wo.events.filter(action=Action.REOPEN).exists()


@pytest.mark.django_db(transaction=True)
def test_r3_5_the_rule_is_asked_under_the_row_lock(agent):
    """A customer's confirmation and reopening sent at the same moment: both are offered while the
    request is resolved, exactly one is accepted, the other sees the new status and is refused."""
    product = InstalledProductFactory()
    customer_user = portal_user(product.customer)
    wo = make_work_order(agent, product)
    services.work_order_resolve(actor=agent, work_order_id=wo.pk, resolution="更换电容")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(call: Callable[[], Any]) -> None:
        try:
            start.wait()
            call()
            outcomes.append("ok")
        except DomainError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    calls = _calls(customer_user, wo.pk, None)
    threads = [threading.Thread(target=worker, args=(calls[a],)) for a in (Action.CONFIRM, Action.REOPEN)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["illegal_transition", "ok"]
    wo.refresh_from_db()
    assert wo.events.filter(action__in=[Action.CONFIRM, Action.REOPEN]).count() == 1


@pytest.fixture
def agent():
    return UserFactory(role="agent")
