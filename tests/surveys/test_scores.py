"""R-9.5, R-9.6: scores are means of valid answers by database aggregates; a period under 80 %
valid is not analysable and never averaged; by team, technician, channel; the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.core.errors import PermissionDenied
from aftersales.surveys import selectors, services
from aftersales.surveys.models import DIMENSIONS
from tests.factories import PASSWORD, TeamFactory, UserFactory
from tests.surveys.conftest import GOOD_TEXT, at, closed_work_order

pytestmark = pytest.mark.django_db


def _answer(when: dt.datetime, scores: dict[str, int], text: str = GOOD_TEXT, technician=None):
    wo = closed_work_order(when - dt.timedelta(hours=1), technician=technician)
    return services.answer_by_phone(
        actor=UserFactory(role="agent"), work_order_id=wo.pk, scores=scores, text=text, now=when
    )


def _scores(values: list[int]) -> dict[str, int]:
    return dict(zip(DIMENSIONS, values, strict=True))


@pytest.fixture
def supervisor():
    return UserFactory(role="supervisor")


def test_r9_6_means_per_dimension_by_month_over_valid_answers_only(supervisor):
    for _ in range(4):
        _answer(at(2026, 3, 5, 10), _scores([8, 6, 9, 7, 10]))
    _answer(at(2026, 3, 6, 10), _scores([2, 2, 2, 2, 2]))  # straight-lining: left out
    rows = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    assert len(rows) == 1
    row = rows[0]
    assert row.period == dt.date(2026, 3, 1)
    assert (row.total, row.valid) == (5, 4)
    assert row.analysable  # exactly 80 %
    assert row.means == {
        "responsiveness": 8,
        "problem_solving": 6,
        "attitude": 9,
        "professionalism": 7,
        "communication": 10,
    }


def test_r9_5_a_period_under_80_percent_valid_is_not_averaged(supervisor):
    for _ in range(3):
        _answer(at(2026, 4, 5, 10), _scores([8, 6, 9, 7, 10]))
    _answer(at(2026, 4, 6, 10), _scores([5, 5, 5, 5, 5]))
    rows = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    assert rows[0].share == 0.75
    assert not rows[0].analysable
    assert rows[0].means is None
    assert rows[0].overall is None


def test_r9_6_months_are_local_days_and_the_trend_against_the_previous_month(supervisor):
    _answer(at(2026, 5, 31, 23, 30), _scores([6, 6, 6, 6, 7]))  # May in Shanghai, still May in UTC too
    _answer(at(2026, 6, 1, 0, 30), _scores([8, 8, 8, 8, 9]))  # June in Shanghai, 31 May in UTC
    rows = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    assert [r.period for r in rows] == [dt.date(2026, 5, 1), dt.date(2026, 6, 1)]
    assert rows[1].trend == pytest.approx(2.0)


def test_r9_6_quarter_half_year_and_year(supervisor):
    _answer(at(2026, 2, 5, 10), _scores([6, 6, 6, 6, 8]))
    _answer(at(2026, 5, 5, 10), _scores([8, 8, 8, 8, 10]))
    quarters = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), period="quarter")
    assert [r.period for r in quarters] == [dt.date(2026, 1, 1), dt.date(2026, 4, 1)]
    half = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), period="half")
    assert len(half) == 1
    assert half[0].means["responsiveness"] == 7
    year = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), period="year")
    assert year[0].means["communication"] == 9


def test_r9_6_by_team_and_technician(supervisor):
    east, west = TeamFactory(name="华东一组"), TeamFactory(name="华西二组")
    tech_east = UserFactory(role="technician", team=east)
    tech_west = UserFactory(role="technician", team=west)
    _answer(at(2026, 3, 5, 10), _scores([9, 9, 9, 9, 8]), technician=tech_east)
    _answer(at(2026, 3, 5, 11), _scores([5, 6, 6, 6, 6]), technician=tech_west)
    by_team = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), grouping="team")
    assert {r.label: r.means["responsiveness"] for r in by_team} == {"华东一组": 9, "华西二组": 5}
    by_tech = selectors.scores(
        actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), grouping="technician"
    )
    assert {r.key for r in by_tech} == {tech_east.pk, tech_west.pk}
    by_channel = selectors.scores(
        actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), grouping="channel"
    )
    assert [r.key for r in by_channel] == ["phone"]


@pytest.mark.parametrize("role", ["technician", "agent", "customer"])
def test_r9_6_scores_are_refused_to_roles_without_the_permission(role):
    with pytest.raises(PermissionDenied):
        selectors.scores(actor=UserFactory(role=role), start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))


def test_r9_6_the_dashboard_shows_means_and_not_analysable_periods(client):
    for _ in range(4):
        _answer(at(2026, 3, 5, 10), _scores([8, 6, 9, 7, 10]))
    _answer(at(2026, 4, 5, 10), _scores([8, 6, 9, 7, 10]))
    _answer(at(2026, 4, 6, 10), _scores([8, 6, 9, 7, 10]), text="还行")
    user = UserFactory(role="executive")
    client.login(username=user.username, password=PASSWORD)
    page = client.get(reverse("surveys:dashboard"), {"year": "2026", "group": "team"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "6.00" in html  # March, problem solving
    assert "不可分析" in html  # April: 50 % valid
    assert "survey-chart-data" in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    "query", [{"year": "abc"}, {"year": "99999"}, {"period": "decade"}, {"group": "'; drop"}, {"year": "-1"}]
)
def test_r9_6_bad_filter_values_fall_back_to_defaults(client, query):
    user = UserFactory(role="supervisor")
    client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("surveys:dashboard"), query).status_code == 200


@pytest.mark.parametrize("role", ["technician", "agent", "customer"])
def test_r9_6_the_dashboard_is_refused_to_others(client, role):
    user = UserFactory(role=role)
    client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("surveys:dashboard")).status_code == 403
