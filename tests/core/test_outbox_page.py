"""The outbox page: who sees it, masked addresses (R-13.1), the resend button of a message that
may have arrived, and the warning when the worker is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from aftersales.accounts.roles import Role
from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import HEARTBEAT_KEY, HEARTBEAT_STALE_AFTER
from aftersales.core.tasks import worker_heartbeat_periodic
from tests.factories import UserFactory

S = OutboxMessage.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_heartbeat():
    """Huey's in-memory storage outlives a test: start and end without a heartbeat."""
    HUEY.delete(HEARTBEAT_KEY)
    yield
    HUEY.delete(HEARTBEAT_KEY)


@pytest.fixture
def outbox_viewer_without_contact_details():
    """A role an administrator made: may watch the outbox, may not see contact details."""
    user = UserFactory(role=Role.EXECUTIVE)
    user.user_permissions.add(Permission.objects.get(codename="view_outbox", content_type__app_label="core"))
    return user


@pytest.mark.parametrize("role", [r for r in Role.values if r not in {Role.ADMIN, Role.SUPERVISOR}])
def test_r13_1_only_admins_and_supervisors_see_the_outbox(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("core:outbox")).status_code == 403


def test_r13_1_outbox_masks_addresses_for_a_role_without_contact_details(
    client, enqueue, outbox_viewer_without_contact_details, supervisor
):
    enqueue(channel="email", address="zhang.san@example.com", subject="s")
    enqueue(channel="sms", address="13812345678")
    client.force_login(outbox_viewer_without_contact_details)
    html = client.get(reverse("core:outbox")).content.decode()
    assert "zhang.san@example.com" not in html
    assert "13812345678" not in html
    assert "z****@example.com" in html
    assert "138****5678" in html

    client.force_login(supervisor)  # holds the contact-details permission
    html = client.get(reverse("core:outbox")).content.decode()
    assert "zhang.san@example.com" in html
    assert "13812345678" in html


def test_r13_interrupted_message_says_on_its_button_that_it_may_arrive_twice(client, supervisor, enqueue):
    interrupted, failed = enqueue(2)
    OutboxMessage.objects.filter(pk=interrupted.pk).update(status=S.INTERRUPTED)
    OutboxMessage.objects.filter(pk=failed.pk).update(status=S.FAILED, last_error="x")
    client.force_login(supervisor)
    response = client.get(reverse("core:outbox"))
    html = response.content.decode()
    row = html[html.index(f'id="msg-{interrupted.pk}"') :]
    row = row[: row.index("</li>")]
    assert "重新发送（可能重复）" in row
    assert "可能会收到两次" in row
    failed_row = html[html.index(f'id="msg-{failed.pk}"') :]
    failed_row = failed_row[: failed_row.index("</li>")]
    assert "重新发送（可能重复）" not in failed_row
    assert "重发</button>" in failed_row


def test_outbox_page_warns_when_the_worker_has_stopped_reporting(client, supervisor):
    """The worker's periodic job writes a heartbeat; the page warns when none came for
    HEARTBEAT_STALE_AFTER (or ever)."""
    client.force_login(supervisor)
    assert 'id="worker-down"' in client.get(reverse("core:outbox")).content.decode()  # never reported

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        worker_heartbeat_periodic.call_local()
        assert 'id="worker-down"' not in client.get(reverse("core:outbox")).content.decode()
    with time_machine.travel(start + HEARTBEAT_STALE_AFTER - timedelta(seconds=1), tick=False):
        assert 'id="worker-down"' not in client.get(reverse("core:outbox")).content.decode()
    with time_machine.travel(start + HEARTBEAT_STALE_AFTER + timedelta(seconds=1), tick=False):
        html = client.get(reverse("core:outbox")).content.decode()
        assert 'id="worker-down"' in html
        assert "后台任务进程" in html
        assert timezone.localtime(start).strftime("%Y-%m-%d %H:%M") in html
