"""P1 dispatch approvals (R-5.1): a P1 work order's proposed senior technician waits for a
supervisor's approval or refusal (with the reason); both are on the work order's timeline and
its SLA clocks keep running meanwhile (nothing here pauses them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DispatchApproval(models.Model):
    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT, related_name="+"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed technician"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("P1 dispatch approval")
        verbose_name_plural = _("P1 dispatch approvals")
        permissions = [("approve_dispatch", "Approve or refuse the dispatch of P1 work orders")]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order"], condition=Q(status="pending"), name="dispatch_one_pending_per_work_order"
            )
        ]
        indexes = [models.Index(fields=["status", "proposed_at"], name="dispatch_status_idx")]

    def __str__(self) -> str:
        return f"{self.work_order_id} → {self.technician_id} ({self.status})"


class DispatchSettings(models.Model):
    """The dispatch knobs an administrator or supervisor sets (one row)."""

    auto_assign = models.BooleanField(
        _("assign P2/P3 automatically on acknowledgement"),
        default=False,
        help_text=_("To the first eligible proposal; P1 always waits for a supervisor's approval."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dispatch settings")
        verbose_name_plural = _("dispatch settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Escalation(models.Model):
    """A hard problem put to a technical expert (专家支持, R-5.5): the question now, the answer
    later; both are on the work order's timeline."""

    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT, related_name="+"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert escalation")
        verbose_name_plural = _("expert escalations")
        indexes = [
            models.Index(fields=["expert", "answered_at", "asked_at"], name="dispatch_escalation_expert_idx"),
            models.Index(fields=["work_order", "asked_at"], name="dispatch_escalation_wo_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id}: {self.question[:30]}"


class ServiceNotice(models.Model):
    """The service notice (售后服务通知单, R-5.3) a dispatcher issues for an on-site job. What the
    document shows is frozen in ``snapshot`` at issue time (customer, address, contact, product,
    fault, appointment, technicians, preferences, tools, parts), so a later edit of the customer
    or the work order does not change a notice already sent. Issuing again gives a new number and
    marks the earlier one superseded."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="service_notices",
    )
    appointment = models.ForeignKey(
        "fieldservice.Appointment",
        verbose_name=_("appointment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead technician"), on_delete=models.PROTECT, related_name="+"
    )
    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("helpers"), blank=True, related_name="service_notices_helping"
    )
    tools = models.TextField(_("tools to bring"), blank=True)
    snapshot = models.JSONField(_("what the notice shows"), default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service notice")
        verbose_name_plural = _("service notices")
        indexes = [
            models.Index(fields=["work_order", "issued_at"], name="dispatch_notice_wo_idx"),
            models.Index(fields=["lead_technician", "issued_at"], name="dispatch_notice_lead_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class ServiceNoticePart(models.Model):
    """A part from the catalogue the technicians bring (R-5.3), with its number and name as issued."""

    notice = models.ForeignKey(
        ServiceNotice, verbose_name=_("service notice"), on_delete=models.CASCADE, related_name="parts"
    )
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("part to bring")
        verbose_name_plural = _("parts to bring")
        constraints = [
            models.UniqueConstraint(fields=["notice", "part"], name="dispatch_notice_part_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="dispatch_notice_part_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"
