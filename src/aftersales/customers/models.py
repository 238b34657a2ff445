from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower, Replace
from django.utils.translation import gettext_lazy as _


def comparable_name(name: Combinable | str) -> Lower:
    """A name as the duplicate check compares it (R-1.1): without spaces (also the ideographic
    one), lower case. The same expression computes the stored column and the value a lookup
    compares it to, so both sides are made by the database alike (SQLite's LOWER folds only
    ASCII; PostgreSQL's folds more) and the lookup stays on the column's index."""
    value = Value(name) if isinstance(name, str) else name
    return Lower(Replace(Replace(value, Value(" "), Value("")), Value("\u3000"), Value("")))


class CustomerCategory(models.Model):
    """Used by reports and SLA overrides (R-1.1, R-4.9)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("customer category")
        verbose_name_plural = _("customer categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")

    code = models.CharField(_("customer number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=128, db_index=True)
    # Kept by the database itself, whichever door changes the name (services, admin, data
    # migrations): "张 三" and "张三", "Wang Li" and "wang li" are one key.
    name_key = models.GeneratedField(
        expression=comparable_name(models.F("name")),
        output_field=models.CharField(max_length=128),
        db_persist=True,
        db_index=True,
        verbose_name=_("name for the duplicate check"),
    )
    category = models.ForeignKey(
        CustomerCategory, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    service_preferences = models.TextField(
        _("service preferences"),
        blank=True,
        help_text=_("Shown to everyone who handles this customer, e.g. 'elderly at home, prefer mornings'."),
    )

    class NotificationChannel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        NONE = "none", _("No messages")

    notification_channel = models.CharField(
        _("messages by"),
        max_length=8,
        choices=NotificationChannel.choices,
        default=NotificationChannel.SMS,
        help_text=_(
            "How the customer is told that their request was received, assigned, resolved and closed "
            "(the other channel when this one has no address)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        permissions = [("view_contact_details", _("Can see unmasked phone numbers and addresses"))]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    position = models.CharField(_("position"), max_length=64, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.name


class WarrantyStatus(models.TextChoices):
    IN_WARRANTY = "in_warranty", _("In warranty")
    EXPIRED = "expired", _("Out of warranty")
    UNKNOWN = "unknown", _("Unknown")


class InstalledProduct(models.Model):
    """A product at a customer's site (R-1.2)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="installed_products"
    )
    product_model = models.ForeignKey(
        "catalog.ProductModel", verbose_name=_("product model"), on_delete=models.PROTECT, related_name="+"
    )
    serial_number = models.CharField(_("serial number"), max_length=64)
    batch = models.CharField(_("batch / lot"), max_length=64, blank=True, db_index=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    installation_date = models.DateField(_("installation date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    configuration = models.TextField(_("configuration"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("installed product")
        verbose_name_plural = _("installed products")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["product_model", "serial_number"], name="installed_serial_unique_per_model")
        ]
        indexes = [models.Index(fields=["serial_number"], name="installed_serial_idx")]

    def __str__(self) -> str:
        return f"{self.product_model.code} #{self.serial_number}"

    def warranty_status(self, on: dt.date | None = None) -> str:
        """R-1.2: computed from the dates, never stored."""
        if self.warranty_end is None:
            return WarrantyStatus.UNKNOWN
        from django.utils import timezone

        today = on or timezone.localdate()
        return WarrantyStatus.IN_WARRANTY if today <= self.warranty_end else WarrantyStatus.EXPIRED
