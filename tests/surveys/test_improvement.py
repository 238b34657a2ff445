"""R-9.7: any dimension under 7 for a team or the company in a month opens an improvement item,
once; not analysable months open none; QA and supervisors work on the items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.core.errors import DomainError
from aftersales.surveys import improvement, services, tasks
from aftersales.surveys.models import DIMENSIONS, ImprovementItem
from tests.factories import PASSWORD, TeamFactory, UserFactory
from tests.surveys.conftest import GOOD_TEXT, at, closed_work_order

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


def _answer(when, values, technician, text=GOOD_TEXT):
    wo = closed_work_order(when - dt.timedelta(hours=1), technician=technician)
    services.answer_by_phone(
        actor=UserFactory(role="agent"),
        work_order_id=wo.pk,
        scores=dict(zip(DIMENSIONS, values, strict=True)),
        text=text,
        now=when,
    )


@pytest.fixture
def teams():
    east = UserFactory(role="technician", team=TeamFactory(name="华东一组"))
    west = UserFactory(role="technician", team=TeamFactory(name="华西二组"))
    return east, west


def test_r9_7_a_team_under_7_in_one_dimension_opens_one_item_once(teams):
    east, west = teams
    for _ in range(6):
        _answer(at(2026, 3, 10, 10), [9, 9, 9, 8, 9], east)
    for _ in range(3):
        _answer(at(2026, 3, 10, 11), [9, 8, 9, 9, 5], west)  # communication 5 in the west, 7.67 company-wide
    assert improvement.improvement_scan(month=MARCH) == 1
    item = ImprovementItem.objects.get()
    assert item.team == west.team
    assert item.dimension == "communication"
    assert float(item.score) == 5.0
    assert improvement.improvement_scan(month=MARCH) == 0  # once, however often it runs
    assert ImprovementItem.objects.count() == 1


def test_r9_7_the_company_under_7_opens_a_company_item(teams):
    east, _west = teams
    for _ in range(2):
        _answer(at(2026, 3, 10, 10), [6, 9, 9, 9, 8], east)
    improvement.improvement_scan(month=MARCH)
    improvement.improvement_scan(month=MARCH)
    assert set(ImprovementItem.objects.values_list("team_id", "dimension")) == {
        (None, "responsiveness"),
        (east.team_id, "responsiveness"),
    }


def test_r9_7_exactly_7_opens_nothing_and_a_not_analysable_month_neither(teams):
    east, west = teams
    _answer(at(2026, 3, 10, 10), [7, 8, 8, 8, 8], east)
    _answer(at(2026, 4, 10, 10), [3, 4, 4, 4, 4], west)
    _answer(at(2026, 4, 11, 10), [3, 3, 3, 3, 3], west)  # straight-lining: April is 50 % valid
    assert improvement.improvement_scan(month=MARCH) == 0
    assert improvement.improvement_scan(month=dt.date(2026, 4, 1)) == 0


def test_r9_7_last_month_and_the_nightly_task():
    assert improvement.last_month(at(2026, 3, 1, 0, 30)) == dt.date(2026, 2, 1)
    assert improvement.last_month(at(2026, 1, 15, 12)) == dt.date(2025, 12, 1)
    assert tasks.survey_improvement_periodic.call_local() == 0


def _item() -> ImprovementItem:
    from django.utils import timezone

    return ImprovementItem.objects.create(month=MARCH, dimension="attitude", score=6.5, opened_at=timezone.now())


def test_r9_7_qa_records_root_cause_and_verification():
    item = _item()
    qa = UserFactory(role="qa")
    with pytest.raises(DomainError) as refused:
        improvement.item_update(actor=qa, item_id=item.pk, status="verified", verification="")
    assert "verification" in refused.value.fields
    improvement.item_update(
        actor=qa,
        item_id=item.pk,
        root_cause="新员工未培训上门礼仪",
        department="华东服务部",
        deadline=dt.date(2026, 4, 30),
        status="verified",
        verification="四月回访服务态度 8.6 分",
    )
    item.refresh_from_db()
    assert item.status == "verified"
    assert item.department == "华东服务部"


@pytest.mark.parametrize("role", ["technician", "agent", "executive"])
def test_r9_7_others_cannot_change_items(role):
    item = _item()
    with pytest.raises(DomainError) as refused:
        improvement.item_update(actor=UserFactory(role=role), item_id=item.pk, status="done")
    assert refused.value.code == "permission_denied"


def test_r9_7_the_pages(client):
    item = _item()
    executive = UserFactory(role="executive")
    client.login(username=executive.username, password=PASSWORD)
    page = client.get(reverse("surveys:improvement"))
    assert page.status_code == 200
    assert "服务态度" in page.content.decode()
    assert client.get(reverse("surveys:improvement_edit", args=[item.pk])).status_code == 403
    supervisor = UserFactory(role="supervisor")
    client.login(username=supervisor.username, password=PASSWORD)
    url = reverse("surveys:improvement_edit", args=[item.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"status": "verified", "deadline": "not-a-date"})
    assert bad.status_code == 422
    done = client.post(url, {"status": "in_progress", "department": "客服中心", "deadline": "2026-04-30"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert client.get(reverse("surveys:improvement_edit", args=[999999])).status_code == 404
    tech = UserFactory(role="technician")
    client.login(username=tech.username, password=PASSWORD)
    assert client.get(reverse("surveys:improvement")).status_code == 403


def test_r9_7_the_threshold_is_a_setting(teams, settings):
    """At SURVEY_IMPROVEMENT_BELOW = 8 a mean of 7.5 opens an item; at the default 7 it does not."""
    east, _west = teams
    _answer(at(2026, 3, 10, 10), [9, 9, 9, 8, 9], east)
    _answer(at(2026, 3, 10, 11), [9, 9, 9, 7, 9], east)  # professionalism 7.5
    assert improvement.improvement_scan(month=MARCH) == 0
    settings.SURVEY_IMPROVEMENT_BELOW = 8
    assert improvement.improvement_scan(month=MARCH) == 2  # the team's and the company's
    assert set(ImprovementItem.objects.values_list("team_id", "dimension", "score")) == {
        (east.team_id, "professionalism", 7.5),
        (None, "professionalism", 7.5),
    }
