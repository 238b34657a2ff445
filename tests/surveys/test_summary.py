"""R-9.6: the scores' monthly summary equals the aggregate over the answers, whatever answers are
recorded in whatever order (valid and invalid, months across the Shanghai midnight, teams,
channels), and the migration's rebuild gives the same rows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.errors import DomainError
from aftersales.surveys import services, summary
from aftersales.surveys.models import DIMENSIONS, ScoreSummary
from aftersales.workorders.models import WorkOrder
from tests.factories import TeamFactory, UserFactory
from tests.surveys.conftest import GOOD_TEXT, at, closed_work_order

pytestmark = pytest.mark.django_db

answer_strategy = st.tuples(
    st.sampled_from([(2026, 1, 31, 23, 30), (2026, 2, 1, 0, 30), (2026, 3, 15, 12, 0), (2027, 1, 1, 0, 5)]),
    st.lists(st.integers(1, 10), min_size=5, max_size=5),
    st.sampled_from([GOOD_TEXT, "还行"]),  # the short one is invalid
    st.integers(0, 2),  # which technician (two teams and one without a team)
    st.sampled_from(["phone", "web", "email"]),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=st.lists(answer_strategy, min_size=1, max_size=5))
def test_r9_6_the_summary_is_the_aggregate_over_the_answers(answers):
    agent = UserFactory(role="agent")
    technicians = [
        UserFactory(role="technician", team=TeamFactory(name="华东一组")),
        UserFactory(role="technician", team=TeamFactory(name="华西二组")),
        UserFactory(role="technician"),
    ]
    for moment, values, text, who, channel in answers:
        when = at(*moment)
        wo = closed_work_order(when - dt.timedelta(hours=1), technician=technicians[who])
        WorkOrder.objects.filter(pk=wo.pk).update(channel=channel)
        services.answer_by_phone(
            actor=agent,
            work_order_id=wo.pk,
            scores=dict(zip(DIMENSIONS, values, strict=True)),
            text=text,
            now=when,
        )
    for grouping in summary.GROUP_COLUMNS:
        assert summary.summary_rows(grouping) == summary.summary_from_answers(grouping), grouping
    maintained = {g: summary.summary_rows(g) for g in summary.GROUP_COLUMNS}
    summary.summary_rebuild()
    assert {g: summary.summary_rows(g) for g in summary.GROUP_COLUMNS} == maintained


def test_r9_6_an_answer_adds_one_row_per_grouping_and_a_refused_one_nothing():
    agent = UserFactory(role="agent")
    wo = closed_work_order(at(2026, 3, 1, 9))
    scores = {"responsiveness": 9, "problem_solving": 8, "attitude": 10, "professionalism": 9, "communication": 7}
    services.answer_by_phone(actor=agent, work_order_id=wo.pk, scores=scores, text=GOOD_TEXT, now=at(2026, 3, 2, 9))
    assert ScoreSummary.objects.count() == len(summary.GROUP_COLUMNS)
    company = ScoreSummary.objects.get(grouping="")
    assert (company.month, company.total, company.valid, company.s_communication) == (dt.date(2026, 3, 1), 1, 1, 7)
    with pytest.raises(DomainError) as refused:
        services.answer_by_phone(
            actor=agent, work_order_id=wo.pk, scores=scores, text=GOOD_TEXT, now=at(2026, 3, 2, 10)
        )
    assert refused.value.code == "already_answered"
    company.refresh_from_db()
    assert company.total == 1
