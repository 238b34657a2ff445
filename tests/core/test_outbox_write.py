"""Writing the outbox in one statement (SPEC cross-cutting "Notifications"; bench/README: intake's
statements are counted): a new message is one INSERT, a repeated one is skipped by the database
(ON CONFLICT DO NOTHING) without breaking the caller's transaction, also when two requests write
the same de-duplication key at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from aftersales.core import outbox as svc
from aftersales.core.models import OutboxMessage
from tests.factories import UserFactory


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "outbox" in q["sql"]]


@pytest.mark.django_db
def test_a_new_message_is_one_insert_and_a_repeat_adds_no_row():
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        first = svc.outbox_enqueue(channel="sms", address="13800000000", body="受理", kind="k", dedupe_key="wo:1:r")
    assert [sql.split()[0] for sql in _statements(ctx)] == ["INSERT"]
    assert first.pk is not None
    assert first.kind == "k"
    with transaction.atomic():
        again = svc.outbox_enqueue(channel="sms", address="13800000000", body="受理", dedupe_key="wo:1:r")
        assert OutboxMessage.objects.count() == 1  # the transaction goes on after the skipped row
    assert again.pk == first.pk


@pytest.mark.django_db
def test_a_batch_with_and_without_keys_gets_each_row_its_own_id():
    user = UserFactory()
    with transaction.atomic():
        svc.outbox_enqueue(channel="in_app", recipient=user, body="旧", dedupe_key="p:in_app")
        stored = svc.notify_users(
            [
                svc.Notice(user, "新", "一", "workorder:1", None, ("in_app",)),
                svc.Notice(user, "旧", "二", "workorder:1", "p", ("in_app",)),  # already there
                svc.Notice(user, "新", "三", "workorder:2", None, ("in_app",)),
            ]
        )
    assert [m.body for m in stored] == ["一", "旧", "三"]
    assert len({m.pk for m in stored}) == 3
    assert OutboxMessage.objects.count() == 3
    for message in stored:
        assert OutboxMessage.objects.get(pk=message.pk).body == message.body


@pytest.mark.django_db(transaction=True)
def test_two_requests_writing_the_same_key_at_once_write_it_once(no_prompt_delivery):
    """Threads, separate connections, on SQLite and PostgreSQL: neither fails, one row."""
    barrier = threading.Barrier(2)
    ids: list[int] = []
    errors: list[BaseException] = []

    def request() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                message = svc.outbox_enqueue(channel="sms", address="13800000000", body="已受理", dedupe_key="wo:9:r")
            ids.append(message.pk)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert OutboxMessage.objects.count() == 1
    assert ids == [OutboxMessage.objects.get().pk] * 2


@pytest.fixture
def prompts(monkeypatch):
    """The prompt delivery tasks enqueued, without running them (they stay waiting)."""
    from huey.contrib.djhuey import HUEY

    calls: list[int] = []
    monkeypatch.setattr("aftersales.core.tasks.outbox_deliver_soon", lambda: calls.append(1))
    HUEY.delete(svc.PROMPT_KEY)
    yield calls
    HUEY.delete(svc.PROMPT_KEY)


@pytest.mark.django_db
def test_a_waiting_prompt_task_is_not_enqueued_twice_and_a_lost_one_is_replaced(prompts):
    import datetime as dt

    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    svc._enqueue_delivery()
    svc._enqueue_delivery()  # the first task has not started: it will see this commit's rows
    assert prompts == [1]
    svc.outbox_prompt_taken()  # it starts
    svc._enqueue_delivery()
    assert prompts == [1, 1]
    HUEY.put(svc.PROMPT_KEY, timezone.now() - svc.PROMPT_STALE_AFTER - dt.timedelta(seconds=1))
    svc._enqueue_delivery()  # a mark that old stood for a task that was lost
    assert prompts == [1, 1, 1]
