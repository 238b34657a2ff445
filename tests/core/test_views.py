"""The outbox page (supervisors, admins) and the inbox page (every user)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import notify_user
from tests.factories import UserFactory

S = OutboxMessage.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_message(enqueue):
    (message,) = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=S.FAILED, attempts=6, last_error="ConnectionError: provider unreachable"
    )
    return message


def test_outbox_page_shows_failures_with_their_error_to_a_supervisor(
    client, supervisor, failed_message, enqueue, django_assert_max_num_queries
):
    enqueue(30)
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):  # bounded, whatever the number of rows
        response = client.get(reverse("core:outbox"), {"status": "failed"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ConnectionError: provider unreachable" in html
    assert reverse("core:outbox_retry", args=[failed_message.pk]) in html
    assert list(response.context["rows"]) == [failed_message]


def test_outbox_page_pages_by_id(client, supervisor, enqueue):
    enqueue(55)
    client.force_login(supervisor)
    first = client.get(reverse("core:outbox"))
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("core:outbox"), {"before": first.context["next_before"]})
    assert len(second.context["rows"]) == 5
    assert second.context["next_before"] is None


@pytest.mark.parametrize("role", ["technician", "agent", "customer"])
def test_outbox_page_is_refused_to_other_roles(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("core:outbox")).status_code == 403


def test_outbox_page_needs_login(client):
    response = client.get(reverse("core:outbox"))
    assert response.status_code == 302


def test_retry_button_requeues(client, supervisor, failed_message):
    client.force_login(supervisor)
    back = reverse("core:outbox") + "?status=failed"
    response = client.post(reverse("core:outbox_retry", args=[failed_message.pk]), {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    failed_message.refresh_from_db()
    assert (failed_message.status, failed_message.attempts) == (S.PENDING, 0)


def test_retry_refused_to_technician_and_for_a_sent_message(client, supervisor, technician, failed_message):
    client.force_login(technician)
    assert client.post(reverse("core:outbox_retry", args=[failed_message.pk])).status_code == 403
    OutboxMessage.objects.filter(pk=failed_message.pk).update(status=S.SENT)
    client.force_login(supervisor)
    response = client.post(reverse("core:outbox_retry", args=[failed_message.pk]), follow=True)
    assert response.status_code == 200
    assert OutboxMessage.objects.get(pk=failed_message.pk).status == S.SENT
    assert client.post(reverse("core:outbox_retry", args=[999999])).status_code == 404


def test_inbox_lists_only_own_in_app_notifications_and_marks_read(client):
    me, other = UserFactory(), UserFactory()
    with transaction.atomic():
        (mine,) = notify_user(user=me, subject="派工通知", body="SR-1 已派给您", topic="t", channels=["in_app"])
        notify_user(user=other, subject="别人的通知", body="x", topic="t")
    client.force_login(me)
    response = client.get(reverse("core:inbox"))
    assert response.status_code == 200
    assert [group.latest for group in response.context["groups"]] == [mine]
    assert response.context["unread_notifications"]() == 1
    assert "别人的通知" not in response.content.decode()

    response = client.post(reverse("core:inbox_read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("core:inbox"), {"unread": "1"}).context["groups"] == []


def test_inbox_cannot_touch_someone_elses_notification(client):
    me, other = UserFactory(), UserFactory()
    with transaction.atomic():
        (theirs,) = notify_user(user=other, subject="s", body="b", topic="t", channels=["in_app"])
    client.force_login(me)
    assert client.post(reverse("core:inbox_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client):
    me = UserFactory()
    with transaction.atomic():
        for i in range(3):
            notify_user(user=me, subject=f"s{i}", body="b", topic="t", channels=["in_app"])
    client.force_login(me)
    assert client.post(reverse("core:inbox_read_all")).status_code == 302
    assert not OutboxMessage.objects.filter(recipient=me, read_at__isnull=True).exists()
