"""Reads of the core app, already scoped to the actor (STYLE.md rule 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import PERM_VIEW

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


def inbox_unread_count(*, actor: User) -> int:
    if not actor.is_authenticated:
        return 0
    return inbox_list(actor=actor, unread_only=True).count()
