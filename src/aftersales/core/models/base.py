from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A sales/service region (branch territory); scopes customers and staff (R-13.1)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    """A named sequence, e.g. ``SR-2026``; incremented under a row lock (see numbering.py)."""

    key = models.CharField(max_length=64, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class IdempotencyRecord(models.Model):
    """Remembers the object a client's ``Idempotency-Key`` produced, per user and operation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class ChangeStamp(models.Model):
    """A random token that database triggers replace whenever a watched table changes (see
    ``core/stamps.py``); process caches compare it to know whether what they hold is current."""

    key = models.CharField(max_length=64, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key}:{self.token}"
