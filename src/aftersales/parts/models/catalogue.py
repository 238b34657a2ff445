"""The parts catalogue and the warehouses (R-7.1).

Warehouse kinds: ``central`` and ``branch`` stores (a branch has its region), ``van`` (one per
technician, its holder) and ``factory`` (a workshop's own store, for a factory that keeps one).
The ``repairs`` app takes the parts a repair order uses through ``parts.services.stock_issue``
from the first active central store (``repairs/parts_used.factory_warehouse``, R-6.5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Part(models.Model):
    code = models.CharField(_("part number"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=128)
    specification = models.CharField(_("specification"), max_length=255, blank=True)
    compatible_models = models.ManyToManyField(
        "catalog.ProductModel", verbose_name=_("compatible product models"), blank=True, related_name="+"
    )
    certified = models.BooleanField(_("certified"), default=False)
    unit = models.CharField(_("unit of measure"), max_length=16, default="pcs")
    unit_cost = models.DecimalField(_("unit cost"), default=0, max_digits=12, decimal_places=2)
    customer_price = models.DecimalField(_("customer price"), default=0, max_digits=12, decimal_places=2)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["code"]
        permissions = [
            ("view_stock", _("Can see the stock of every warehouse")),
            ("move_stock", _("Can receive, transfer and adjust stock")),
            ("reserve_part", _("Can reserve parts for work orders")),
            ("override_charge", _("Can override the parts charge of a work order")),
            ("receive_reorder_alert", _("Receives reorder alerts")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="part_unit_cost_not_negative"),
            models.CheckConstraint(condition=Q(customer_price__gte=0), name="part_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Warehouse(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central warehouse")
        BRANCH = "branch", _("Branch warehouse")
        VAN = "van", _("Technician's van")
        FACTORY = "factory", _("Factory workshop")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vans",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["kind", "code"]
        constraints = [
            # A van has its technician; the stores have none.
            models.CheckConstraint(
                condition=Q(kind="van", holder__isnull=False) | (~Q(kind="van") & Q(holder__isnull=True)),
                name="warehouse_van_has_holder",
            ),
            models.UniqueConstraint(fields=["holder"], condition=Q(kind="van"), name="warehouse_one_van_per_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
