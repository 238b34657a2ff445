"""The notification outbox (ARCHITECTURE "Rules that hold everywhere": notifications are written
in the same transaction as their cause and delivered by the worker, at most once)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.mail.backends import locmem
from django.db import connection, transaction
from django.utils import timezone

from aftersales.core import outbox as svc
from aftersales.core.errors import ErrorCode
from aftersales.core.models import OutboxMessage, SmsLog
from tests.factories import UserFactory

S = OutboxMessage.Status
pytestmark = pytest.mark.django_db


def _reload(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def test_enqueue_rolled_back_with_its_cause_leaves_no_message():
    """A change that rolls back notifies nobody: the row goes with the transaction."""

    def change_that_fails() -> None:
        with transaction.atomic():
            svc.outbox_enqueue(channel="sms", address="13800000000", body="x")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        change_that_fails()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused():
    """The caller's transaction is what ties the message to its cause; without one it is a bug."""
    with pytest.raises(RuntimeError, match="transaction"):
        svc.outbox_enqueue(channel="sms", address="13800000000", body="x")


def test_enqueue_sends_nothing_itself(mailoutbox):
    with transaction.atomic():
        message = svc.outbox_enqueue(channel="email", address="a@example.com", subject="s", body="b")
    assert message.status == S.PENDING
    assert mailoutbox == []
    assert not SmsLog.objects.exists()


def test_enqueue_validates_channel_address_and_body():
    with transaction.atomic(), pytest.raises(svc.ValidationFailed) as exc:
        svc.outbox_enqueue(channel="email", body=" ")
    assert exc.value.code == ErrorCode.VALIDATION
    assert set(exc.value.fields) == {"address", "body"}
    with transaction.atomic(), pytest.raises(svc.ValidationFailed):
        svc.outbox_enqueue(channel="in_app", body="x")


def test_same_dedupe_key_writes_one_message():
    """A periodic job or a retried request that notifies twice writes one row."""
    with transaction.atomic():
        first = svc.outbox_enqueue(channel="sms", address="138", body="x", dedupe_key="k1")
        second = svc.outbox_enqueue(channel="sms", address="138", body="x", dedupe_key="k1")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_notify_user_uses_each_channel_the_user_can_be_reached_on():
    with_all = UserFactory(email="w@example.com", phone="13911112222")
    in_app_only = UserFactory(email="", phone="")
    with transaction.atomic():
        a = svc.notify_user(user=with_all, subject="S", body="B", topic="t:1", dedupe_key_prefix="p1")
        b = svc.notify_user(user=in_app_only, subject="S", body="B", topic="t:1")
        again = svc.notify_user(user=with_all, subject="S", body="B", topic="t:1", dedupe_key_prefix="p1")
    assert [(m.channel, m.address) for m in a] == [("in_app", ""), ("email", "w@example.com"), ("sms", "13911112222")]
    assert [m.channel for m in b] == ["in_app"]
    assert [m.pk for m in again] == [m.pk for m in a]
    assert a[2].body == "S\nB"
    with transaction.atomic():
        assert svc.notify_user(user=None, subject="S", body="B", topic="t:1") == []


def test_each_channel_is_delivered(mailoutbox, settings):
    """E-mail through django.core.mail from DEFAULT_FROM_EMAIL; SMS through the configured
    gateway (the demo one writes SmsLog); in-app simply becomes sent."""
    settings.DEFAULT_FROM_EMAIL = "service@example.com"
    user = UserFactory(email="u@example.com", phone="13900000001")
    with transaction.atomic():
        messages = svc.notify_user(user=user, subject="工单已派工", body="明天上午上门", topic="wo:1")
    assert svc.outbox_deliver_due() == 3
    assert [_reload(m).status for m in messages] == [S.SENT, S.SENT, S.SENT]
    assert all(_reload(m).sent_at for m in messages)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["u@example.com"]
    assert mailoutbox[0].from_email == "service@example.com"
    assert mailoutbox[0].subject == "工单已派工"
    sms = SmsLog.objects.get()
    assert (sms.phone, sms.text) == ("13900000001", "工单已派工\n明天上午上门")


