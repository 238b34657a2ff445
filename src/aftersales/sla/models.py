"""The working calendar: calendars with working periods, exception days and seeded years (R-4).

The calendar engine (``clocks.py``) reads only these tables. ``updated_at`` on every table is
part of the cheap "last change" stamp that tells other processes to drop their cached years.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Calendar(models.Model):
    """A set of working hours; exactly one calendar is the default for the whole company."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    is_default = models.BooleanField(_("default calendar"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_calendar"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingPeriod(models.Model):
    """One half-open span [start, end) of working hours on every working day of a calendar.

    A make-up working day (调休) on a weekend has the same periods as any other working day.
    """

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="periods", verbose_name=_("calendar"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["calendar", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="sla_period_end_after_start"),
            models.UniqueConstraint(fields=["calendar", "start"], name="sla_period_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class DaySource(models.TextChoices):
    OFFICIAL = "official", _("Official (State Council)")
    ADMIN = "admin", _("Company (administrator)")


class CalendarDay(models.Model):
    """A day that differs from plain Monday-Friday.

    Official rows (seeded from ``chinese_calendar``) have no calendar and apply to every calendar.
    Administrator rows belong to one calendar and win over an official row of the same date;
    seeding never touches them.
    """

    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"))
    source = models.CharField(_("source"), max_length=16, choices=DaySource.choices)
    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, null=True, blank=True, related_name="days", verbose_name=_("calendar")
    )
    # The package's English holiday name for official rows (translated on display); free text for admin rows.
    name = models.CharField(_("name"), max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="official", calendar__isnull=True) | Q(source="admin", calendar__isnull=False)),
                name="sla_day_source_matches_calendar",
            ),
            models.UniqueConstraint(
                fields=["date"], condition=Q(calendar__isnull=True), name="sla_day_unique_official"
            ),
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_day_unique_per_calendar"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'+' if self.is_working else '-'}"


class CalendarYear(models.Model):
    """A year whose official days are known: seeded from the package or confirmed by an administrator.

    A year without a row is computed as plain Monday-Friday and flagged on the admin and dashboard pages.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    # chinese_calendar version that seeded the year; empty when an administrator confirmed it by hand.
    package_version = models.CharField(_("package version"), max_length=16, blank=True, default="")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
