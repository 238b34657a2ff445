"""Return-to-factory repair orders (R-6.5) and shipments (R-6.6).

A repair order hangs off a work order (the customer's request); its own timeline records every
step, and a line on the work order's timeline follows each one. Its deadline is stored as
timestamps when set (ARCHITECTURE "Rules"): the running due time, the original for reports and
the warning time, so "at risk" and "overdue" are indexed queries (repairs/deadlines.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.repairs.states import Status


class Accessory(models.TextChoices):
    """What came in the parcel with the product: the receiving checklist."""

    POWER_CORD = "power_cord", _("Power cord / adapter")
    REMOTE = "remote", _("Remote control")
    CABLES = "cables", _("Cables")
    BATTERY = "battery", _("Battery")
    MANUAL = "manual", _("Manual")
    WARRANTY_CARD = "warranty_card", _("Warranty card / invoice")
    BOX = "box", _("Original packaging")


class RepairOrder(models.Model):
    """A product sent back to the factory for repair (返厂维修, R-6.5)."""

    number = models.CharField(pgettext_lazy("repair order", "number"), max_length=32, unique=True)
    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT, related_name="repair_orders"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.EXPECTED)
    fault = models.TextField(_("fault to repair"), blank=True)
    # Receiving
    received_at = models.DateTimeField(pgettext_lazy("repair", "received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    condition = models.TextField(_("condition on arrival"), blank=True)
    accessories = models.JSONField(_("accessories received"), default=list, blank=True)
    accessories_other = models.CharField(_("other accessories"), max_length=200, blank=True)
    photos = models.ManyToManyField(
        "workorders.Attachment", verbose_name=_("photos on arrival"), blank=True, related_name="+"
    )
    # Repair
    repairer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("repairer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_orders",
    )
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    repair_notes = models.TextField(_("repair done"), blank=True)
    inspections_failed = models.PositiveSmallIntegerField(_("failed inspections"), default=0)
    # Deadline: working days on the SLA calendar from receipt; an agreement with the
    # customer moves deadline_at, original_deadline_at stays for reports.
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    original_deadline_at = models.DateTimeField(_("original deadline"), null=True, blank=True)
    deadline_warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    deadline_warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    deadline_escalated_at = models.DateTimeField(_("breach reported at"), null=True, blank=True)
    deadline_met_at = models.DateTimeField(_("deadline met at"), null=True, blank=True)
    deadline_breached = models.BooleanField(_("deadline missed"), default=False)
    shipped_at = models.DateTimeField(_("shipped back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_all_repairorders", _("Can see every repair order")),
            ("manage_repairorder", _("Can receive, assign and ship repair orders")),
            ("repair_repairorder", _("Can repair (as a repairer)")),
            ("inspect_repairorder", _("Can inspect repairs (QA)")),
        ]
        indexes = [
            models.Index(fields=["status", "deadline_at", "id"], name="rr_status_deadline_idx"),
            models.Index(fields=["repairer", "deadline_at", "id"], name="rr_repairer_deadline_idx"),
            # The watcher's two queries: open deadlines not yet warned / not yet reported missed.
            models.Index(
                fields=["deadline_warn_at"],
                condition=Q(deadline_met_at__isnull=True, deadline_warned_at__isnull=True),
                name="rr_to_warn_idx",
            ),
            models.Index(
                fields=["deadline_at"],
                condition=Q(deadline_met_at__isnull=True, deadline_escalated_at__isnull=True),
                name="rr_to_escalate_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    def accessory_labels(self) -> list[str]:
        labels = [str(Accessory(code).label) for code in self.accessories if code in Accessory.values]
        if self.accessories_other:
            labels.append(self.accessories_other)
        return labels


class RepairEvent(models.Model):
    """One entry of a repair order's timeline: who, when, what (the failed-QA loop shows here)."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="events", db_index=False)
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("repair timeline event")
        verbose_name_plural = _("repair timeline events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["repair_order", "at", "id"], name="rrevent_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.repair_order_id} {self.action} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class Inspection(models.Model):
    """A QA inspection of a repair (R-6.5): passed, or failed with what is wrong."""

    class Result(models.TextChoices):
        PASS = "pass", pgettext_lazy("inspection", "Passed")
        FAIL = "fail", pgettext_lazy("inspection", "Failed")

    repair_order = models.ForeignKey(
        RepairOrder, verbose_name=_("repair order"), on_delete=models.CASCADE, related_name="inspections"
    )
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("inspected at"))

    class Meta:
        verbose_name = _("QA inspection")
        verbose_name_plural = _("QA inspections")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.repair_order_id} {self.result}"


class AgreementChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    SMS = "sms", _("SMS")
    ONLINE = "online", _("Online / portal")


class DeadlineAgreement(models.Model):
    """R-6.5: the repair cannot be done in time; the new date agreed with the customer (who, when,
    how). It moves the repair order's deadline; the original stays on the repair order."""

    repair_order = models.ForeignKey(
        RepairOrder, verbose_name=_("repair order"), on_delete=models.CASCADE, related_name="agreements"
    )
    old_deadline_at = models.DateTimeField(_("previous deadline"))
    new_deadline_at = models.DateTimeField(_("new deadline"))
    agreed_with = models.CharField(_("agreed with"), max_length=128)
    agreed_at = models.DateTimeField(_("agreed at"))
    channel = models.CharField(_("how"), max_length=8, choices=AgreementChannel.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("deadline agreement")
        verbose_name_plural = _("deadline agreements")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.repair_order_id} → {timezone.localtime(self.new_deadline_at):%Y-%m-%d}"


class Shipment(models.Model):
    """A parcel sent to a customer (R-6.6): parts, a repaired product or documents, by EMS or rail,
    with its tracking number; recorded in the work order's communication log (发件记录)."""

    class Contents(models.TextChoices):
        PARTS = "parts", _("Parts")
        PRODUCT = "product", _("Repaired product")
        DOCUMENTS = "documents", _("Documents")

    class Carrier(models.TextChoices):
        EMS = "ems", _("EMS")
        RAIL = "rail", _("Rail freight")
        OTHER = "other", _("Other carrier")

    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT, related_name="shipments"
    )
    repair_order = models.ForeignKey(
        RepairOrder,
        verbose_name=_("repair order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
    )
    contents = models.CharField(_("contents"), max_length=16, choices=Contents.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    carrier = models.CharField(_("carrier"), max_length=8, choices=Carrier.choices, default=Carrier.EMS)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=8, decimal_places=2, null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_note = models.CharField(_("delivery note"), max_length=200, blank=True)
    delivery_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivery confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    communication = models.ForeignKey(
        "workorders.Communication", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-sent_at", "-id"]
        permissions = [
            ("view_all_shipments", _("Can see every shipment")),
            ("confirm_shipment_delivery", _("Can confirm deliveries")),
        ]
        indexes = [models.Index(fields=["tracking_number"], name="shipment_tracking_idx")]

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.tracking_number}"

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None


class RepairPart(models.Model):
    """A part the repairer took from the factory's warehouse for a repair (R-6.5, R-7): the stock
    move itself is the parts ledger's (``parts.services.stock_issue``); this names the repair."""

    repair_order = models.ForeignKey(
        RepairOrder, verbose_name=_("repair order"), on_delete=models.CASCADE, related_name="parts_used"
    )
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        "parts.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    stock_move = models.OneToOneField(
        "parts.StockMove", verbose_name=_("stock move"), on_delete=models.PROTECT, related_name="+"
    )
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("used by"), on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"))

    class Meta:
        verbose_name = _("part used in a repair")
        verbose_name_plural = _("parts used in repairs")
        ordering = ["used_at", "id"]

    def __str__(self) -> str:
        return f"{self.repair_order_id} {self.part_id} × {self.quantity}"