def test_delivery_runs_after_commit_without_waiting_for_the_periodic_job(django_capture_on_commit_callbacks):
    """outbox_enqueue enqueues the deliver task on commit (Huey immediate mode in tests)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        svc.outbox_enqueue(channel="sms", address="13800000000", body="a")
        svc.outbox_enqueue(channel="sms", address="13800000001", body="b")
    assert len(callbacks) == 1  # one task per transaction, not per message
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.SENT}
    assert SmsLog.objects.count() == 2


def test_failing_gateway_is_retried_with_growing_backoff_then_failed(settings, enqueue):
    """Errors are retried after 1, 2, 4, 8, 16 minutes; after MAX_ATTEMPTS the message is
    failed and keeps the last error for the outbox page."""
    settings.SMS_GATEWAY = "tests.core.gateways.FailingGateway"
    (message,) = enqueue()
    now = timezone.now()
    delays = []
    for attempt in range(1, svc.MAX_ATTEMPTS):
        assert svc.outbox_deliver_due(now=now) == 0
        message = _reload(message)
        assert (message.status, message.attempts) == (S.PENDING, attempt)
        assert "ConnectionError: provider unreachable" in message.last_error
        delays.append(message.next_attempt_at - now)
        # Not due before its time: nothing happens a second early.
        svc.outbox_deliver_due(now=message.next_attempt_at - timedelta(seconds=1))
        assert _reload(message).attempts == attempt
        now = message.next_attempt_at
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    svc.outbox_deliver_due(now=now)
    message = _reload(message)
    assert (message.status, message.attempts, message.next_attempt_at) == (S.FAILED, svc.MAX_ATTEMPTS, None)
    assert "provider unreachable" in message.last_error
    svc.outbox_deliver_due(now=now + timedelta(days=1))
    assert _reload(message).attempts == svc.MAX_ATTEMPTS  # failed is final until a person retries


def test_backoff_is_capped():
    assert svc.backoff_delay(1) == timedelta(minutes=1)
    assert svc.backoff_delay(30) == svc.BACKOFF_CAP


def test_permanent_error_fails_at_once(settings, enqueue):
    settings.SMS_GATEWAY = "tests.core.gateways.RejectingGateway"
    (message,) = enqueue()
    svc.outbox_deliver_due()
    message = _reload(message)
    assert (message.status, message.attempts) == (S.FAILED, 1)
    assert "invalid phone number" in message.last_error


def test_claimed_but_never_finished_becomes_interrupted_and_is_not_resent(enqueue):
    """A worker killed mid-send leaves the row in 'sending'; after the timeout it is marked
    interrupted, never sent again automatically."""
    stale, fresh = enqueue(2)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=stale.pk).update(
        status=S.SENDING, claimed_at=now - svc.SENDING_TIMEOUT - timedelta(seconds=1), claim_token="dead"
    )
    OutboxMessage.objects.filter(pk=fresh.pk).update(status=S.SENDING, claimed_at=now, claim_token="alive")
    assert svc.outbox_deliver_due(now=now) == 0
    assert _reload(stale).status == S.INTERRUPTED
    assert _reload(stale).last_error
    assert _reload(fresh).status == S.SENDING  # its worker may still be sending it
    svc.outbox_deliver_due(now=now + timedelta(hours=1))
    assert _reload(fresh).status == S.INTERRUPTED
    assert not SmsLog.objects.exists()


def test_delivery_run_twice_sends_once(enqueue):
    """The periodic job and the after-commit task may both run: each message goes out once."""
    enqueue(3)
    assert svc.outbox_deliver_due() == 3
    assert svc.outbox_deliver_due() == 0
    assert SmsLog.objects.count() == 3


def test_batch_size_limits_one_run(enqueue):
    enqueue(5)
    assert svc.outbox_deliver_due(batch_size=2) == 2
    assert OutboxMessage.objects.filter(status=S.PENDING).count() == 3


def test_periodic_task_delivers(enqueue):
    from aftersales.core.tasks import outbox_deliver_periodic

    enqueue(2)
    outbox_deliver_periodic.call_local()
    assert SmsLog.objects.count() == 2


def test_supervisor_retries_failed_and_interrupted_messages(supervisor, enqueue):
    failed, interrupted = enqueue(2)
    OutboxMessage.objects.filter(pk=failed.pk).update(status=S.FAILED, attempts=6, last_error="x")
    OutboxMessage.objects.filter(pk=interrupted.pk).update(status=S.INTERRUPTED, claim_token="t")
    for message in (failed, interrupted):
        retried = svc.outbox_retry(actor=supervisor, message_id=message.pk)
        assert (retried.status, retried.attempts, retried.claim_token) == (S.PENDING, 0, "")
    assert svc.outbox_deliver_due() == 2


def test_retry_refusals(supervisor, technician, enqueue):
    (message,) = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=S.FAILED)
    with pytest.raises(svc.PermissionDenied) as exc:
        svc.outbox_retry(actor=technician, message_id=message.pk)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(svc.NotFound):
        svc.outbox_retry(actor=supervisor, message_id=message.pk + 1000)
    OutboxMessage.objects.filter(pk=message.pk).update(status=S.SENT)
    with pytest.raises(svc.DomainError) as exc:
        svc.outbox_retry(actor=supervisor, message_id=message.pk)
    assert exc.value.code == ErrorCode.CONFLICT


def test_inbox_mark_read_only_own_messages():
    owner, other = UserFactory(), UserFactory()
    with transaction.atomic():
        (note,) = svc.notify_user(user=owner, subject="s", body="b", topic="t", channels=["in_app"])
    with pytest.raises(svc.NotFound):
        svc.inbox_mark_read(actor=other, message_id=note.pk)
    first = svc.inbox_mark_read(actor=owner, message_id=note.pk).read_at
    assert first is not None
    assert svc.inbox_mark_read(actor=owner, message_id=note.pk).read_at == first  # idempotent


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_send_each_message_once(settings, no_prompt_delivery, enqueue):
    """Two workers delivering at the same time (threads, separate connections) never both
    send a message: the claim is a conditional UPDATE."""
    settings.SMS_GATEWAY = "tests.core.gateways.SlowLogGateway"
    messages = enqueue(40)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(svc.outbox_deliver_due(batch_size=100))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert sum(results) == 40
    phones = list(SmsLog.objects.values_list("phone", flat=True))
    assert sorted(phones) == sorted(m.address for m in messages)  # each exactly once
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.SENT}


class DroppedReplyBackend(locmem.EmailBackend):
    """The mail server takes the message, then the connection drops before it says so: the
    classic way a retry delivers a second copy."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise ConnectionResetError("connection reset after DATA")


