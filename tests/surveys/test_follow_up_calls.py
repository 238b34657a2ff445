"""R-8.1: QA follow-up calls after closing and after complaints — the call list, a script per kind,
the outcome recorded; "the problem is back" reopens the work order with the customer's words; a
complaint's call is recorded on the complaint through the feedback app's service."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.feedback import complaints
from aftersales.feedback.models import Complaint
from aftersales.surveys import followup, selectors
from aftersales.surveys.models import FollowUpCall
from aftersales.workorders.models import WorkOrder, WorkOrderEvent
from tests.factories import PASSWORD, InstalledProductFactory, UserFactory, make_work_order
from tests.surveys.conftest import closed_work_order

URL = "/api/v1/surveys/follow-up-calls"


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _recently_closed() -> WorkOrder:
    return closed_work_order(timezone.now() - dt.timedelta(days=1))


def _complaint_ready() -> WorkOrder:
    agent = UserFactory(role="agent")
    wo = make_work_order(agent, InstalledProductFactory(), service_type="complaint")
    complaints.complaint_record(
        actor=agent,
        work_order_id=wo.pk,
        about="service",
        content="工程师迟到两小时",
        mood="angry",
        expected_solution="道歉",
    )
    complaints.complaint_read_back(actor=agent, work_order_id=wo.pk, confirmed_by_name="王女士")
    complaints.complaint_acknowledge(
        actor=agent, work_order_id=wo.pk, expected_handling_at=timezone.now() + dt.timedelta(hours=4)
    )
    return wo


@pytest.mark.django_db
def test_r8_1_the_call_list_has_closed_work_orders_and_ready_complaints_once():
    qa = UserFactory(role="qa")
    wo = _recently_closed()
    old = closed_work_order(timezone.now() - dt.timedelta(days=9))
    complaint_wo = _complaint_ready()
    due = selectors.follow_up_calls_due(actor=qa, now=timezone.now())
    assert wo in due["after_close"]
    assert old not in due["after_close"]
    assert complaint_wo in due["complaint"]
    followup.follow_up_call_record(actor=qa, work_order_id=wo.pk, kind="after_close", outcome="satisfied")
    followup.follow_up_call_record(actor=qa, work_order_id=old.pk, kind="after_close", outcome="unreachable")
    due = selectors.follow_up_calls_due(actor=qa, now=timezone.now())
    assert wo not in due["after_close"]  # called
    with pytest.raises(DomainError) as again:
        followup.follow_up_call_record(actor=qa, work_order_id=wo.pk, kind="after_close", outcome="satisfied")
    assert again.value.code == "follow_up_already_recorded"


@pytest.mark.django_db
def test_r8_1_the_problem_is_back_reopens_the_work_order_with_the_customers_words():
    qa = UserFactory(role="qa")
    wo = _recently_closed()
    with pytest.raises(DomainError) as refused:
        followup.follow_up_call_record(actor=qa, work_order_id=wo.pk, kind="after_close", outcome="problem_back")
    assert "customer_words" in refused.value.fields
    call = followup.follow_up_call_record(
        actor=qa,
        work_order_id=wo.pk,
        kind="after_close",
        outcome="problem_back",
        customer_words="空调又不制冷了，和上次一样",
    )
    assert call.reopened
    wo.refresh_from_db()
    assert wo.closed_at is None
    assert wo.status in ("assigned", "acknowledged")
    event = WorkOrderEvent.objects.filter(work_order=wo).order_by("-pk").first()
    assert "空调又不制冷了，和上次一样" in event.text


@pytest.mark.django_db
def test_r8_1_a_complaint_call_is_recorded_on_the_complaint():
    qa = UserFactory(role="qa")
    wo = _complaint_ready()
    with pytest.raises(DomainError) as refused:
        followup.follow_up_call_record(actor=qa, work_order_id=wo.pk, kind="complaint", outcome="satisfied")
    assert {"satisfaction", "customer_words"} <= set(refused.value.fields)
    followup.follow_up_call_record(
        actor=qa, work_order_id=wo.pk, kind="complaint", outcome="satisfied", satisfaction=8, customer_words="处理及时"
    )
    complaint = Complaint.objects.get(work_order=wo)
    assert complaint.follow_up_by == qa
    assert complaint.satisfaction == 8
    assert wo not in selectors.follow_up_calls_due(actor=qa, now=timezone.now())["complaint"]
    # A work order without a complaint: refused, nothing saved.
    other = _recently_closed()
    with pytest.raises(DomainError) as none:
        followup.follow_up_call_record(
            actor=qa, work_order_id=other.pk, kind="complaint", outcome="satisfied", satisfaction=8, customer_words="好"
        )
    assert none.value.code == "no_complaint"
    assert not FollowUpCall.objects.filter(work_order=other).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["technician", "agent", "executive", "dispatcher", "customer"])
def test_r8_1_only_qa_and_supervisors_make_follow_up_calls(role):
    wo = _recently_closed()
    user = UserFactory(role=role)
    with pytest.raises(DomainError) as refused:
        followup.follow_up_call_record(actor=user, work_order_id=wo.pk, kind="after_close", outcome="satisfied")
    assert refused.value.code == "permission_denied"
    client = _client(user)
    assert client.get(reverse("surveys:calls")).status_code in (302, 403)
    response = client.post(
        URL, {"work_order_id": wo.pk, "kind": "after_close", "outcome": "satisfied"}, content_type="application/json"
    )
    assert response.status_code in (403, 404)


@pytest.mark.django_db
def test_r8_1_bad_input_names_the_field():
    qa = UserFactory(role="qa")
    wo = _recently_closed()
    for values, field in [
        ({"work_order_id": "1"}, "work_order_id"),
        ({"work_order_id": 2**70}, "work_order_id"),
        ({"kind": "daily"}, "kind"),
        ({"outcome": ""}, "outcome"),
        ({"satisfaction": 11}, "satisfaction"),
        ({"satisfaction": True}, "satisfaction"),
        ({"customer_words": "字" * 2001}, "customer_words"),
    ]:
        body = {"work_order_id": wo.pk, "kind": "after_close", "outcome": "satisfied", **values}
        with pytest.raises(DomainError) as refused:
            followup.follow_up_call_record(actor=qa, **body)
        assert field in refused.value.fields
    with pytest.raises(DomainError) as missing:
        followup.follow_up_call_record(actor=qa, work_order_id=999_999, kind="after_close", outcome="satisfied")
    assert missing.value.status == 404
    assert FollowUpCall.objects.count() == 0


@pytest.mark.django_db
def test_r8_1_the_call_page_shows_the_script_and_records_the_outcome():
    wo = _recently_closed()
    qa = _client(UserFactory(role="qa"))
    listing = qa.get(reverse("surveys:calls"))
    assert listing.status_code == 200
    assert wo.number in listing.content.decode()
    url = reverse("surveys:call", args=[wo.pk, "after_close"])
    page = qa.get(url)
    assert page.status_code == 200
    assert "我们就您于" in page.content.decode()  # the script after closing, in Chinese
    assert wo.number in page.content.decode()
    bad = qa.post(url, {"outcome": "problem_back", "customer_words": ""})
    assert bad.status_code == 422
    assert qa.get(reverse("surveys:call", args=[wo.pk, "daily"])).status_code == 404
    assert qa.get(reverse("surveys:call", args=[999_999, "after_close"])).status_code == 404
    done = qa.post(url, {"outcome": "problem_back", "customer_words": "还是漏水"})
    assert done.status_code == 302
    wo.refresh_from_db()
    assert wo.closed_at is None


@pytest.mark.django_db
def test_r8_1_the_api():
    wo = _recently_closed()
    supervisor = _client(UserFactory(role="supervisor"))
    due = supervisor.get(f"{URL}/due")
    assert due.status_code == 200
    row = next(c for c in due.json()["calls"] if c["work_order_id"] == wo.pk)
    assert row["kind"] == "after_close"
    assert wo.number in row["script"]
    bad = supervisor.post(
        URL, {"work_order_id": wo.pk, "kind": "after_close", "outcome": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "outcome" in bad.json()["fields"]
    created = supervisor.post(
        URL,
        {"work_order_id": wo.pk, "kind": "after_close", "outcome": "satisfied", "satisfaction": 9},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["reopened"] is False
    again = supervisor.post(
        URL, {"work_order_id": wo.pk, "kind": "after_close", "outcome": "satisfied"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "follow_up_already_recorded"


@pytest.mark.django_db(transaction=True)
def test_r8_1_two_qa_record_the_same_call_at_once_one_wins():
    import importlib

    from django.apps import apps

    # The flush of a transactional test emptied the grants: the migration's own function again.
    importlib.import_module("aftersales.surveys.migrations.0008_grant_follow_up_permission").grant_permissions(apps)
    wo = _recently_closed()
    inspectors = [UserFactory(role="qa"), UserFactory(role="qa")]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def call(user) -> None:
        try:
            barrier.wait()
            followup.follow_up_call_record(
                actor=user, work_order_id=wo.pk, kind="after_close", outcome="problem_back", customer_words="又坏了"
            )
            results.append("ok")
        except DomainError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(user,)) for user in inspectors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1, results
    assert FollowUpCall.objects.filter(work_order=wo).count() == 1
    assert WorkOrderEvent.objects.filter(work_order=wo, text__contains="又坏了").count() == 1


@pytest.mark.django_db
def test_r8_1_each_kind_has_its_script_and_a_setting_replaces_it(settings):
    """The complaint call reads the complaint script (the agreed solution), not the one after
    closing; SURVEY_CALL_SCRIPTS replaces a kind's script."""
    wo = _complaint_ready()
    qa = _client(UserFactory(role="qa"))
    listing = qa.get(reverse("surveys:calls")).content.decode()
    assert wo.number in listing
    page = qa.get(reverse("surveys:call", args=[wo.pk, "complaint"])).content.decode()
    assert f"我们就您的投诉 {wo.number}" in page
    assert "商定的解决方案" in page
    assert "我们就您于" not in page  # not the after-closing script
    settings.SURVEY_CALL_SCRIPTS = {"complaint": "您好，关于投诉 %(number)s，请问问题是否已经解决？"}
    page = qa.get(reverse("surveys:call", args=[wo.pk, "complaint"])).content.decode()
    assert f"关于投诉 {wo.number}，请问问题是否已经解决" in page
    closed = _recently_closed()
    assert "我们就您于" in qa.get(reverse("surveys:call", args=[closed.pk, "after_close"])).content.decode()
