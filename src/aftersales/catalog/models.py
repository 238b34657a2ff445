from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    """R-3.2 service types (售后服务通知单 表1) plus complaint and suggestion."""

    INSTALLATION = "installation", _("Installation / commissioning / retrofit / testing")
    TRAINING = "training", _("Technical training")
    GUARANTEE = "guarantee", _("On-site technical guarantee")
    CONSULTATION = "consultation", _("Technical consultation / remote support")
    REPAIR = "repair", _("Repair")
    SHIPPING = "shipping", _("Shipping of parts or documents")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Opinion / suggestion / praise")


class Priority(models.TextChoices):
    """R-3.3 priority levels."""

    P1 = "P1", _("P1 urgent")
    P2 = "P2", _("P2 important")
    P3 = "P3", _("P3 normal")


class Colour(models.TextChoices):
    """R-3.4 colour class."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class ProductLine(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ProductModel(models.Model):
    product_line = models.ForeignKey(
        ProductLine, verbose_name=_("product line"), on_delete=models.PROTECT, related_name="models"
    )
    code = models.CharField(_("model number"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=128)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=12)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FaultCategory(models.Model):
    """A kind of fault; proposes a priority (R-3.3) and guided questions (R-2.3)."""

    product_line = models.ForeignKey(
        ProductLine,
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fault_categories",
        help_text=_("Empty: applies to every product line."),
    )
    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=64)
    default_priority = models.CharField(
        _("proposed priority"), max_length=2, choices=Priority.choices, default=Priority.P3
    )

    class Meta:
        verbose_name = _("fault category")
        verbose_name_plural = _("fault categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GuidedQuestion(models.Model):
    """A follow-up question the agent asks for a fault category (R-2.3)."""

    fault_category = models.ForeignKey(
        FaultCategory, verbose_name=_("fault category"), on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(_("question"), max_length=255)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("guided question")
        verbose_name_plural = _("guided questions")
        ordering = ["fault_category", "position", "id"]

    def __str__(self) -> str:
        return self.text
