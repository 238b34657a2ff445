from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A notification written in the same transaction as its cause, delivered by the worker.

    Delivery is at most once: a message is claimed (status ``sending``) and committed before
    the gateway is called, so a worker killed mid-send never sends it again; such a message
    is later marked ``interrupted`` for a person to check.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        IN_APP = "in_app", _("In-app")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted")

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    address = models.CharField(_("address"), max_length=255, blank=True, help_text=_("E-mail address or phone number"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    # What it is about, "<kind>:<id>" (e.g. "workorder:42"): the inbox links it to that object,
    # checked against the reader's scope when opened (core/subjects.py), and the outbox shows its label.
    topic = models.CharField(_("topic"), max_length=128, blank=True, db_index=True)
    # What happened, e.g. "sla_breach": the inbox shows repeated notifications of one kind about
    # one object as one row.
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    dedupe_key = models.CharField(max_length=191, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # E-mail only: set before the first attempt and sent with every attempt (see outbox._message_id).
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-id"]
        permissions = [
            ("view_outbox", _("Can view the notification outbox")),
            ("retry_outbox", _("Can retry failed notifications")),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["recipient", "channel", "read_at"], name="outbox_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address or self.recipient_id}: {self.subject}"


class SmsLog(models.Model):
    """What the demo SMS gateway 'sent' (R-2.2 records SMS too)."""

    phone = models.CharField(max_length=32)
    text = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:20]}"
