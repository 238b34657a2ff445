"""The notification outbox: writes (enqueue, retry, mark read) and delivery by the worker.

A notification is a row written in the same transaction as the change that causes it, so a
rolled-back change never notifies anyone and a committed one always does. The worker delivers
rows **at most once**: each row is claimed by a conditional UPDATE (``pending`` → ``sending``)
that commits *before* the gateway is called. If the worker dies during the call the row stays
``sending``; after ``SENDING_TIMEOUT`` it is marked ``interrupted`` and waits for a person
(the outbox page), because only a person can tell whether the customer got it. Errors the
gateway reports are retried with exponential backoff, then the row is ``failed``.

The conditional UPDATE works the same on SQLite (one writer at a time) and PostgreSQL (a
second updater waits for the first, re-reads the row, no longer sees ``pending`` and updates
nothing), so two workers never both own a row.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import HUEY

from aftersales.core.db import insert
from aftersales.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import OutboxMessage
from aftersales.core.sms import PermanentDeliveryError, get_sms_gateway

if TYPE_CHECKING:
    from aftersales.accounts.models import User

logger = logging.getLogger(__name__)

Channel = OutboxMessage.Channel
Status = OutboxMessage.Status

# After this many failed attempts a message is ``failed`` and waits for a person.
MAX_ATTEMPTS = 6
# Delay before attempt n+1 after n failures: 1, 2, 4, 8, 16 ... minutes, capped.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
# A claim older than this belongs to a worker that died (a send takes seconds, not minutes).
SENDING_TIMEOUT = timedelta(minutes=10)

# The worker's periodic job records the time it last ran (every minute) in the queue's own
# storage, which the web processes reach as well; older than this, the outbox page says the
# worker is down. Huey checks its periodic jobs once a minute, so allow for a few missed ones.
HEARTBEAT_KEY = "aftersales:worker-heartbeat"
HEARTBEAT_STALE_AFTER = timedelta(minutes=5)

# Set (to the time) when a prompt delivery task is enqueued, taken by that task when it starts:
# while it is there, a task is waiting that will see every row committed before it starts, so
# no second one is enqueued. Older than this, the task it stood for was lost (the periodic job
# delivered meanwhile) and a new one is enqueued.
PROMPT_KEY = "aftersales:outbox-prompt"
PROMPT_STALE_AFTER = timedelta(seconds=10)

PERM_VIEW = "core.view_outbox"
PERM_RETRY = "core.retry_outbox"


def backoff_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (``attempts`` ≥ 1)."""
    delay = BACKOFF_BASE * (1 << max(attempts - 1, 0))
    return min(delay, BACKOFF_CAP)


# --------------------------------------------------------------------------------------------
# Writing messages (inside the caller's transaction)
# --------------------------------------------------------------------------------------------


def _message(
    *,
    channel: str,
    recipient: User | None,
    address: str,
    subject: str,
    body: str,
    topic: str,
    kind: str = "",
    dedupe_key: str | None,
) -> OutboxMessage:
    """A validated, unsaved message."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the outbox must be written inside the caller's transaction.atomic()")
    address = address.strip()
    if not address and recipient is not None:
        if channel == Channel.EMAIL:
            address = (recipient.email or "").strip()
        elif channel == Channel.SMS:
            address = (recipient.phone or "").strip()
    fields: dict[str, Any] = {}
    if channel not in Channel.values:
        fields["channel"] = _("Unknown notification channel.")
    elif channel == Channel.IN_APP and recipient is None:
        fields["recipient"] = _("An in-app notification needs a recipient.")
    elif channel in (Channel.EMAIL, Channel.SMS) and not address:
        fields["address"] = _("An e-mail or SMS notification needs an address.")
    if not body.strip():
        fields["body"] = _("The message text is empty.")
    if fields:
        raise ValidationFailed(fields)
    return OutboxMessage(
        channel=channel,
        recipient=recipient,
        address=address[:255],
        # A header cannot hold a line break; e-mail backends refuse such a subject.
        subject=" ".join(subject.split())[:255],
        body=body,
        topic=topic[:128],
        kind=kind[:32],
        dedupe_key=dedupe_key or None,
    )


def _write(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Insert in one statement. Messages with a de-duplication key that is already there are
    skipped by the database (ON CONFLICT DO NOTHING), so a concurrent or repeated write neither
    duplicates nor breaks the caller's transaction; the stored messages are returned (those
    skipped are read back, which only a repeated write pays for)."""
    if not messages:
        return []
    written = insert(messages, skip_conflicts_on="dedupe_key")
    if len(written) < len(messages):
        skipped = [m.dedupe_key for m in messages if m.pk is None]
        by_key = {m.dedupe_key: m for m in OutboxMessage.objects.filter(dedupe_key__in=skipped)}
        messages = [m if m.pk is not None else by_key[m.dedupe_key] for m in messages]
    _deliver_after_commit()
    return messages


