"""R-9.2, R-9.4, R-9.5: POST /api/v1/surveys/answers (phone survey) and POST /api/v1/sms/inbound."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.core.models import OutboxMessage
from aftersales.surveys import services
from aftersales.surveys.models import Answer
from tests.factories import PASSWORD, UserFactory
from tests.surveys.conftest import GOOD, GOOD_TEXT, closed_work_order

pytestmark = pytest.mark.django_db

URL = "/api/v1/surveys/answers"
SMS = "/api/v1/sms/inbound"


def _client(role: str) -> Client:
    client = Client()
    user = UserFactory(role=role)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _token_client(role: str) -> Client:
    from aftersales.accounts.services import api_token_create

    user = UserFactory(role=role)
    _token, raw = api_token_create(actor=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _post(client: Client, body: dict) -> tuple[int, dict]:
    response = client.post(URL, body, content_type="application/json")
    return response.status_code, response.json()


@pytest.fixture
def agent() -> Client:
    return _token_client("agent")


def test_r9_2_phone_survey_answers_201_and_a_second_409_already_answered(agent):
    wo = closed_work_order(timezone.now())
    status, body = _post(agent, {"work_order_id": wo.pk, "scores": GOOD, "text": GOOD_TEXT})
    assert status == 201
    assert body == {"id": Answer.objects.get().pk, "valid": True, "invalid_reason": None}
    status, body = _post(agent, {"work_order_id": wo.pk, "scores": GOOD, "text": GOOD_TEXT})
    assert status == 409
    assert body["code"] == "already_answered"


@pytest.mark.parametrize(
    ("scores", "text", "reason"),
    [
        (dict.fromkeys(GOOD, 7), GOOD_TEXT, "straight_lining"),
        (GOOD, "还行", "text_too_short"),
    ],
)
def test_r9_5_invalid_answers_are_stored_and_say_why(agent, scores, text, reason):
    wo = closed_work_order(timezone.now())
    status, body = _post(agent, {"work_order_id": wo.pk, "scores": scores, "text": text})
    assert status == 201
    assert body["valid"] is False
    assert body["invalid_reason"] == reason
    assert Answer.objects.get(pk=body["id"]).invalid_reason == reason


def test_r9_5_abusive_text_by_the_api(agent):
    from aftersales.surveys.models import AbusiveWord

    AbusiveWord.objects.create(word="骗子")
    wo = closed_work_order(timezone.now())
    _status, body = _post(agent, {"work_order_id": wo.pk, "scores": GOOD, "text": "你们就是一群骗子，修了三次都没修好"})
    assert body["invalid_reason"] == "abusive"


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({**GOOD, "attitude": 0}, "scores.attitude"),
        ({**GOOD, "communication": 11}, "scores.communication"),
        ({**GOOD, "professionalism": "9.5"}, "scores.professionalism"),
        ({k: v for k, v in GOOD.items() if k != "problem_solving"}, "scores.problem_solving"),
        ({**GOOD, "speed": 9}, "scores.speed"),
    ],
)
def test_r9_4_bad_scores_answer_422_naming_the_field(agent, scores, field):
    wo = closed_work_order(timezone.now())
    status, body = _post(agent, {"work_order_id": wo.pk, "scores": scores, "text": GOOD_TEXT})
    assert status == 422
    assert body["code"] == "validation_error"
    assert field in body["fields"]
    assert not Answer.objects.exists()


def test_r9_2_unknown_or_bad_work_order(agent):
    assert _post(agent, {"work_order_id": 999999, "scores": GOOD, "text": GOOD_TEXT})[0] == 404
    status, body = _post(agent, {"work_order_id": "x", "scores": GOOD, "text": GOOD_TEXT})
    assert status == 422
    assert "work_order_id" in body["fields"]
    assert _post(agent, {"scores": GOOD})[0] == 422


@pytest.mark.parametrize("role", ["technician", "executive", "customer"])
def test_r9_2_phone_surveys_are_refused_to_other_roles(role):
    wo = closed_work_order(timezone.now())
    status, body = _post(_token_client(role), {"work_order_id": wo.pk, "scores": GOOD, "text": GOOD_TEXT})
    assert status == 403
    assert body["code"] == "permission_denied"


def test_r9_2_phone_survey_needs_a_login():
    wo = closed_work_order(timezone.now())
    assert _post(Client(), {"work_order_id": wo.pk, "scores": GOOD, "text": GOOD_TEXT})[0] == 401


# ---- inbound SMS (R-9.2) ------------------------------------------------------------------------


GATEWAY_KEY = "s3cret"


def _sms(body: dict, secret: str | None = GATEWAY_KEY) -> tuple[int, dict]:
    headers = {"X-Gateway-Secret": secret} if secret is not None else {}
    response = Client(headers=headers).post(SMS, body, content_type="application/json")
    return response.status_code, response.json()


@pytest.fixture
def gateway(settings):
    settings.SMS_INBOUND_SECRETS = {"main": GATEWAY_KEY, "backup": "other"}


@pytest.fixture
def invitation():
    now = timezone.now()
    wo = closed_work_order(now - dt.timedelta(hours=2))
    made = services.invitation_create(work_order=wo, kind="after_close", now=now - dt.timedelta(hours=1))
    assert made is not None
    assert made.channel == "sms"
    return made


def _replies_to(address: str) -> list[str]:
    return list(
        OutboxMessage.objects.filter(channel="sms", address=address, kind="survey")
        .exclude(dedupe_key__endswith=":invite")
        .values_list("body", flat=True)
    )


def test_r9_2_sms_reply_with_code_full_width_digits_and_separators(gateway, invitation):
    text = f"{invitation.code.lower()}　９，８、１０ ９ ９ 很满意，师傅准时上门，一次修好"
    status, body = _sms({"from": "+86" + invitation.address, "text": text, "received_at": timezone.now().isoformat()})
    assert status == 200
    assert body["outcome"] == "answered"
    answer = Answer.objects.get(pk=body["answer_id"])
    assert answer.scores() == GOOD
    assert answer.source == "sms"
    assert answer.text == "很满意,师傅准时上门,一次修好"
    assert answer.valid


def test_r9_2_sms_reply_without_code_from_the_number_it_was_sent_to(gateway, invitation):
    _status, body = _sms({"from": invitation.address, "text": "9 8 10 9 9", "received_at": timezone.now().isoformat()})
    assert body["outcome"] == "answered"
    assert Answer.objects.get().invalid_reason == "text_too_short"  # no words: kept, not counted


def test_r9_2_malformed_reply_gets_one_sms_saying_what_to_send(gateway, invitation):
    now = timezone.now().isoformat()
    _status, body = _sms({"from": invitation.address, "text": "挺好的，谢谢", "received_at": now})
    assert body["outcome"] == "malformed"
    _sms({"from": invitation.address, "text": "9 8 10", "received_at": now})  # a second bad one: no second SMS
    replies = _replies_to(invitation.address)
    assert len(replies) == 1
    assert "9 8 10 9 9" in replies[0]
    assert not Answer.objects.exists()


def test_r9_2_a_second_sms_answer_is_refused_politely(gateway, invitation):
    now = timezone.now().isoformat()
    _sms({"from": invitation.address, "text": f"{invitation.code} 9 8 10 9 9 师傅很专业也很有耐心", "received_at": now})
    _status, body = _sms(
        {"from": invitation.address, "text": f"{invitation.code} 1 1 1 1 2 再来一次", "received_at": now}
    )
    assert body["outcome"] == "already_answered"
    assert Answer.objects.get().responsiveness == 9
    assert any("已经" in reply for reply in _replies_to(invitation.address))


def test_r9_2_sms_from_an_unknown_number_without_code(gateway, invitation):
    _status, body = _sms(
        {"from": "13700000000", "text": "9 8 10 9 9 很好很好很好很好很好", "received_at": timezone.now().isoformat()}
    )
    assert body["outcome"] == "unknown_survey"
    assert len(_replies_to("13700000000")) == 1


@pytest.mark.parametrize("secret", [None, "", "wrong", "s3cre"])
def test_r9_2_inbound_sms_needs_the_gateways_shared_secret(gateway, invitation, secret):
    status, _body = _sms(
        {"from": invitation.address, "text": "9 8 10 9 9", "received_at": timezone.now().isoformat()}, secret
    )
    assert status == 401
    assert not Answer.objects.exists()


def test_r9_2_a_users_token_is_not_the_gateways_secret(gateway, invitation):
    client = _token_client("admin")
    response = client.post(SMS, {"from": invitation.address, "text": "9 8 10 9 9"}, content_type="application/json")
    assert response.status_code == 401


def test_r9_2_the_second_gateway_has_its_own_secret(gateway, invitation):
    status, _body = _sms(
        {"from": invitation.address, "text": "9 8 10 9 9", "received_at": timezone.now().isoformat()}, "other"
    )
    assert status == 200


@pytest.mark.parametrize(
    "body",
    [
        {"text": "9 8 10 9 9", "received_at": "2026-03-01T10:00:00+08:00"},
        {"from": "13800000000", "text": "9 8 10 9 9", "received_at": "2026-03-01T10:00:00"},
        {"from": "13800000000", "text": "9 8 10 9 9", "received_at": "yesterday"},
    ],
)
def test_r9_2_bad_inbound_bodies_answer_422(gateway, body):
    status, answer = _sms(body)
    assert status == 422
    assert answer["code"] == "validation_error"
