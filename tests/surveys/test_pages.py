"""R-9.2: the customer's survey page (no login, single use) and the agent's phone survey page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.surveys import services
from aftersales.surveys.models import Answer, Invitation
from tests.factories import PASSWORD, UserFactory
from tests.surveys.conftest import GOOD, GOOD_TEXT, closed_work_order

pytestmark = pytest.mark.django_db


def _invitation() -> Invitation:
    now = timezone.now()
    wo = closed_work_order(now - dt.timedelta(hours=2))
    invitation = services.invitation_create(work_order=wo, kind="after_close", now=now - dt.timedelta(hours=1))
    assert invitation is not None
    return invitation


def _post(scores=GOOD, text=GOOD_TEXT):
    return {**{k: str(v) for k, v in scores.items()}, "text": text}


def test_r9_2_the_survey_page_needs_no_login_and_takes_one_answer(client):
    invitation = _invitation()
    url = reverse("surveys:answer", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "响应及时性" in html
    assert "沟通清晰度" in html
    assert "<script>" not in html  # CSP: no inline scripts
    done = client.post(url, _post())
    assert done.status_code == 200
    assert "感谢" in done.content.decode()
    assert Answer.objects.get(invitation=invitation).source == "link"
    again = client.post(url, _post())
    assert again.status_code == 200
    assert "已经" in again.content.decode()  # politely: already answered
    assert Answer.objects.count() == 1


def test_r9_4_a_missing_score_comes_back_in_chinese_and_the_token_stays_open(client):
    invitation = _invitation()
    url = reverse("surveys:answer", args=[invitation.token])
    data = _post()
    del data["attitude"]
    page = client.post(url, data)
    assert page.status_code == 422
    assert "请选择 1 到 10 的分数" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_r9_3_unknown_and_expired_links(client):
    assert client.get(reverse("surveys:answer", args=["no-such-token"])).status_code == 404
    invitation = _invitation()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    url = reverse("surveys:answer", args=[invitation.token])
    assert client.get(url).status_code == 410
    assert client.post(url, _post()).status_code == 410
    assert not Answer.objects.exists()


def test_r9_2_agent_records_a_phone_survey_on_the_page(client):
    invitation = _invitation()
    agent = UserFactory(role="agent")
    client.login(username=agent.username, password=PASSWORD)
    url = reverse("surveys:phone")
    assert client.get(url).status_code == 200
    response = client.post(url, {"number": invitation.work_order.number, **_post()})
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.source == "phone"
    assert answer.recorded_by == agent
    again = client.post(url, {"number": invitation.work_order.number, **_post()})
    assert again.status_code == 422
    assert "已经" in again.content.decode()
    unknown = client.post(url, {"number": "WO-0000-000000", **_post()})
    assert unknown.status_code == 422


@pytest.mark.parametrize("role", ["technician", "executive", "customer"])
def test_r9_2_the_phone_survey_page_is_refused_to_others(client, role):
    user = UserFactory(role=role)
    client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("surveys:phone")).status_code == 403


def test_r9_2_the_phone_survey_page_asks_to_log_in(client):
    assert client.get(reverse("surveys:phone")).status_code == 302


# ---- every survey page in Chinese, on the demo data ---------------------------------------------

_WORDS = __import__("re").compile(r"(?<![\w@./-])[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,})+(?![\w@.-])")


def _english_phrases(html: str) -> list[str]:
    from tests.test_translations import _VisibleText

    parser = _VisibleText()
    parser.feed(html)
    return sorted({m.group(0) for text in parser.parts for m in _WORDS.finditer(text)})


@pytest.mark.clock("2026-11-20T12:00:00+08:00")
def test_r9_every_survey_page_shows_no_english_on_the_demo_data(client):
    """R-9, R-8.1: answer page, phone survey, dashboard (each period and grouping), improvement
    items, samples, meetings and follow-up calls render in Simplified Chinese: no English phrase
    (an untranslated string) in any visible text."""
    from aftersales.accounts.models import User
    from aftersales.demo.seed import seed
    from aftersales.surveys import selectors as sel
    from aftersales.surveys.models import ImprovementItem, QualityMeeting, Sample

    seed(scale=0.05, now=timezone.now())
    open_one = Invitation.objects.filter(answered_at__isnull=True, expired_at__isnull=True).first()
    pages: list[tuple[str | None, str]] = []
    if open_one is not None:
        pages.append((None, reverse("surveys:answer", args=[open_one.token])))
    answered = Invitation.objects.filter(answered_at__isnull=False).first()
    pages.append((None, reverse("surveys:answer", args=[answered.token])))
    pages.append(("agent", reverse("surveys:phone")))
    for period in sel.PERIODS:
        for group in ["", *sel.GROUPINGS]:
            pages.append(("supervisor", reverse("surveys:dashboard") + f"?year=2026&period={period}&group={group}"))
    item = ImprovementItem.objects.first()
    meeting = QualityMeeting.objects.first()
    sample = Sample.objects.first()
    pages += [
        ("supervisor", reverse("surveys:improvement")),
        ("supervisor", reverse("surveys:improvement_edit", args=[item.pk])),
        ("supervisor", reverse("surveys:samples")),
        ("supervisor", reverse("surveys:sample", args=[sample.pk])),
        ("supervisor", reverse("surveys:meetings")),
        ("supervisor", reverse("surveys:meeting", args=[meeting.pk])),
        ("supervisor", reverse("surveys:meeting_new")),
        ("supervisor", reverse("surveys:meeting_edit", args=[meeting.pk])),
        ("qa", reverse("surveys:calls")),
    ]
    qa = User.objects.get(username="qa")
    closed_work_order(timezone.now() - dt.timedelta(days=1))  # one call due, whatever the demo left
    due = sel.follow_up_calls_due(actor=qa, now=timezone.now())
    for kind, orders in due.items():
        if orders:
            pages.append(("qa", reverse("surveys:call", args=[orders[0].pk, kind])))
    assert any("/calls/" in url and url.count("/") > 4 for _who, url in pages)
    found = {}
    for who, url in pages:
        client.logout()
        if who is not None:
            client.force_login(User.objects.get(username=who))
        response = client.get(url)
        assert response.status_code == 200, url
        phrases = _english_phrases(response.content.decode())
        if phrases:
            found[url] = phrases
    assert found == {}
    # the guard itself sees English when English is chosen
    client.cookies["django_language"] = "en"
    english = client.get(reverse("surveys:calls"), headers={"accept-language": "en"})
    assert len(_english_phrases(english.content.decode())) >= 3
