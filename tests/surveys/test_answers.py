"""R-9.4, R-9.5: answers by link and phone, the cleaning rules, single use of the token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.surveys import cleaning, services
from aftersales.surveys.models import AbusiveWord, Answer, Invitation
from tests.factories import UserFactory
from tests.surveys.conftest import GOOD, GOOD_TEXT, closed_work_order

pytestmark = pytest.mark.django_db


def _invitation(**kwargs) -> Invitation:
    now = timezone.now()
    wo = closed_work_order(now - dt.timedelta(hours=2), **kwargs)
    invitation = services.invitation_create(work_order=wo, kind="after_close", now=now - dt.timedelta(hours=1))
    assert invitation is not None
    return invitation


# ---- cleaning (R-9.5) -------------------------------------------------------------------------


def test_r9_5_straight_lining_is_invalid():
    assert cleaning.invalid_reason(dict.fromkeys(GOOD, 8), GOOD_TEXT, words=[]) == "straight_lining"


def test_r9_5_text_shorter_than_10_characters_is_invalid_when_required(settings):
    assert cleaning.invalid_reason(GOOD, "很满意，谢谢！", words=[]) == "text_too_short"
    assert cleaning.invalid_reason(GOOD, "一二三四五六七八九十", words=[]) == ""
    # spaces and punctuation do not count
    assert cleaning.invalid_reason(GOOD, "好 。 。 。 。 。 。 。 。 。 。", words=[]) == "text_too_short"
    settings.SURVEY_TEXT_REQUIRED = False
    assert cleaning.invalid_reason(GOOD, "", words=[]) == ""


def test_r9_5_abusive_words_are_matched_inside_chinese_text_without_word_boundaries():
    AbusiveWord.objects.create(word="垃圾")
    AbusiveWord.objects.create(word="ＳＢ")  # full-width, folded like the text
    assert cleaning.invalid_reason(GOOD, "你们的服务就是一堆垃圾，再也不买了") == "abusive"
    assert cleaning.invalid_reason(GOOD, "师傅态度很差 sb 一个，完全没解决") == "abusive"
    assert cleaning.invalid_reason(GOOD, "垃 圾服务，等了三天都没有人来处理") == "abusive"
    assert cleaning.invalid_reason(GOOD, GOOD_TEXT) == ""


def test_r9_5_invalid_answers_are_kept_with_their_reason():
    invitation = _invitation()
    answer = services.answer_by_invitation(invitation_id=invitation.pk, scores=dict.fromkeys(GOOD, 10), text=GOOD_TEXT)
    stored = Answer.objects.get(pk=answer.pk)
    assert not stored.valid
    assert stored.invalid_reason == "straight_lining"
    assert stored.points == 0  # no points for an invalid answer


# ---- answers by link (R-9.2, R-9.4, R-9.8) ----------------------------------------------------


def test_r9_4_answer_by_link_copies_the_groupings_and_credits_the_points():
    invitation = _invitation()
    answer = services.answer_by_invitation(invitation_id=invitation.pk, scores=GOOD, text=GOOD_TEXT)
    assert answer.valid
    assert answer.points == invitation.points > 0
    wo = invitation.work_order
    assert answer.technician_id == wo.assignee_id
    assert answer.team_id == wo.assignee.team_id
    assert answer.channel == wo.channel
    assert answer.customer_category_id == wo.customer.category_id
    invitation.refresh_from_db()
    assert invitation.answered_at == answer.answered_at


def test_r9_2_the_token_is_single_use():
    invitation = _invitation()
    services.answer_by_invitation(invitation_id=invitation.pk, scores=GOOD, text=GOOD_TEXT)
    with pytest.raises(DomainError) as refused:
        services.answer_by_invitation(invitation_id=invitation.pk, scores=GOOD, text=GOOD_TEXT)
    assert refused.value.code == "already_answered"
    assert refused.value.status == 409


def test_r9_3_an_expired_invitation_takes_no_answer():
    invitation = _invitation()
    with pytest.raises(DomainError) as refused:
        services.answer_by_invitation(
            invitation_id=invitation.pk, scores=GOOD, text=GOOD_TEXT, now=invitation.expires_at
        )
    assert refused.value.code == "survey_expired"
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({**GOOD, "attitude": 0}, "scores.attitude"),
        ({**GOOD, "communication": 11}, "scores.communication"),
        ({**GOOD, "professionalism": "很好"}, "scores.professionalism"),
        ({k: v for k, v in GOOD.items() if k != "responsiveness"}, "scores.responsiveness"),
        ({**GOOD, "attitude": True}, "scores.attitude"),
        ({**GOOD, "speed": 9}, "scores.speed"),
    ],
)
def test_r9_4_bad_scores_are_refused_naming_the_field_and_leave_the_invitation_open(scores, field):
    invitation = _invitation()
    with pytest.raises(ValidationFailed) as refused:
        services.answer_by_invitation(invitation_id=invitation.pk, scores=scores, text=GOOD_TEXT)
    assert field in refused.value.fields
    invitation.refresh_from_db()
    assert invitation.answered_at is None


# ---- phone survey (R-9.2) ----------------------------------------------------------------------


def test_r9_2_phone_survey_takes_the_invitation_and_a_second_is_already_answered():
    invitation = _invitation()
    agent = UserFactory(role="agent")
    answer = services.answer_by_phone(actor=agent, work_order_id=invitation.work_order_id, scores=GOOD, text=GOOD_TEXT)
    assert answer.source == "phone"
    assert answer.recorded_by == agent
    assert answer.invitation == invitation
    with pytest.raises(DomainError) as refused:
        services.answer_by_phone(actor=agent, work_order_id=invitation.work_order_id, scores=GOOD, text=GOOD_TEXT)
    assert refused.value.code == "already_answered"
    with pytest.raises(DomainError):  # and the customer's link too
        services.answer_by_invitation(invitation_id=invitation.pk, scores=GOOD, text=GOOD_TEXT)


def test_r9_2_phone_survey_without_an_invitation_is_one_answer_per_kind():
    wo = closed_work_order(timezone.now())
    agent = UserFactory(role="agent")
    services.answer_by_phone(actor=agent, work_order_id=wo.pk, scores=GOOD, text=GOOD_TEXT)
    with pytest.raises(DomainError) as refused:
        services.answer_by_phone(actor=agent, work_order_id=wo.pk, scores=GOOD, text=GOOD_TEXT)
    assert refused.value.code == "already_answered"


@pytest.mark.parametrize("role", ["technician", "executive", "customer", "expert"])
def test_r9_2_only_the_desk_and_qa_record_phone_surveys(role):
    wo = closed_work_order(timezone.now())
    with pytest.raises(DomainError) as refused:
        services.answer_by_phone(actor=UserFactory(role=role), work_order_id=wo.pk, scores=GOOD, text=GOOD_TEXT)
    assert refused.value.code == "permission_denied"


def test_r9_2_phone_survey_of_an_open_work_order_is_refused():
    wo = closed_work_order(timezone.now())
    type(wo).objects.filter(pk=wo.pk).update(closed_at=None, status="in_progress")
    with pytest.raises(DomainError) as refused:
        services.answer_by_phone(actor=UserFactory(role="qa"), work_order_id=wo.pk, scores=GOOD, text=GOOD_TEXT)
    assert refused.value.code == "work_order_not_closed"


def test_r9_5_an_administrator_edits_the_abusive_word_list_in_the_admin(client):
    from tests.factories import PASSWORD

    admin = UserFactory(role="admin", is_staff=True)
    client.login(username=admin.username, password=PASSWORD)
    assert client.get("/admin/surveys/abusiveword/").status_code == 200
    response = client.post("/admin/surveys/abusiveword/add/", {"word": "骗子"})
    assert response.status_code == 302
    assert AbusiveWord.objects.filter(word="骗子").exists()
    agent = UserFactory(role="agent", is_staff=True)
    client.login(username=agent.username, password=PASSWORD)
    assert client.get("/admin/surveys/abusiveword/").status_code == 403
