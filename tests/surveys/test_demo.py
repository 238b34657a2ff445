"""R-9 demo data (surveys/demo.py, called by the demo seed): three months of answers, some invalid
for each reason, one team under 7 in one dimension with its improvement item, and the monthly
service-quality meeting that reviewed it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.demo.seed import seed
from aftersales.surveys.models import Answer, ImprovementItem, MeetingDecision, Sample
from aftersales.surveys.summary import answer_month

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20T12:00:00+08:00")]


def test_r9_demo_has_three_months_of_answers_invalid_ones_and_an_improvement_item_reviewed():
    seed(scale=0.05, now=timezone.now())
    months = {answer_month(moment) for moment in Answer.objects.values_list("answered_at", flat=True)}
    assert {dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)} <= months  # three full months
    reasons = set(Answer.objects.filter(valid=False).values_list("invalid_reason", flat=True))
    assert reasons == {"straight_lining", "text_too_short", "abusive"}
    assert Answer.objects.filter(source="on_site", kind="on_site").exists()  # marked as such
    team_items = ImprovementItem.objects.filter(month=dt.date(2026, 10, 1), team__isnull=False)
    assert team_items.count() == 1
    item = team_items.get()
    assert item.dimension == "communication"
    assert item.score < 7
    decision = MeetingDecision.objects.select_related("meeting").get(item=item)
    assert decision.meeting.held_on.month == 11
    assert decision.meeting.minutes
    assert decision.meeting.attendees.count() >= 2
    sample = Sample.objects.get(month=dt.date(2026, 10, 1))
    assert sample.size >= sample.population / 10