def _message_ids(mails) -> list[str]:
    return [m.message()["Message-ID"] for m in mails]


def test_r13_interrupted_email_resent_by_a_person_carries_the_first_message_id(mailoutbox, settings, supervisor):
    """An e-mail whose worker died after handing it over is resent from the outbox page with the
    same Message-ID as the first attempt, so the recipient's mail server can drop the copy."""
    settings.DEFAULT_FROM_EMAIL = "客服中心 <service@example.com>"
    user = UserFactory(email="u@example.com")
    with transaction.atomic():
        (message,) = svc.notify_user(
            user=user, subject="工单已派工", body="明天上午上门", topic="wo:1", channels=["email"]
        )
    assert svc.outbox_deliver_due() == 1
    # The worker died before it could record the send: the row was left claimed, then interrupted.
    OutboxMessage.objects.filter(pk=message.pk).update(status=S.INTERRUPTED)
    svc.outbox_retry(actor=supervisor, message_id=message.pk)
    assert svc.outbox_deliver_due() == 1
    first, second = _message_ids(mailoutbox)
    assert first == second
    assert first.endswith("@example.com>")
    assert _reload(message).message_id == first


def test_r13_automatic_retry_of_an_email_keeps_its_message_id(mailoutbox, settings, enqueue):
    """A send that failed after the server took the message is retried with the same Message-ID;
    another message gets another one."""
    settings.EMAIL_BACKEND = "tests.core.test_outbox.DroppedReplyBackend"
    (message,) = enqueue(channel="email", address="a@example.com", subject="s")
    now = timezone.now()
    assert svc.outbox_deliver_due(now=now) == 0
    assert _reload(message).status == S.PENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert svc.outbox_deliver_due(now=_reload(message).next_attempt_at) == 1
    enqueue(channel="email", address="b@example.com", subject="s")
    svc.outbox_deliver_due()
    ids = _message_ids(mailoutbox)
    assert len(ids) == 3
    assert ids[0] == ids[1] != ids[2]
