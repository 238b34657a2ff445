"""An import of the parts catalogue or of opening stock from a spreadsheet (R-7.1), and the
permissions of moving stock figures in and out of the system in bulk (R-13.2).

The uploaded file is kept (storage API) from the dry run to the confirmed import, so the worker
reads exactly what the person checked; ``errors`` holds the dry run's findings, each as a row, a
column and a code (``parts.imports.MESSAGES`` words them in the reader's language).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartsImport(models.Model):
    class Kind(models.TextChoices):
        CATALOGUE = "catalogue", _("Parts catalogue")
        OPENING_STOCK = "opening_stock", _("Opening stock")

    class Status(models.TextChoices):
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        QUEUED = "queued", _("Waiting to run")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    file = models.FileField(_("file"), max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created = models.PositiveIntegerField(_("new rows"), default=0)
    updated = models.PositiveIntegerField(_("updated rows"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parts import")
        verbose_name_plural = _("parts imports")
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        permissions = [
            ("import_parts", _("Can import the parts catalogue and opening stock")),
            ("export_stock", _("Can export stock to Excel")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
