"""R-9.7: the monthly service-quality meeting — date, attendees, minutes, the improvement items it
reviewed and what it decided for each (a status change, a new deadline); supervisors and QA
record it, executives read it, technicians, agents and customers are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.surveys import meetings
from aftersales.surveys.models import ImprovementItem, MeetingDecision, QualityMeeting
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/surveys/meetings"


def _item(dimension: str = "attitude", **kwargs) -> ImprovementItem:
    return ImprovementItem.objects.create(
        month=dt.date(2026, 3, 1), dimension=dimension, score=6.5, opened_at=timezone.now(), **kwargs
    )


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_r9_7_a_meeting_records_its_decisions_and_applies_them_to_the_items():
    item, other = _item(), _item("communication")
    supervisor, qa = UserFactory(role="supervisor"), UserFactory(role="qa")
    meeting = meetings.meeting_save(
        actor=supervisor,
        held_on=dt.date(2026, 4, 8),
        attendee_ids=[supervisor.pk, qa.pk],
        minutes="三月服务态度低于 7 分，华东一组上门礼仪培训。",
        decisions=[
            {
                "item_id": item.pk,
                "decision": "本月完成礼仪培训",
                "status": "in_progress",
                "deadline": dt.date(2026, 4, 30),
            },
            {"item_id": other.pk, "decision": "继续观察", "status": "", "deadline": None},
        ],
    )
    item.refresh_from_db()
    other.refresh_from_db()
    assert item.status == "in_progress"
    assert item.deadline == dt.date(2026, 4, 30)
    assert other.status == "open"  # reviewed, nothing changed
    assert set(meeting.attendees.values_list("pk", flat=True)) == {supervisor.pk, qa.pk}
    assert MeetingDecision.objects.filter(meeting=meeting).count() == 2


def test_r9_7_bad_input_names_the_field_and_saves_nothing():
    item = _item()
    supervisor = UserFactory(role="supervisor")
    customer_user = UserFactory(role="customer")
    cases = [
        ({"held_on": "2026-04-08"}, "held_on"),
        ({"attendee_ids": []}, "attendee_ids"),
        ({"attendee_ids": [customer_user.pk]}, "attendee_ids"),
        ({"attendee_ids": [2**70]}, "attendee_ids"),
        ({"minutes": "   "}, "minutes"),
        ({"minutes": "x" * 10_001}, "minutes"),
        ({"decisions": [{"item_id": 999_999, "decision": "x"}]}, "decisions.0.item_id"),
        ({"decisions": [{"item_id": item.pk, "decision": ""}]}, "decisions.0.decision"),
        ({"decisions": [{"item_id": item.pk, "decision": "x", "status": "gone"}]}, "decisions.0.status"),
        ({"decisions": [{"item_id": item.pk, "decision": "x", "status": "verified"}]}, "decisions.0.status"),
        (
            {"decisions": [{"item_id": item.pk, "decision": "x"}, {"item_id": item.pk, "decision": "y"}]},
            "decisions.1.item_id",
        ),
    ]
    for change, field in cases:
        values = {
            "held_on": dt.date(2026, 4, 8),
            "attendee_ids": [supervisor.pk],
            "minutes": "会议纪要",
            "decisions": [],
            **change,
        }
        with pytest.raises(DomainError) as refused:
            meetings.meeting_save(actor=supervisor, **values)
        assert field in refused.value.fields, (change, refused.value.fields)
    assert QualityMeeting.objects.count() == 0
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize("role", ["technician", "agent", "executive", "dispatcher", "customer"])
def test_r9_7_only_supervisors_and_qa_record_meetings(role):
    user = UserFactory(role=role)
    with pytest.raises(DomainError) as refused:
        meetings.meeting_save(actor=user, held_on=dt.date(2026, 4, 8), attendee_ids=[user.pk], minutes="x")
    assert refused.value.code == "permission_denied"


def test_r9_7_the_meeting_pages_every_role():
    item = _item()
    qa = UserFactory(role="qa", display_name="质检王")
    page = _client(qa)
    form = page.get(reverse("surveys:meeting_new"))
    assert form.status_code == 200
    assert "服务态度" in form.content.decode()
    bad = page.post(reverse("surveys:meeting_new"), {"held_on": "not-a-date", "minutes": ""})
    assert bad.status_code == 422
    assert QualityMeeting.objects.count() == 0
    done = page.post(
        reverse("surveys:meeting_new"),
        {
            "held_on": "2026-04-08",
            "attendee_ids": [str(qa.pk)],
            "minutes": "评审三月改进项",
            f"item_{item.pk}_reviewed": "on",
            f"item_{item.pk}_decision": "延期到五月",
            f"item_{item.pk}_status": "",
            f"item_{item.pk}_deadline": "2026-05-31",
        },
    )
    assert done.status_code == 302
    meeting = QualityMeeting.objects.get()
    item.refresh_from_db()
    assert item.deadline == dt.date(2026, 5, 31)
    detail = page.get(reverse("surveys:meeting", args=[meeting.pk]))
    assert "延期到五月" in detail.content.decode()
    assert "质检王" in detail.content.decode()
    assert "会议纪要" in detail.content.decode()  # the minutes (not 分钟, minutes of time)
    assert page.get(reverse("surveys:meeting", args=[999_999])).status_code == 404
    assert page.get(reverse("surveys:meeting_edit", args=[meeting.pk])).status_code == 200

    executive = _client(UserFactory(role="executive"))
    assert executive.get(reverse("surveys:meetings")).status_code == 200
    assert "延期到五月" in executive.get(reverse("surveys:meeting", args=[meeting.pk])).content.decode()
    assert executive.get(reverse("surveys:meeting_new")).status_code == 403
    assert executive.post(reverse("surveys:meeting_edit", args=[meeting.pk]), {}).status_code == 403
    for role in ("technician", "agent", "customer"):
        other = _client(UserFactory(role=role))
        assert other.get(reverse("surveys:meetings")).status_code in (403, 302), role
        assert other.get(reverse("surveys:meeting", args=[meeting.pk])).status_code in (403, 302), role


def test_r9_7_the_meeting_api_every_role():
    item = _item()
    supervisor = UserFactory(role="supervisor")
    body = {
        "held_on": "2026-04-08",
        "attendee_ids": [supervisor.pk],
        "minutes": "评审",
        "decisions": [{"item_id": item.pk, "decision": "完成", "status": "done"}],
    }
    api = _client(supervisor)
    created = api.post(URL, body, content_type="application/json")
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    assert created.json()["decisions"][0]["status"] == "done"
    item.refresh_from_db()
    assert item.status == "done"
    bad = api.post(URL, {**body, "minutes": ""}, content_type="application/json")
    assert bad.status_code == 422
    assert "minutes" in bad.json()["fields"]
    wrong = api.post(URL, {**body, "attendee_ids": "all"}, content_type="application/json")
    assert wrong.status_code == 422
    updated = api.put(f"{URL}/{meeting_id}", {**body, "minutes": "评审（更正）"}, content_type="application/json")
    assert updated.status_code == 200
    assert updated.json()["minutes"] == "评审（更正）"
    assert api.put(f"{URL}/999999", body, content_type="application/json").status_code == 404
    assert api.get(f"{URL}/99999999999999999999").status_code == 422

    executive = _client(UserFactory(role="executive"))
    assert executive.get(f"{URL}/{meeting_id}").status_code == 200
    assert executive.get(URL).json()[0]["id"] == meeting_id
    refused = executive.post(URL, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    for role in ("technician", "agent", "customer"):
        other = _client(UserFactory(role=role))
        response = other.get(f"{URL}/{meeting_id}")
        assert response.status_code in (403, 404), role
        assert other.post(URL, body, content_type="application/json").status_code in (403, 404), role
