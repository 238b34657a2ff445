"""R-9.9: satisfaction from on-site reports (R-6.2) counts too. The customer's opinion recorded on
the visit (product and service, 1–10, and a sentence) becomes a survey answer when a supervisor
approves the service report — a returned one does not count, the work order's first approved one
does, once."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from aftersales.core.errors import ValidationFailed
from aftersales.fieldservice import visit_services as vs
from aftersales.surveys import cleaning, selectors, services, summary
from aftersales.surveys.models import DIMENSIONS, AbusiveWord, Answer, ScoreSummary
from tests.factories import PASSWORD, TeamFactory, UserFactory
from tests.fieldservice.conftest import People
from tests.fieldservice.visit_helpers import assigned_work_order, recorded_visit, signature_png
from tests.surveys.conftest import GOOD, GOOD_TEXT, at

pytestmark = pytest.mark.django_db

OPINION = "师傅很专业，准时到达，空调修好了"  # 14 characters without punctuation


@pytest.fixture
def people():
    p = People()
    p.technician.team = TeamFactory(name="华东一组")
    p.technician.save(update_fields=["team"])
    return p


def _submitted(people, *, wo=None, signed_at=None, **opinion):
    """An on-site visit with the customer's opinion, signed at ``signed_at`` and submitted."""
    signed_at = signed_at or at(2026, 5, 6, 10)
    visit = recorded_visit(people, wo=wo, now=signed_at - dt.timedelta(hours=1))
    data = {"product_score": 6, "service_score": 9, "opinion": OPINION}
    data.update(opinion)
    vs.visit_record(actor=people.technician, visit_id=visit.pk, data=data)
    vs.visit_sign(
        actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png(), now=signed_at
    )
    return vs.visit_submit(actor=people.technician, visit_id=visit.pk, now=signed_at + dt.timedelta(hours=2))


def _approve(people, visit, when=None):
    return vs.visit_approve(actor=people.supervisor, visit_id=visit.pk, now=when or at(2026, 5, 8, 9))


def test_r9_9_approval_records_one_answer_with_the_service_score_in_each_dimension(people):
    visit = _submitted(people, signed_at=at(2026, 5, 6, 10))
    assert not Answer.objects.exists()  # signed and submitted is not enough
    _approve(people, visit, at(2026, 6, 2, 9))  # approved in the next month
    answer = Answer.objects.get()
    assert (answer.work_order_id, answer.kind, answer.source) == (visit.work_order_id, "on_site", "on_site")
    assert answer.scores() == dict.fromkeys(DIMENSIONS, 9)  # the service score, for each service dimension
    assert answer.product_score == 6  # the product's, kept beside them
    assert answer.text == OPINION
    assert answer.answered_at == at(2026, 5, 6, 10)  # when the customer signed
    assert (answer.technician, answer.team_id) == (people.technician, people.technician.team_id)
    assert answer.recorded_by == people.technician
    assert answer.invitation is None
    assert answer.points == 0
    assert answer.valid
    assert answer.invalid_reason == ""
    assert answer.get_source_display() == "现场服务报告"
    # in the monthly summary, in the month it was given (May), with the company and its source
    company = ScoreSummary.objects.get(grouping="", month=dt.date(2026, 5, 1))
    assert (company.total, company.valid, company.s_attitude) == (1, 1, 9)
    assert ScoreSummary.objects.get(grouping="source", key="on_site").total == 1
    assert summary.summary_rows("source") == summary.summary_from_answers("source")


def test_r9_9_a_returned_report_records_no_answer_the_corrected_approved_one_does(people):
    visit = _submitted(people, signed_at=at(2026, 5, 6, 10))
    vs.visit_return(actor=people.supervisor, visit_id=visit.pk, comment="测试结果写清楚", now=at(2026, 5, 7, 9))
    assert not Answer.objects.exists()
    assert not ScoreSummary.objects.exists()
    vs.visit_record(actor=people.technician, visit_id=visit.pk, data={"service_score": 7})
    vs.visit_sign(
        actor=people.technician,
        visit_id=visit.pk,
        signer_name="张先生",
        signature=signature_png(),
        now=at(2026, 5, 7, 15),
    )
    vs.visit_submit(actor=people.technician, visit_id=visit.pk, now=at(2026, 5, 7, 16))
    _approve(people, visit)
    answer = Answer.objects.get()
    assert answer.scores() == dict.fromkeys(DIMENSIONS, 7)
    assert answer.answered_at == at(2026, 5, 7, 15)  # signed again


def test_r9_9_a_second_approved_report_on_the_work_order_adds_no_second_answer(people):
    wo = assigned_work_order(people)
    first = _submitted(people, wo=wo, signed_at=at(2026, 5, 6, 10), service_score=9)
    _approve(people, first)
    second = _submitted(people, wo=wo, signed_at=at(2026, 5, 9, 10), service_score=3, product_score=2)
    approved = _approve(people, second, at(2026, 5, 11, 9))
    assert approved.status == "approved"
    answer = Answer.objects.get()
    assert answer.scores() == dict.fromkeys(DIMENSIONS, 9)  # the first approved report's
    assert ScoreSummary.objects.get(grouping="").total == 1
    # asked again for a visit whose work order has its answer, the service answers that one
    assert services.answer_from_visit(visit=second) == answer


def test_r9_9_a_report_without_the_customers_opinion_is_approvable_and_is_no_answer(people):
    visit = _submitted(people, product_score=None, service_score=None, opinion="")
    assert _approve(people, visit).status == "approved"
    # only a product score: the five dimensions are the service's, so still no answer
    other = _submitted(people, product_score=8, service_score=None, opinion=OPINION)
    assert _approve(people, other).status == "approved"
    assert not Answer.objects.exists()
    assert not ScoreSummary.objects.exists()


