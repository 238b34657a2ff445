"""R-9.1: a QA inspector (or supervisor) draws last month's sample on the samples page instead of
waiting for the night's job; the same once-per-month draw, and refused to everyone else."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from aftersales.audit.models import AccessLog
from aftersales.core.errors import PermissionDenied
from aftersales.surveys import sampling
from aftersales.surveys.models import Invitation, Sample
from tests.factories import PASSWORD, UserFactory, portal_user
from tests.surveys.conftest import at, closed_work_order

pytestmark = pytest.mark.django_db

NOW = at(2026, 4, 3, 9)  # March is last month


@pytest.fixture
def march():
    return [closed_work_order(at(2026, 3, 2 + i, 10), email=f"m{i}@example.com") for i in range(5)]


def test_r9_1_qa_draws_last_months_sample_on_the_page_once(client, march):
    qa = UserFactory(role="qa")
    client.login(username=qa.username, password=PASSWORD)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("surveys:samples"))
        assert "抽取 2026-03 的样本" in page.content.decode()
        drawn = client.post(reverse("surveys:samples"), follow=True)
        sample = Sample.objects.get()
        assert drawn.redirect_chain[-1][0] == reverse("surveys:sample", args=[sample.pk])
        html = drawn.content.decode()
        assert "2026-03 的样本已抽取" in html
        assert sample.month.isoformat() == "2026-03-01"
        assert (sample.population, sample.size) == (5, Invitation.objects.filter(kind="sampling").count())
        assert AccessLog.objects.filter(verb="survey_sample", actor=qa).count() == 1
        # drawn: the button is gone, and a second post (another tab) draws nothing new
        assert "抽取 2026-03 的样本" not in client.get(reverse("surveys:samples")).content.decode()
        again = client.post(reverse("surveys:samples"), follow=True)
        assert "已经抽取过" in again.content.decode()
    assert Sample.objects.count() == 1
    assert Invitation.objects.filter(kind="sampling").count() == sample.size


@pytest.mark.parametrize("role", ["executive", "quality", "technician", "agent"])
def test_r9_1_drawing_the_sample_is_refused_to_others(client, march, role):
    user = UserFactory(role=role)
    client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(NOW, tick=False):
        assert client.post(reverse("surveys:samples")).status_code == 403
        if role in ("executive", "quality"):  # they see the samples, without the button
            page = client.get(reverse("surveys:samples"))
            assert page.status_code == 200
            assert "抽取 2026-03 的样本" not in page.content.decode()
    assert not Sample.objects.exists()
    with pytest.raises(PermissionDenied):
        sampling.sample_draw_now(actor=user, now=NOW)


def test_r9_1_drawing_the_sample_is_refused_to_customers_and_asks_anonymous_to_log_in(client, march):
    customer = portal_user(march[0].customer)
    client.login(username=customer.username, password=PASSWORD)
    assert client.post(reverse("surveys:samples")).status_code == 403
    client.logout()
    response = client.post(reverse("surveys:samples"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Sample.objects.exists()
