from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.audit.vocabulary import DOORS, PARTS, VERBS, record_type_label


class AccessLog(models.Model):
    """R-13.2: every view of a confidential record, every change and every export, every log-in,
    failed log-in and log-out, each with the client's address.

    Append-only: rows are written by ``audit.services.record`` and never updated or deleted
    (``save`` refuses updates, ``delete`` refuses; no page or API offers either).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        CREATE = "create", _("Create")
        CHANGE = "change", _("Change")
        EXPORT = "export", _("Export")
        LOGIN = "login", _("Log in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOGOUT = "logout", _("Log out")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(  # indexed by (actor, at)
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # What a change did, the service's verb (labels in audit.vocabulary.VERBS, not choices).
    verb = models.CharField(_("operation"), max_length=32, blank=True, default="", db_default="")
    object_type = models.CharField(_("record type"), max_length=32)
    object_id = models.CharField(_("record id"), max_length=32, blank=True)
    object_repr = models.CharField(_("record"), max_length=128, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        permissions = [("export_records", _("Can export records"))]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx"),
            models.Index(fields=["actor", "at"], name="accesslog_actor_idx"),
        ]

    def __str__(self) -> str:
        at = f"{timezone.localtime(self.at):%Y-%m-%d %H:%M}"
        return f"{at} {self.actor_id} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("The access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The access log is append-only")

    # What the page shows: labels, never the stored codes (audit.vocabulary).
    @property
    def record_type_label(self) -> Promise | str:
        return record_type_label(self.object_type)

    @property
    def verb_label(self) -> Promise | str:
        return VERBS.get(self.verb, self.verb)

    @property
    def part_label(self) -> Promise | str:
        part = str(self.detail.get("part") or self.detail.get("admin") or "")
        return PARTS.get(part, part)

    @property
    def record_label(self) -> Promise | str:
        """The record as a person names it; a row of a list or a page part without one names the
        part shown (the timeline), else the id."""
        return self.object_repr or self.part_label or self.object_id or "—"

    @property
    def door_label(self) -> Promise | str:
        door = str(self.detail.get("via", ""))
        return DOORS.get(door, door)