def test_r9_9_a_remote_support_report_is_not_an_on_site_answer(people):
    """R-9.9 counts on-site reports (R-6.2); remote support (R-6.7) would be mislabelled 现场服务报告."""
    wo = assigned_work_order(people)
    visit = vs.visit_check_in(actor=people.technician, work_order_id=wo.pk, kind="remote", now=at(2026, 5, 6, 9))
    vs.visit_record(
        actor=people.technician,
        visit_id=visit.pk,
        data={"remote_steps": "电话指导重启并清洗滤网", "service_score": 8, "opinion": OPINION},
    )
    vs.visit_sign(
        actor=people.technician,
        visit_id=visit.pk,
        signer_name="张先生",
        signature=signature_png(),
        now=at(2026, 5, 6, 9),
    )
    vs.visit_submit(actor=people.technician, visit_id=visit.pk, now=at(2026, 5, 6, 10))
    assert _approve(people, visit).status == "approved"
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("opinion", "reason"),
    [
        ("", ""),  # no sentence: valid (the opinion's sentence is optional on site)
        (OPINION, ""),
        ("很满意", "text_too_short"),  # a sentence given is held to the length rule
        ("垃圾服务，等了三天都没有人来处理", "abusive"),
    ],
)
def test_r9_9_cleaning_of_on_site_answers(people, opinion, reason):
    AbusiveWord.objects.create(word="垃圾")
    _approve(people, _submitted(people, opinion=opinion))
    answer = Answer.objects.get()
    assert (answer.valid, answer.invalid_reason) == (not reason, reason)


def test_r9_9_cleaning_rules_for_on_site_opinions(settings):
    same = dict.fromkeys(GOOD, 8)
    assert cleaning.invalid_reason(same, GOOD_TEXT, words=[], on_site=True) == ""
    assert cleaning.invalid_reason(same, GOOD_TEXT, words=[]) == "straight_lining"  # others unchanged
    assert cleaning.invalid_reason(same, "", words=[], on_site=True) == ""
    assert cleaning.invalid_reason(same, "好", words=[], on_site=True) == "text_too_short"
    assert cleaning.invalid_reason(same, "一堆垃圾" * 3, words=["垃圾"], on_site=True) == "abusive"
    settings.SURVEY_TEXT_REQUIRED = False
    assert cleaning.invalid_reason(same, "好", words=[], on_site=True) == ""


def test_r9_9_an_approval_retried_after_a_failure_records_the_answer_once(people):
    """The answer is written in the approval's transaction: an approval that fails after it leaves
    neither approval nor answer, and the retry succeeds with exactly one."""
    visit = _submitted(people)
    with (
        mock.patch.object(vs, "_notify_technician", side_effect=RuntimeError("outbox down")),
        pytest.raises(RuntimeError),
    ):
        _approve(people, visit)
    visit.refresh_from_db()
    assert visit.status == "submitted"
    assert not Answer.objects.exists()
    assert not ScoreSummary.objects.exists()
    assert _approve(people, visit).status == "approved"
    answer = Answer.objects.get()
    visit.refresh_from_db()
    assert services.answer_from_visit(visit=visit) == answer  # asked again: the same answer
    assert Answer.objects.count() == 1
    assert ScoreSummary.objects.get(grouping="").total == 1


def test_r9_9_a_phone_survey_cannot_be_entered_as_an_on_site_answer(people):
    from tests.surveys.conftest import closed_work_order

    wo = closed_work_order(at(2026, 5, 6, 10))
    with pytest.raises(ValidationFailed) as exc:
        services.answer_by_phone(
            actor=UserFactory(role="agent"), work_order_id=wo.pk, scores=GOOD, text=GOOD_TEXT, kind="on_site"
        )
    assert "kind" in exc.value.fields


def test_r9_9_scores_count_on_site_answers_and_show_them_by_source(people, client):
    _approve(people, _submitted(people, signed_at=at(2026, 5, 6, 10), service_score=9))
    services.answer_by_phone(
        actor=people.agent,
        work_order_id=_closed(people).pk,
        scores=dict(zip(DIMENSIONS, [7, 7, 7, 7, 8], strict=True)),
        text=GOOD_TEXT,
        now=at(2026, 5, 20, 10),
    )
    supervisor = UserFactory(role="supervisor")
    (may,) = selectors.scores(actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    assert (may.total, may.valid) == (2, 2)
    assert may.means["responsiveness"] == 8.0  # (9 + 7) / 2
    by_source = {
        row.key: row
        for row in selectors.scores(
            actor=supervisor, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1), grouping="source"
        )
    }
    assert set(by_source) == {"on_site", "phone"}
    assert by_source["on_site"].label == "现场服务报告"
    assert by_source["on_site"].means["communication"] == 9.0
    client.login(username=supervisor.username, password=PASSWORD)
    page = client.get(reverse("surveys:dashboard"), {"year": "2026", "group": "source"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "现场服务报告" in html
    assert "电话回访" in html
    assert "8.00" in html  # the company's May responsiveness, with the on-site answer


def _closed(people):
    from aftersales.workorders.models import WorkOrder
    from tests.factories import make_work_order

    wo = make_work_order(people.agent)
    WorkOrder.objects.filter(pk=wo.pk).update(
        status="closed", closed_at=at(2026, 5, 19, 10), assignee=people.other_technician
    )
    return WorkOrder.objects.get(pk=wo.pk)
