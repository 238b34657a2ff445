"""Stock: the append-only ledger of moves, the balance row per part and warehouse, and the
parts reserved for or used on a work order (R-7.1, R-7.2).

The ledger is the truth; ``StockBalance`` is its running sum, written in the same transaction
as each move by ``parts.services.stock`` (the only writer of both), so readers read the balance
and never sum the ledger. ``manage.py parts_check`` proves the two agree. The database refuses
UPDATE and DELETE of a move (``parts/triggers.py``) and a balance below zero (CHECKs).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    RESERVATION = "reservation", _("Reservation")
    RELEASE = "release", _("Release")
    CONSUMPTION = "consumption", _("Consumption")
    RETURN = "return", _("Return")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StockBalance(models.Model):
    """On hand and reserved of one part in one warehouse; available = on hand - reserved.

    ``minimum`` is the reorder level of this part here; ``below_minimum`` is set while available
    is under it (and a minimum is set), so the alert is raised once per crossing and the page
    of parts under their minimum is an indexed query.
    """

    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="balances")
    warehouse = models.ForeignKey(
        "parts.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="balances"
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    minimum = models.IntegerField(_("minimum level"), default=0)
    below_minimum = models.BooleanField(_("below minimum"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["part", "warehouse"], name="stockbalance_part_warehouse_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stockbalance_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stockbalance_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="stockbalance_available_not_negative"),
            models.CheckConstraint(condition=Q(minimum__gte=0), name="stockbalance_minimum_not_negative"),
        ]
        # The list of balances under their minimum walks one of these (keyset by id): every
        # warehouse's, or one warehouse's; both hold only the few rows under their minimum.
        indexes = [
            models.Index(fields=["id"], condition=Q(below_minimum=True), name="stockbalance_below_min_id_idx"),
            models.Index(
                fields=["warehouse", "id"], condition=Q(below_minimum=True), name="stockbalance_below_min_wh_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def short_by(self) -> int:
        """Units needed to be back at the minimum."""
        return max(self.minimum - self.available, 0)


class StockMove(models.Model):
    """One change of stock, never changed or deleted. ``quantity`` is the (positive) amount the
    person moved; the deltas are what it did to the balance (an adjustment's sign is in its
    ``on_hand_delta``)."""

    kind = models.CharField(_("kind"), max_length=16, choices=MoveKind.choices)
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        "parts.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    on_hand_delta = models.IntegerField(_("change of on hand"), default=0)
    reserved_delta = models.IntegerField(_("change of reserved"), default=0)
    # The other end of a transfer.
    counterpart = models.ForeignKey(
        "parts.Warehouse",
        verbose_name=_("other warehouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["part", "warehouse", "created_at"], name="stockmove_part_wh_idx"),
            models.Index(fields=["warehouse", "created_at"], name="stockmove_wh_time_idx"),
            models.Index(fields=["created_at", "id"], name="stockmove_time_idx"),  # the whole ledger, newest first
            models.Index(fields=["work_order"], condition=Q(work_order__isnull=False), name="stockmove_wo_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} × {self.part_id}@{self.warehouse_id}"


class WorkOrderPart(models.Model):
    """A part reserved for, and then used on, a work order (R-7.2, R-3.7).

    ``charge`` is what the customer pays for the line: 0 within warranty, the customer price ×
    quantity otherwise, fixed when it is consumed; an agent may override it with a reason.
    """

    class Status(models.TextChoices):
        RESERVED = "reserved", _("Reserved")
        CONSUMED = "consumed", _("Used")
        RELEASED = "released", _("Released")

    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT, related_name="part_lines"
    )
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        "parts.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RESERVED)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    in_warranty = models.BooleanField(_("within warranty"), default=False)
    charge = models.DecimalField(_("charge"), max_digits=12, decimal_places=2, default=0)
    charge_overridden = models.BooleanField(_("charge overridden"), default=False)
    charge_reason = models.CharField(_("reason for the charge"), max_length=255, blank=True)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reserved by"), on_delete=models.PROTECT, related_name="+"
    )
    reserved_at = models.DateTimeField(_("reserved at"))
    closed_at = models.DateTimeField(_("used or released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work-order part")
        verbose_name_plural = _("work-order parts")
        ordering = ["reserved_at", "id"]
        indexes = [models.Index(fields=["work_order", "status"], name="wopart_wo_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="wopart_quantity_positive"),
            models.CheckConstraint(condition=Q(charge__gte=0), name="wopart_charge_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id}: {self.quantity} × {self.part_id}"
