"""Customer property in our care (用户备品, R-7.3): equipment a customer left with us — a unit
taken in for repair, a loaned part of theirs — tracked apart from our stock.

It is never a ``Part`` and never moves through ``StockMove``/``StockBalance``: our stock is money
on our books, this is the customer's, and it must come back to them. Every change of who holds an
item is a ``CustodyTransfer`` row (received, handed over, returned), so "who had it on which day"
is answered by the history, never by overwriting the holder. Written only by
``parts.property_services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CustomerProperty(models.Model):
    class Status(models.TextChoices):
        IN_CUSTODY = "in_custody", _("In our care")
        RETURNED = "returned", _("Returned")

    number = models.CharField(_("item number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The job it came in for, when there is one (a repair order link comes with the repairs app).
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("item"), max_length=200)
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    condition = models.TextField(_("condition when received"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_CUSTODY)
    holder = models.ForeignKey(  # who has it now; none once it is back with the customer
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    held_since = models.DateTimeField(_("held since"), null=True, blank=True)
    received_at = models.DateTimeField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.CharField(_("returned to"), max_length=64, blank=True)
    # The PNG of the signature of the person who took it back (through the storage API).
    return_signature = models.FileField(_("signature"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("customer property")
        verbose_name_plural = _("customer property")
        default_permissions = ("add", "change", "view")
        permissions = [
            ("view_all_customerproperty", _("Can see all customer property")),
            ("manage_customerproperty", _("Can hand over and return any customer property")),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "id"], name="custprop_customer_idx"),
            models.Index(fields=["holder", "status", "id"], name="custprop_holder_idx"),
            models.Index(fields=["status", "id"], name="custprop_status_idx"),
        ]
        constraints = [
            # In our care: someone holds it. Returned: nobody does, and it was signed for.
            models.CheckConstraint(
                condition=Q(status="in_custody", holder__isnull=False, returned_at__isnull=True)
                | Q(status="returned", holder__isnull=True, returned_at__isnull=False),
                name="custprop_holder_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"


class CustodyTransfer(models.Model):
    """One hand-over of a customer's item: received from the customer (no ``from_user``), from one
    member of staff to another, or returned to the customer (no ``to_user``). Append-only."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received from the customer")
        HANDED_OVER = "handed_over", _("Handed over")
        RETURNED = "returned", _("Returned to the customer")

    item = models.ForeignKey(
        CustomerProperty, verbose_name=_("customer property"), on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("custody transfer")
        verbose_name_plural = _("custody transfers")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class PropertyPhoto(models.Model):
    """A photo of the item as received (its condition), checked and encoded again as the
    work-order attachments are (workorders/attachments.py)."""

    item = models.ForeignKey(
        CustomerProperty, verbose_name=_("customer property"), on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(_("file"), max_length=255)
    thumbnail = models.FileField(_("thumbnail"), max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo of customer property")
        verbose_name_plural = _("photos of customer property")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name
