"""Appointments (R-6.1): the window a customer agreed for a technician's visit.

An appointment belongs to a work order and a technician. It records who agreed the window, when
and how (phone, SMS, on site, portal); the customer is told through the outbox; a reminder goes
out once, the day before (``reminder_sent_at``). A reschedule changes the window in place and
leaves an ``AppointmentChange`` row with the customer's agreement and the reason, so the board
shows one block per appointment and the history stays complete.

No double booking: a technician's scheduled appointments never overlap. The booking service locks
the technician's row (PostgreSQL ``SELECT … FOR UPDATE``; SQLite takes its write lock when the
transaction starts) and checks overlaps before writing; at most one scheduled appointment per
work order is a partial unique constraint.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class AgreedVia(models.TextChoices):
    PHONE = "phone", _("By phone")
    SMS = "sms", _("By SMS")
    ON_SITE = "on_site", _("In person")
    PORTAL = "portal", _("Customer portal")
    EMAIL = "email", _("By e-mail")


def window_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    return f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(ends_at):%H:%M}"


class Appointment(models.Model):
    """A visit window agreed with the customer (预约)."""

    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT, related_name="appointments"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("technician"), on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    agreed_with = models.CharField(_("agreed with"), max_length=100)
    agreed_via = models.CharField(_("agreed how"), max_length=16, choices=AgreedVia.choices)
    agreed_at = models.DateTimeField(_("agreed at"))
    to_prepare = models.CharField(_("customer to prepare"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        permissions = [
            ("view_all_appointments", _("Can see every technician's appointments")),
            ("manage_appointment", _("Can book, reschedule and cancel appointments")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="appt_ends_after_start"),
            models.UniqueConstraint(
                fields=["work_order"],
                condition=Q(status="scheduled"),
                name="appt_one_scheduled_per_work_order",
            ),
        ]
        indexes = [
            # The board, "today" and the overlap check: a technician's appointments by time.
            models.Index(fields=["technician", "starts_at", "id"], name="appt_technician_start_idx"),
            models.Index(fields=["starts_at", "id"], name="appt_start_idx"),
            # The reminder scan: scheduled, not yet reminded, by start.
            models.Index(
                fields=["starts_at"],
                condition=Q(status="scheduled", reminder_sent_at__isnull=True),
                name="appt_to_remind_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == AppointmentStatus.SCHEDULED

    @property
    def window(self) -> str:
        """The window as the customer reads it: ``2026-11-17 10:30–12:30`` in the display time zone."""
        return window_text(self.starts_at, self.ends_at)


class AppointmentChange(models.Model):
    """One reschedule (or cancellation) of an appointment, with the customer's agreement."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes", db_index=False)
    from_starts_at = models.DateTimeField(_("from start"))
    from_ends_at = models.DateTimeField(_("from end"))
    to_starts_at = models.DateTimeField(_("to start"), null=True, blank=True)
    to_ends_at = models.DateTimeField(_("to end"), null=True, blank=True)
    from_technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("from technician"), on_delete=models.PROTECT, related_name="+"
    )
    to_technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to technician"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    agreed_with = models.CharField(_("agreed with"), max_length=100)
    agreed_via = models.CharField(_("agreed how"), max_length=16, choices=AgreedVia.choices)
    reason = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("appointment change")
        verbose_name_plural = _("appointment changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["appointment", "at", "id"], name="apptchange_appt_idx")]

    def __str__(self) -> str:
        return f"{self.appointment_id} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"
