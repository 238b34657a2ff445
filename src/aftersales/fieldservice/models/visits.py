"""Visits and their service reports (R-6.2–R-6.4, R-6.7).

A visit is one technician's work on one work order: on site (check-in time set by the server,
diagnosis, work done, test result, advice, parts used from the technician's van or a branch,
photos before and after, the customer's opinion) or remote support (the steps given by phone or
online). Its service report is the visit itself once the customer signed it (a drawing, or a photo
of the company seal): at signing the SHA-256 of the report's content is stored and the content is
frozen; the technician submits it (late after ``FIELD_REPORT_WORKING_DAYS`` working days), a
supervisor approves it (it gets its archive number, ``RPT-YYYY-NNNNNN``, and is read-only) or
returns it with a comment (the technician corrects it and the customer signs again).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VisitKind(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote support")


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("Being recorded")
    SIGNED = "signed", _("Signed")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


class Visit(models.Model):
    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT, related_name="visits"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("technician"), on_delete=models.PROTECT, related_name="visits"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices, default=VisitKind.ON_SITE)
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT)
    checked_in_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    test_result = models.TextField(_("test result"), blank=True)
    # whether the fault was fixed at this visit (empty: not recorded).
    fixed = models.BooleanField(_("fault fixed at this visit"), null=True, blank=True)
    advice = models.TextField(_("advice to the customer"), blank=True)
    remote_steps = models.TextField(_("steps given"), blank=True)
    product_score = models.PositiveSmallIntegerField(_("opinion of the product"), null=True, blank=True)
    service_score = models.PositiveSmallIntegerField(_("opinion of the service"), null=True, blank=True)
    opinion = models.CharField(_("customer's opinion"), max_length=500, blank=True)
    # Signing: a drawn signature or a photo of the company seal.
    signer_name = models.CharField(_("signed by"), max_length=64, blank=True)
    signature = models.FileField(_("signature"), max_length=255, blank=True)
    seal = models.FileField(_("company seal"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    # Submission and review.
    submit_due_at = models.DateTimeField(_("submit by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    archive_number = models.CharField(pgettext_lazy("report", "archive number"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("record_visit", "Can record own visits and service reports"),
            ("review_visit", "Can review service reports"),
            ("view_all_visits", "Can see every visit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["archive_number"], condition=~Q(archive_number=""), name="visit_archive_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(product_score__isnull=True) | Q(product_score__gte=1, product_score__lte=10),
                name="visit_product_score_range",
            ),
            models.CheckConstraint(
                condition=Q(service_score__isnull=True) | Q(service_score__gte=1, service_score__lte=10),
                name="visit_service_score_range",
            ),
        ]
        indexes = [
            models.Index(fields=["technician", "created_at"], name="visit_technician_idx"),
            models.Index(fields=["status", "submitted_at"], name="visit_status_idx"),
        ]

    def __str__(self) -> str:
        return self.archive_number or f"V{self.pk}"

    @property
    def is_signed(self) -> bool:
        return bool(self.content_hash)


class VisitPhoto(models.Model):
    class Stage(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")
        SEAL = "seal", _("Company seal")

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    file = models.FileField(_("file"), max_length=255)
    thumbnail = models.FileField(_("thumbnail"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.stage}:{self.pk}"


class VisitPart(models.Model):
    """A part used on the visit: one consumption move in the parts ledger (the parts app owns stock)."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="parts")
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        "parts.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    stock_move = models.ForeignKey(
        "parts.StockMove", verbose_name=_("stock move"), on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"))

    class Meta:
        verbose_name = _("part used on a visit")
        verbose_name_plural = _("parts used on visits")
        ordering = ["visit", "used_at", "pk"]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.part_id}×{self.quantity}"
