"""R-9.5, R-9.6: scores are means of valid answers by database aggregates; a period under 80 %
valid is not analysable and never averaged; by team, technician, channel; the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

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


def test_r9_6_by_product_line_and_customer_category_with_their_names(supervisor):
    from aftersales.customers.models import Customer
    from aftersales.workorders.models import WorkOrder
    from tests.factories import CustomerCategoryFactory, ProductLineFactory

    heaters = ProductLineFactory(code="wh", name="热水器")
    business = CustomerCategoryFactory(code="business", name="商业用户")
    agent = UserFactory(role="agent")
    for values, line, category in (([9, 9, 9, 9, 8], None, None), ([5, 6, 6, 6, 6], heaters, business)):
        wo = closed_work_order(at(2026, 3, 5, 9))
        if line is not None:
            WorkOrder.objects.filter(pk=wo.pk).update(product_line=line)
            Customer.objects.filter(pk=wo.customer_id).update(category=category)
        services.answer_by_phone(
            actor=agent, work_order_id=wo.pk, scores=_scores(values), text=GOOD_TEXT, now=at(2026, 3, 5, 10)
        )
    year = {"start": dt.date(2026, 1, 1), "end": dt.date(2027, 1, 1)}
    by_line = selectors.scores(actor=supervisor, grouping="product_line", **year)
    assert {r.label: r.means["responsiveness"] for r in by_line} == {"空调": 9, "热水器": 5}
    by_category = selectors.scores(actor=supervisor, grouping="customer_category", **year)
    assert {r.label: r.means["problem_solving"] for r in by_category} == {"家庭用户": 9, "商业用户": 6}


def test_r9_6_the_trend_is_against_the_month_just_before_also_across_the_new_year(supervisor):
    """January's trend is against December of the year before (not shown in the year's rows); a
    month after a month without answers has no trend (it is not against two months back)."""
    _answer(at(2025, 12, 10, 10), _scores([6, 6, 6, 6, 6]))  # straight-lining: invalid
    _answer(at(2025, 12, 11, 10), _scores([6, 6, 6, 6, 7]))
    _answer(at(2026, 1, 10, 10), _scores([8, 8, 8, 8, 9]))
    _answer(at(2026, 3, 10, 10), _scores([9, 9, 9, 9, 8]))
    rows = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    assert [r.period for r in rows] == [dt.date(2026, 1, 1), dt.date(2026, 3, 1)]
    # December 2025: one straight-lined (invalid) answer of two, 50 % valid, so no trend for January
    assert rows[0].trend is None
    assert rows[1].trend is None  # February had no answers
    _answer(at(2025, 12, 12, 10), _scores([6, 6, 6, 7, 6]))
    _answer(at(2025, 12, 13, 10), _scores([6, 6, 7, 6, 6]))
    _answer(at(2025, 12, 14, 10), _scores([6, 7, 6, 6, 6]))  # now 4 of 5 valid, overall 6.2
    rows = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    assert rows[0].trend == pytest.approx(8.2 - 6.2)


def test_r9_6_the_quarters_trend_is_against_the_quarter_before_also_last_years(supervisor):
    _answer(at(2025, 11, 10, 10), _scores([6, 6, 6, 6, 7]))  # Q4 2025: 6.2
    _answer(at(2026, 2, 10, 10), _scores([7, 7, 7, 7, 8]))  # Q1 2026: 7.2
    _answer(at(2026, 5, 10, 10), _scores([9, 9, 9, 9, 8]))  # Q2 2026: 8.8
    quarters = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), period="quarter")
    assert [(r.period, r.trend) for r in quarters] == [
        (dt.date(2026, 1, 1), pytest.approx(1.0)),
        (dt.date(2026, 4, 1), pytest.approx(1.6)),
    ]
    assert selectors.previous_period(dt.date(2026, 1, 1), "half") == dt.date(2025, 7, 1)
    assert selectors.previous_period(dt.date(2026, 1, 1), "year") == dt.date(2025, 1, 1)


def _month_rows():
    """A month's summary: (total, valid, the five sums over the valid answers)."""
    return st.integers(0, 12).flatmap(
        lambda valid: st.tuples(
            st.integers(max(valid, 1), valid + 4),
            st.just(valid),
            st.tuples(*[st.integers(valid, 10 * valid)] * 5),
        )
    )


@hyp_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    months=st.dictionaries(
        st.sampled_from([(2025, m) for m in (10, 11, 12)] + [(2026, m) for m in range(1, 13)]),
        _month_rows(),
        min_size=1,
        max_size=10,
    ),
    period=st.sampled_from(["month", "quarter", "half", "year"]),
)
def test_r9_5_r9_6_means_the_80_percent_gate_and_the_trend_are_computed_exactly(supervisor, months, period):
    """Hypothesis over monthly summaries: each period's means are its valid sums over its valid
    answers, only when at least 80 % are valid; its trend is its overall mean against the period
    just before's (which may lie in the year before)."""
    from aftersales.surveys.models import ScoreSummary

    ScoreSummary.objects.all().delete()
    for (year, month), (total, valid, sums) in months.items():
        ScoreSummary.objects.create(
            grouping="",
            key="",
            month=dt.date(year, month, 1),
            total=total,
            valid=valid,
            **{f"s_{name}": value for name, value in zip(DIMENSIONS, sums, strict=True)},
        )
    span = {"month": 1, "quarter": 3, "half": 6, "year": 12}[period]

    def bucket(year: int, month: int) -> tuple[int, int]:
        return year, (month - 1) // span * span + 1

    totals: dict[tuple[int, int], list[int]] = {}
    for (year, month), (total, valid, sums) in months.items():
        acc = totals.setdefault(bucket(year, month), [0, 0, 0, 0, 0, 0, 0])
        for i, value in enumerate((total, valid, *sums)):
            acc[i] += value

    def overall(key):
        acc = totals.get(key)
        if acc is None or acc[0] == 0 or acc[1] < 0.8 * acc[0]:
            return None
        return round(sum(round(s / acc[1], 2) for s in acc[2:]) / 5, 2)

    rows = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), period=period)
    expected = sorted(k for k in totals if k[0] == 2026)
    assert [(r.period.year, r.period.month) for r in rows] == expected
    for row in rows:
        key = (row.period.year, row.period.month)
        total, valid, *sums = totals[key]
        assert (row.total, row.valid) == (total, valid)
        assert row.analysable == (total > 0 and valid * 5 >= total * 4)
        if row.analysable:
            assert row.means == {n: round(s / valid, 2) for n, s in zip(DIMENSIONS, sums, strict=True)}
        else:
            assert row.means is None
        months_before = key[0] * 12 + key[1] - 1 - span
        before = overall((months_before // 12, months_before % 12 + 1))
        if before is None or row.overall is None:
            assert row.trend is None
        else:
            assert row.trend == pytest.approx(round(row.overall - before, 2))