def outbox_enqueue(
    *,
    channel: str,
    recipient: User | None = None,
    address: str = "",
    subject: str = "",
    body: str,
    topic: str = "",
    kind: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Write one notification to the outbox; it is delivered after the caller's transaction commits.

    Must run inside the caller's ``transaction.atomic()`` (so the message commits or rolls back
    with its cause) and sends nothing itself. ``address`` defaults to the recipient's e-mail
    (``email``) or phone (``sms``); ``in_app`` needs a recipient. ``topic`` names the object it
    is about (``core.subjects.topic_for``), ``kind`` what happened to it. The same ``dedupe_key``
    twice returns the first message instead of writing a second one. One INSERT.
    """
    message = _message(
        channel=channel,
        recipient=recipient,
        address=address,
        subject=subject,
        body=body,
        topic=topic,
        kind=kind,
        dedupe_key=dedupe_key,
    )
    return _write([message])[0]


@dataclass(frozen=True)
class Notice:
    """What to tell one user; ``notify_users`` turns notices into outbox messages."""

    user: User
    subject: str
    body: str
    topic: str
    dedupe_key_prefix: str | None = None
    channels: tuple[str, ...] = (Channel.IN_APP, Channel.EMAIL, Channel.SMS)
    kind: str = ""


def notify_users(notices: Iterable[Notice]) -> list[OutboxMessage]:
    """Notify each notice's user on each of its channels they can be reached on (in-app always;
    e-mail if they have an address; SMS if they have a phone), all in one INSERT. Same
    transaction rule as ``outbox_enqueue``.

    With ``dedupe_key_prefix`` each channel's key is ``<prefix>:<channel>``, so repeating the
    call (a retried request, a periodic job run twice) writes nothing new.
    """
    messages: list[OutboxMessage] = []
    for notice in notices:
        user = notice.user
        for channel in (Channel.IN_APP, Channel.EMAIL, Channel.SMS):
            if channel not in notice.channels:
                continue
            if channel == Channel.EMAIL and not (user.email or "").strip():
                continue
            if channel == Channel.SMS and not (user.phone or "").strip():
                continue
            text = notice.body if channel != Channel.SMS or not notice.subject else f"{notice.subject}\n{notice.body}"
            prefix = notice.dedupe_key_prefix
            messages.append(
                _message(
                    channel=channel,
                    recipient=user,
                    address="",
                    subject=notice.subject,
                    body=text,
                    topic=notice.topic,
                    kind=notice.kind,
                    dedupe_key=f"{prefix}:{channel}" if prefix else None,
                )
            )
    return _write(messages)


def notify_user(
    *,
    user: User | None,
    subject: str,
    body: str,
    topic: str,
    channels: Iterable[str] = (Channel.IN_APP, Channel.EMAIL, Channel.SMS),
    dedupe_key_prefix: str | None = None,
    kind: str = "",
) -> list[OutboxMessage]:
    """``notify_users`` for one user; ``user=None`` (say, a work order nobody is assigned to
    yet) notifies nobody."""
    if user is None:
        return []
    return notify_users([Notice(user, subject, body, topic, dedupe_key_prefix, tuple(channels), kind)])


def _deliver_after_commit() -> None:
    """Ask the worker to deliver as soon as the caller's transaction commits (once per transaction).

    The periodic job delivers anyway; this only makes delivery prompt. ``robust`` so a queue
    that is down never breaks the caller's request.
    """
    connection = transaction.get_connection()
    if any(func is _enqueue_delivery for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_delivery, robust=True)


def _enqueue_delivery() -> None:
    """Enqueue a delivery task unless one is already waiting (``PROMPT_KEY``).

    An enqueue is a write to the queue's own database (on SQLite a commit with fsync, about as
    long as a whole intake), so at intake's rate it is done about once per pick-up by the worker
    rather than once per request. The mark is set before the task is enqueued and taken when the
    task starts, before it looks for messages: a task still waiting when this transaction has
    committed will see its rows.
    """
    from aftersales.core.tasks import outbox_deliver_soon  # the task module imports this one

    now = timezone.now()
    waiting = HUEY.get(PROMPT_KEY, peek=True)
    if isinstance(waiting, datetime) and timedelta(0) <= now - waiting < PROMPT_STALE_AFTER:
        return
    HUEY.put(PROMPT_KEY, now)
    outbox_deliver_soon()


def outbox_prompt_taken() -> None:
    """The prompt delivery task starts: rows committed from now on need a task of their own."""
    HUEY.get(PROMPT_KEY)


# --------------------------------------------------------------------------------------------
# Delivery (the worker)
# --------------------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def outbox_deliver_due(*, batch_size: int = 50, now: datetime | None = None) -> int:
    """Deliver up to ``batch_size`` due messages; returns how many were sent.

    Safe to run twice and from several workers at once: each message is claimed by a
    conditional UPDATE committed before sending, so only one run sends it. Must not run inside
    a transaction (the claim has to be committed before the gateway is called). Also marks
    claims left behind by a dead worker as ``interrupted``.
    """
    now = now or timezone.now()
    outbox_mark_interrupted(now=now)
    candidates = list(OutboxMessage.objects.filter(_due(now)).order_by("id").values_list("pk", flat=True)[:batch_size])
    sent = 0
    for pk in candidates:
        token = secrets.token_hex(16)
        # One claim per message, not per batch: if the worker dies, only the message being
        # sent at that moment is left in doubt; the rest are still pending for the next run.
        with transaction.atomic(durable=True):
            claimed = OutboxMessage.objects.filter(_due(now), pk=pk).update(
                status=Status.SENDING, claimed_at=timezone.now(), claim_token=token
            )
        if not claimed:
            continue  # another worker has it, or it changed since we looked
        message = OutboxMessage.objects.select_related("recipient").get(pk=pk)
        try:
            _send(message)
        except Exception as exc:  # any failure of the gateway is recorded, never raised
            _record_failure(message, token=token, exc=exc, now=now)
        else:
            with transaction.atomic(durable=True):
                # INTERRUPTED too: a slow send may outlive the timeout, and we know it went out.
                done = OutboxMessage.objects.filter(
                    pk=pk, claim_token=token, status__in=[Status.SENDING, Status.INTERRUPTED]
                ).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
            sent += done
    return sent


def _send(message: OutboxMessage) -> None:
    if message.channel == Channel.IN_APP:
        if message.recipient_id is None:
            raise PermanentDeliveryError("the recipient no longer exists")
        return  # read in the inbox; being committed is being delivered
    if message.channel == Channel.EMAIL:
        if not message.address:
            raise PermanentDeliveryError("no e-mail address")
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={"Message-ID": _message_id(message)},
        ).send(fail_silently=False)
        return
    if message.channel == Channel.SMS:
        get_sms_gateway().send(phone=message.address, text=message.body)
        return
    raise PermanentDeliveryError(f"unknown channel {message.channel!r}")


def _message_id(message: OutboxMessage) -> str:
    """The message's one Message-ID, made and committed before its first attempt.

    Every later attempt (a retry after a failure or an interruption) carries the same one, so a
    mail server that did receive the first copy can drop the second. Random, not derived from the
    row id alone: ids start again at 1 in a fresh database, and a reused Message-ID would make
    servers drop a different message.
    """
    if not message.message_id:
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].partition("@")[2] or str(DNS_NAME)
        OutboxMessage.objects.filter(pk=message.pk, message_id="").update(
            message_id=make_msgid(idstring=f"outbox{message.pk}", domain=domain)
        )
        message.refresh_from_db(fields=["message_id"])
    return message.message_id


def _record_failure(message: OutboxMessage, *, token: str, exc: Exception, now: datetime) -> None:
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    permanent = isinstance(exc, PermanentDeliveryError) or attempts >= MAX_ATTEMPTS
    logger.warning("outbox message %s attempt %s failed: %s", message.pk, attempts, error)
    with transaction.atomic(durable=True):
        OutboxMessage.objects.filter(pk=message.pk, claim_token=token, status=Status.SENDING).update(
            status=Status.FAILED if permanent else Status.PENDING,
            attempts=attempts,
            next_attempt_at=None if permanent else now + backoff_delay(attempts),
            last_error=error,
        )


def outbox_mark_interrupted(*, older_than: timedelta = SENDING_TIMEOUT, now: datetime | None = None) -> int:
    """Mark messages claimed longer than ``older_than`` ago as ``interrupted``; returns how many.

    Such a message was being sent when its worker died. It may or may not have reached the
    recipient, so it is never resent automatically; a supervisor checks and retries it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        return OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - older_than).update(
            status=Status.INTERRUPTED,
            last_error="The worker stopped while sending; it is unknown whether the message arrived.",
        )


