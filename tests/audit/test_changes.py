"""R-13.2: every change in the access log says what was done (the service's verb) and from which
address, and the log page shows it in words: the action's label, the record type's label, never
a stored code."""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from aftersales.audit.models import AccessLog
from aftersales.audit.services import client_address, record
from aftersales.audit.vocabulary import VERBS
from aftersales.customers import services as customer_services
from aftersales.workorders import services
from aftersales.workorders.states import Action
from tests.factories import CustomerFactory, UserFactory, make_work_order

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent():
    return UserFactory(role="agent", display_name="陈客服")


@pytest.fixture
def tech():
    return UserFactory(role="technician", display_name="刘师傅")


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


def _changes(obj):
    return list(
        AccessLog.objects.filter(action="change", object_type=obj._meta.model_name, object_id=str(obj.pk)).order_by(
            "id"
        )
    )


@pytest.mark.django_db
def test_r13_2_each_work_order_change_records_its_verb(agent, tech, supervisor):
    wo = make_work_order(agent)
    services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    services.work_order_start(actor=tech, work_order_id=wo.pk)
    services.work_order_add_note(actor=tech, work_order_id=wo.pk, text="已联系客户，约明早上门")
    services.work_order_set_priority(actor=agent, work_order_id=wo.pk, priority="P1", reason="客户家中有老人")
    services.work_order_resolve(actor=tech, work_order_id=wo.pk, resolution="更换电容，试机正常")
    services.work_order_reopen(actor=agent, work_order_id=wo.pk, reason="客户说又不制冷了")
    assert [row.verb for row in _changes(wo)] == ["assign", "start", "note", "priority", "resolve", "reopen"]


@pytest.mark.django_db
def test_r13_2_a_customer_update_records_its_verb(agent):
    customer = CustomerFactory()
    customer_services.customer_update(actor=UserFactory(role="admin"), customer=customer, name="新名字有限公司")
    assert [row.verb for row in _changes(customer)] == ["update"]


def test_r13_2_every_work_order_action_has_a_label_in_the_log():
    assert {action.value for action in Action} <= VERBS.keys()


@pytest.mark.django_db
def test_r13_2_a_verb_without_a_label_is_refused(agent):
    with pytest.raises(ValueError, match="Unknown access-log verb"):
        record(actor=agent, action="change", verb="frobnicate", object_type="workorder", object_id=1)
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_r13_2_a_change_on_a_page_records_the_address(client, agent, tech):
    wo = make_work_order(agent)
    client.force_login(agent)
    response = client.post(
        reverse("workorders:action", args=[wo.pk, "assign"]), {"assignee_id": tech.pk}, REMOTE_ADDR="10.20.0.7", **HTMX
    )
    assert response.status_code == 200
    [row] = _changes(wo)
    assert (row.verb, row.ip, row.actor) == ("assign", "10.20.0.7", agent)


@pytest.mark.django_db
def test_r13_2_a_change_through_the_api_records_the_address(client, agent, tech):
    wo = make_work_order(agent)
    client.force_login(agent)
    response = client.post(
        f"/api/v1/work-orders/{wo.pk}/assign",
        {"assignee_id": tech.pk},
        content_type="application/json",
        REMOTE_ADDR="10.30.0.8",
    )
    assert response.status_code == 200, response.content
    [row] = _changes(wo)
    assert (row.verb, row.ip) == ("assign", "10.30.0.8")


@pytest.mark.django_db
def test_r13_2_the_address_is_forgotten_after_the_response(client, agent):
    client.force_login(agent)
    client.get(reverse("web:home"), REMOTE_ADDR="10.40.0.9")
    assert make_work_order(agent) is not None  # outside a request, e.g. in the worker
    assert AccessLog.objects.get(action="create", object_type="workorder").ip is None


@pytest.mark.django_db(transaction=True)
def test_r13_2_simultaneous_requests_each_record_their_own_address():
    """Two requests handled at once, in two threads: each row carries its own request's address."""
    user = UserFactory(role="agent")
    customer = CustomerFactory()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def handle(ip: str) -> None:
        try:
            with client_address(ip):
                barrier.wait(timeout=10)  # both addresses are set before either row is written
                record(actor=user, action="view", obj=customer)
                barrier.wait(timeout=10)
                record(actor=user, action="view", obj=customer, detail={"second": True})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=handle, args=(ip,)) for ip in ("10.0.0.1", "10.0.0.2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = AccessLog.objects.filter(action="view").values_list("ip", "detail")
    assert sorted((ip, "second" in detail) for ip, detail in rows) == [
        ("10.0.0.1", False),
        ("10.0.0.1", True),
        ("10.0.0.2", False),
        ("10.0.0.2", True),
    ]


@pytest.mark.django_db
def test_r13_2_the_page_shows_the_verb_and_labels_not_codes(client, agent, tech, supervisor):
    wo = make_work_order(agent)
    with client_address("10.50.0.1"):
        services.work_order_assign(actor=agent, work_order_id=wo.pk, assignee_id=tech.pk)
    client.force_login(supervisor)
    response = client.get(reverse("audit:log"), {"object_type": "workorder", "action": "change"})
    html = response.content.decode()
    table = html[html.index('id="access-log"') :]
    assert "指派" in table  # the verb's label
    assert "工单" in table  # the record type's label …
    assert "workorder" not in table  # … and never its code
    assert ">assign<" not in table
    assert "10.50.0.1" in table
    assert wo.number in table


@pytest.mark.django_db
def test_r13_2_a_part_of_a_record_seen_through_the_api_names_the_part(client, agent, supervisor):
    """A view of a work order's timeline or a customer's history is named by what was shown,
    not "—"; the work order itself by its number."""
    wo = make_work_order(agent)
    client.force_login(agent)
    assert client.get(f"/api/v1/work-orders/{wo.pk}/timeline").status_code == 200
    assert client.get(f"/api/v1/work-orders/{wo.pk}").status_code == 200
    assert client.get(f"/api/v1/customers/{wo.customer_id}/history").status_code == 200
    client.force_login(supervisor)
    rows = {
        (row.object_type, row.detail.get("part", "")): row
        for row in client.get(reverse("audit:log"), {"action": "view"}).context["page"].items
    }
    assert str(rows["workorder", "timeline"].record_label) == "时间线"
    assert str(rows["customer", "history"].record_label) == "服务记录"
    assert rows["workorder", ""].record_label == wo.number
    html = client.get(reverse("audit:log"), {"action": "view"}).content.decode()
    assert "—</div>" not in html


@pytest.mark.django_db
def test_r13_2_a_change_of_something_that_is_no_row_is_named_in_words(client, supervisor):
    """A lifted log-in lock (accounts.services.lockout_lift): its type and verb in words, the
    account it named as the record."""
    record(actor=supervisor, action="change", verb="lockout_lift", object_type="lockout", object_id="lin.wei")
    client.force_login(supervisor)
    html = client.get(reverse("audit:log"), {"action": "change"}).content.decode()
    table = html[html.index('id="access-log"') :]
    assert "解除登录锁定" in table
    assert "登录锁定" in table
    assert "lin.wei" in table
    assert "lockout" not in table
