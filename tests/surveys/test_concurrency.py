"""R-9.2: a token is single use; of two concurrent submits exactly one wins, the other is told
politely it is already answered (threads; SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from aftersales.surveys import services
from aftersales.surveys.models import Answer
from tests.surveys.conftest import GOOD, GOOD_TEXT, closed_work_order

pytestmark = pytest.mark.django_db(transaction=True)


def _race(invitation_id: int) -> list[str]:
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            start.wait()
            services.answer_by_invitation(invitation_id=invitation_id, scores=GOOD, text=GOOD_TEXT)
            outcomes.append("answered")
        except Exception as exc:
            outcomes.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_r9_2_two_concurrent_submits_of_one_token_exactly_one_wins():
    for _ in range(5):
        now = timezone.now()
        wo = closed_work_order(now - dt.timedelta(hours=1))
        invitation = services.invitation_create(work_order=wo, kind="after_close", now=now)
        assert invitation is not None
        assert sorted(_race(invitation.pk)) == ["already_answered", "answered"]
        assert Answer.objects.filter(work_order=wo).count() == 1
