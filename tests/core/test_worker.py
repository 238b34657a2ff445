"""Outbox delivery by a real worker process (ARCHITECTURE "Background work": at least one test
runs a real consumer), including a worker killed with SIGKILL in the middle of a batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from aftersales.core.models import OutboxMessage, SmsLog
from aftersales.core.outbox import notify_user, outbox_deliver_due, outbox_mark_interrupted
from tests.factories import UserFactory

S = OutboxMessage.Status
REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    """The test database, as a URL the worker's settings understand."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment of a worker on the test database with its own Huey file; this process's Huey
    is pointed at the same file (instead of immediate mode), so tasks it enqueues reach it."""
    env = {k: v for k, v in os.environ.items() if k not in {"HUEY_IMMEDIATE", "HUEY_REDIS_URL", "EMAIL_HOST"}}
    env.update(
        DATA_DIR=str(tmp_path),
        DATABASE_URL=_database_url(),
        DJANGO_SETTINGS_MODULE="aftersales.settings",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        OUTBOX_TEST_CALLS=str(tmp_path / "gateway_calls.txt"),
        LOG_LEVEL="ERROR",
    )
    monkeypatch.setattr(HUEY, "_immediate", False)
    monkeypatch.setattr(HUEY, "storage", SqliteStorage(name=HUEY.name, filename=str(tmp_path / "huey.sqlite3")))
    return env


@pytest.fixture
def start_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    logs = []

    def start(**extra_env: str) -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker{len(procs)}.log", "wb")  # noqa: SIM115 - closed at teardown
        logs.append(log)
        proc = subprocess.Popen(  # noqa: S603 - a fixed command line
            # -n: no periodic jobs, so only the task this test enqueues can deliver (no waiting for
            # the minute); short polling delays so an idle worker notices the task quickly.
            [sys.executable, str(REPO / "manage.py"), "run_huey", "-n", "-w", "1", "-d", "0.05", "-m", "0.2"],
            cwd=REPO,
            env={**worker_env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    for log in logs:
        log.close()


def _wait_for(condition: Callable[[], bool], *, timeout: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_worker_process_delivers_after_commit(start_worker, tmp_path):
    """Messages written in a transaction are delivered by `manage.py run_huey` after it commits:
    in-app marked sent, e-mail in the file backend of DATA_DIR/mail, SMS in the log table."""
    user = UserFactory(email="worker@example.com", phone="13700000000")
    worker = start_worker()
    with transaction.atomic():
        messages = notify_user(user=user, subject="工单提醒", body="请及时处理", topic="test:worker")
    ids = [m.pk for m in messages]
    _wait_for(
        lambda: OutboxMessage.objects.filter(pk__in=ids, status=S.SENT).count() == 3,
        what="the worker to deliver three messages",
    )
    worker.send_signal(signal.SIGINT)  # graceful stop
    worker.wait(timeout=20)
    assert SmsLog.objects.filter(phone="13700000000").count() == 1
    mails = list((tmp_path / "mail").glob("*.log"))
    assert len(mails) == 1
    assert "worker@example.com" in mails[0].read_text()


def test_worker_killed_mid_batch_never_sends_the_in_flight_message_twice(start_worker, tmp_path):
    """SIGKILL while the gateway is sending the first message of a batch: after a restart the
    rest are delivered, the in-flight one is not sent again; after the timeout it is shown as
    interrupted for a person to check."""
    from aftersales.core.tasks import outbox_deliver_soon

    calls = tmp_path / "gateway_calls.txt"
    gateway = "tests.core.gateways.RecordingSleepyGateway"
    worker = start_worker(SMS_GATEWAY=gateway, OUTBOX_TEST_SLEEP="300")
    users = [UserFactory(email="", phone=f"1360000000{i}") for i in range(3)]
    with transaction.atomic():
        messages = [notify_user(user=u, subject="", body="b", topic="t", channels=["sms"])[0] for u in users]
    _wait_for(lambda: calls.exists() and calls.read_text().count("\n") >= 1, what="the first send to start")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)

    in_flight = OutboxMessage.objects.get(status=S.SENDING)
    assert in_flight.address == calls.read_text().split()[0]
    assert OutboxMessage.objects.filter(status=S.PENDING).count() == 2
    assert not SmsLog.objects.exists()

    # The killed worker's task is gone with it; the restarted one gets a new task (in production
    # the periodic job would do this within a minute).
    start_worker(SMS_GATEWAY=gateway, OUTBOX_TEST_SLEEP="0")
    outbox_deliver_soon()
    others = [m.pk for m in messages if m.pk != in_flight.pk]
    _wait_for(
        lambda: OutboxMessage.objects.filter(pk__in=others, status=S.SENT).count() == 2,
        what="the restarted worker to deliver the rest",
    )
    called = calls.read_text().split()
    assert sorted(called) == sorted(m.address for m in messages)  # each phone exactly once
    assert OutboxMessage.objects.get(pk=in_flight.pk).status == S.SENDING

    # Later: the claim is stale, it is marked interrupted and still not resent.
    assert outbox_mark_interrupted(older_than=timedelta(0)) == 1
    assert outbox_deliver_due() == 0
    assert OutboxMessage.objects.get(pk=in_flight.pk).status == S.INTERRUPTED
    assert calls.read_text().split() == called


def test_a_task_already_waiting_delivers_what_commits_before_it_starts(start_worker, worker_env):
    """Intake's hot path (bench/README): a transaction that commits while a prompt task is still
    waiting enqueues none of its own (an enqueue is a commit in the queue's database); the waiting
    task, started later, delivers both. Once it has started, the next commit enqueues again."""
    users = [UserFactory(email="", phone=f"1350000000{i}") for i in range(3)]

    def write(user) -> int:
        with transaction.atomic():
            (message,) = notify_user(user=user, subject="", body="已受理", topic="t", channels=["sms"])
        return message.pk

    first, second = write(users[0]), write(users[1])
    assert HUEY.pending_count() == 1  # the worker is not running yet: one task waits for both
    start_worker()
    _wait_for(
        lambda: OutboxMessage.objects.filter(pk__in=[first, second], status=S.SENT).count() == 2,
        what="the waiting task to deliver both messages",
    )
    third = write(users[2])  # the task has started since: this commit enqueues a new one
    _wait_for(lambda: OutboxMessage.objects.filter(pk=third, status=S.SENT).exists(), what="the third message")
    assert SmsLog.objects.count() == 3
