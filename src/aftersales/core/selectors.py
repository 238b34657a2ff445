"""Reads of the core app, already scoped to the actor (STYLE.md rule 3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import PERM_VIEW
from aftersales.core.subjects import Subject, subjects_shown

if TYPE_CHECKING:
    from aftersales.accounts.models import User


def outbox_visible(*, actor: User) -> bool:
    return actor.is_active and actor.has_perm(PERM_VIEW)


def outbox_list(
    *,
    actor: User,
    status: str | None = None,
    channel: str | None = None,
    before_id: int | None = None,
) -> QuerySet[OutboxMessage]:
    """All notifications, newest first, for people who may see the outbox; nothing for others.

    ``before_id`` pages by id (keyset), so a page never counts or skips over old rows.
    """
    if not outbox_visible(actor=actor):
        return OutboxMessage.objects.none()
    qs = OutboxMessage.objects.select_related("recipient").order_by("-id")
    if status in OutboxMessage.Status.values:
        qs = qs.filter(status=status)
    if channel in OutboxMessage.Channel.values:
        qs = qs.filter(channel=channel)
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    return qs


def outbox_status_counts(*, actor: User) -> dict[str, int]:
    """How many messages are in each status (one grouped query; uses the status index)."""
    if not outbox_visible(actor=actor):
        return {}
    rows = OutboxMessage.objects.order_by().values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in OutboxMessage.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def inbox_list(*, actor: User, unread_only: bool = False, before_id: int | None = None) -> QuerySet[OutboxMessage]:
    """The actor's own in-app notifications, newest first.

    Shown as soon as they are committed, whatever the worker did: for in-app messages being
    written is being delivered, so a stopped worker does not hide them.
    """
    qs = OutboxMessage.objects.filter(recipient=actor, channel=OutboxMessage.Channel.IN_APP).order_by("-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    return qs


# The inbox shows the notifications of one kind about one object (161 SLA alerts of one work
# order) as one row; a notification about no object is a row of its own.
UNREAD_SHOWN_MAX = 99


def _group_key() -> Any:
    return Case(
        When(topic="", then=Concat(Value("#"), Cast("id", CharField()))),
        default=F("topic"),
        output_field=CharField(),
    )


@dataclass(frozen=True, slots=True)
class InboxGroup:
    """One row of the inbox: the newest notification of its group, how many there are (and how
    many unread), and the object it is about as its reader may see it (None: no link)."""

    latest: OutboxMessage
    count: int
    unread: int
    subject: Subject | None

    @property
    def is_unread(self) -> bool:
        return self.unread > 0


def inbox_groups(
    *, actor: User, unread_only: bool = False, before_id: int | None = None, limit: int = 50
) -> list[InboxGroup]:
    """The actor's notifications grouped by object and kind, newest group first; ``before_id``
    pages by the groups' newest ids (keyset). Three queries at most whatever the number of rows:
    the groups, their newest messages, the subjects (one per type of object)."""
    rows = list(
        inbox_list(actor=actor, unread_only=unread_only)
        .order_by()
        .values("kind", group=_group_key())
        .annotate(latest=Max("id"), n=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
        .filter(**({"latest__lt": before_id} if before_id is not None else {}))
        .order_by("-latest")[:limit]
    )
    if not rows:
        return []
    latest = OutboxMessage.objects.in_bulk([row["latest"] for row in rows])
    subjects = subjects_shown(actor=actor, topics={m.topic for m in latest.values() if m.topic})
    return [
        InboxGroup(latest[row["latest"]], row["n"], row["unread"], subjects.get(latest[row["latest"]].topic))
        for row in rows
    ]


def inbox_group_messages(*, actor: User, message_id: int, limit: int = 100) -> list[OutboxMessage]:
    """The notifications of the group of one of the actor's notifications, newest first (the
    inbox's expanded row); empty if it is not theirs."""
    message = inbox_list(actor=actor).filter(pk=message_id).first()
    if message is None:
        return []
    if not message.topic:
        return [message]
    return list(inbox_list(actor=actor).filter(topic=message.topic, kind=message.kind)[:limit])


def inbox_unread_count(*, actor: User) -> int:
    """How many inbox rows (groups) are unread, counted up to ``UNREAD_SHOWN_MAX + 1``: one
    indexed query, bounded however many notifications wait (the menu shows "99+")."""
    if not actor.is_authenticated:
        return 0
    return (
        inbox_list(actor=actor, unread_only=True)
        .order_by()
        .values("kind", group=_group_key())
        .distinct()[: UNREAD_SHOWN_MAX + 1]
        .count()
    )
