"""Staff profiles and product-line certifications (R-10.1, R-5.2).

A profile belongs to one member of staff: team, regions served, skills (fault categories),
senior flag (技术骨干), working calendar and daily capacity. A certification (持证上岗) is held
for one product line, with its number, exam date, score and last valid day; renewing it moves
``valid_until``. Who may be assigned is decided from these rows by ``staff.eligibility``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="staff_profile"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    regions = models.ManyToManyField("core.Region", verbose_name=_("regions served"), blank=True, related_name="+")
    skills = models.ManyToManyField(
        "catalog.FaultCategory", verbose_name=_("skills (fault categories)"), blank=True, related_name="+"
    )
    is_senior = models.BooleanField(_("senior technician"), default=False)
    # Empty: the company's default SLA calendar.
    calendar = models.ForeignKey(
        "sla.Calendar",
        verbose_name=_("working calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    daily_capacity = models.PositiveSmallIntegerField(_("jobs per day"), default=4)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        permissions = [("manage_staffprofile", "Maintain staff profiles and certifications")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(daily_capacity__gte=1, daily_capacity__lte=50), name="staff_capacity_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Certification(models.Model):
    profile = models.ForeignKey(
        StaffProfile, verbose_name=_("staff profile"), on_delete=models.CASCADE, related_name="certifications"
    )
    product_line = models.ForeignKey(
        "catalog.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("certificate number"), max_length=64)
    exam_date = models.DateField(_("exam date"))
    score = models.PositiveSmallIntegerField(_("exam score"))
    valid_until = models.DateField(_("valid until"))
    # The valid_until an expiry notice was sent for: a renewal (a later date) is notified again.
    notified_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["valid_until", "id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "product_line"], name="staff_one_certification_per_line"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="staff_score_range"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("exam_date")), name="staff_valid_after_exam"
            ),
        ]
        indexes = [models.Index(fields=["valid_until", "id"], name="staff_cert_valid_idx")]

    def __str__(self) -> str:
        return f"{self.product_line} {self.number}"