def worker_heartbeat(*, now: datetime | None = None) -> None:
    """Record that the worker runs (its periodic job calls this every minute)."""
    HUEY.put(HEARTBEAT_KEY, now or timezone.now())


def worker_last_seen() -> datetime | None:
    """When the worker last ran its periodic job; None if never (or the queue is unreachable)."""
    try:
        seen = HUEY.get(HEARTBEAT_KEY, peek=True)
    except Exception:  # a queue that is down must not break the page that reports it
        logger.exception("cannot read the worker's heartbeat")
        return None
    return seen if isinstance(seen, datetime) else None


def worker_is_down(*, last_seen: datetime | None, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return last_seen is None or now - last_seen > HEARTBEAT_STALE_AFTER


# --------------------------------------------------------------------------------------------
# People acting on messages
# --------------------------------------------------------------------------------------------


def outbox_retry(*, actor: User, message_id: int) -> OutboxMessage:
    """Requeue a ``failed`` or ``interrupted`` message for delivery (supervisors, admins)."""
    if not actor.has_perm(PERM_RETRY):
        raise PermissionDenied()
    with transaction.atomic():
        message = OutboxMessage.objects.filter(pk=message_id).first()
        if message is None:
            raise NotFound(_("This message does not exist."))
        updated = OutboxMessage.objects.filter(pk=message_id, status__in=[Status.FAILED, Status.INTERRUPTED]).update(
            status=Status.PENDING,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
            claim_token="",
        )
        if not updated:
            raise DomainError(
                ErrorCode.CONFLICT,
                _("Only failed or interrupted messages can be retried."),
                status=409,
            )
        _deliver_after_commit()
    message.refresh_from_db()
    return message


def inbox_mark_read(*, actor: User, message_id: int, now: datetime | None = None) -> OutboxMessage:
    """Mark one of the actor's own in-app notifications as read, with the others of its group: the
    same kind of news about the same object, which the inbox shows as one row (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.filter(pk=message_id, recipient=actor, channel=Channel.IN_APP).first()
        if message is None:
            raise NotFound(_("This notification does not exist."))
        unread = OutboxMessage.objects.filter(recipient=actor, channel=Channel.IN_APP, read_at__isnull=True)
        if message.topic:
            unread.filter(topic=message.topic, kind=message.kind).update(read_at=now)
        else:
            unread.filter(pk=message.pk).update(read_at=now)
        if message.read_at is None:
            message.read_at = now
    return message


def inbox_mark_all_read(*, actor: User) -> int:
    """Mark all of the actor's unread in-app notifications as read; returns how many."""
    with transaction.atomic():
        return OutboxMessage.objects.filter(recipient=actor, channel=Channel.IN_APP, read_at__isnull=True).update(
            read_at=timezone.now()
        )
