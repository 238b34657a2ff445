"""The working calendar: calendars with working periods, exception days and seeded years (R-4).

The calendar engine (``clocks.py``) reads only these tables; triggers on them renew the
"sla-calendar" change stamp that tells other processes to drop their cached years.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class DayKind(models.TextChoices):
    """What kind of day an exception is: the State Council's (seeded, or entered by an administrator
    for a year the package does not know) or the company's own."""

    HOLIDAY = "holiday", _("Statutory holiday")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")
    COMPANY_OFF = "company_off", _("Company rest day")
    COMPANY_WORKING = "company_working", _("Company working day")


WORKING_DAY_KINDS = frozenset({DayKind.MAKEUP_WORKDAY, DayKind.COMPANY_WORKING})


class CalendarDay(models.Model):
    """A day that differs from plain Monday-Friday.

    Official rows (seeded from ``chinese_calendar``) have no calendar and apply to every calendar.
    Administrator rows belong to one calendar and win over an official row of the same date;
    seeding never touches them. ``kind`` says what the day is; ``is_working`` follows from it.
    """

    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
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
            models.CheckConstraint(
                condition=(
                    Q(is_working=True, kind__in=["makeup_workday", "company_working"])
                    | Q(is_working=False, kind__in=["holiday", "company_off"])
                ),
                name="sla_day_kind_matches_working",
            ),
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


# ---- SLA policies, targets, breaches and extensions (R-4.1-R-4.9, R-3.6) ----------------------
class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESPONSE = "response", _("Response")
    RESOLUTION = "resolution", _("Resolution")
    CONTACT_AFTER_ASSIGNMENT = "contact_after_assignment", _("Contact after assignment")
    PROGRESS_UPDATE = "progress_update", _("Progress update")
    COLOUR_GREEN_CLOSE = "colour_green_close", _("Green: closed")
    COLOUR_YELLOW_PROGRESS = "colour_yellow_progress", _("Yellow: progress reported")
    # field service
    ONSITE_ARRIVAL = "onsite_arrival", _("Emergency: technician on site")
    APPOINTMENT_AGREED = "appointment_agreed", _("Appointment made")
    FIRST_VISIT_FIX = "first_visit_fix", _("Fixed at the first visit")
    COMPLEX_CLOSE = "complex_close", _("Complex fault: closed")


class AppliesWhen(models.TextChoices):
    ALWAYS = "always", _("Always")
    IN_HOURS = "received_in_working_hours", _("Received in working hours")
    OUTSIDE_HOURS = "received_outside_working_hours", _("Received outside working hours")


# The clock choices live in clocks.py (which imports this module); repeated here as plain values.
CLOCK_CHOICES = [
    ("wall", _("24/7 wall clock")),
    ("working_hours", _("Working hours")),
    ("working_days", _("Working days")),
]
PRIORITY_CHOICES = [("P1", _("P1 urgent")), ("P2", _("P2 important")), ("P3", _("P3 normal"))]


class SlaPolicy(models.Model):
    """The targets a request gets (R-4.2, R-4.9): one policy per priority, plus optional overrides
    for a customer category, product line and/or service type. The most specific active policy
    that matches a work order wins (ties: the lowest id); its rules are the complete set."""

    name = models.CharField(_("name"), max_length=64)
    priority = models.CharField(_("priority"), max_length=2, choices=PRIORITY_CHOICES)
    customer_category = models.ForeignKey(
        "customers.CustomerCategory",
        verbose_name=_("customer category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product_line = models.ForeignKey(
        "catalog.ProductLine",
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    service_type = models.CharField(_("service type"), max_length=16, blank=True, default="")
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the default calendar."),
    )
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn at (% of the time)"),
        default=80,
        help_text=_("R-4.7: warn the handler when this share of the time is used."),
    )
    # which waiting states stop the clock.
    pause_waiting_customer = models.BooleanField(_("clock pauses while waiting on the customer"), default=True)
    pause_waiting_parts = models.BooleanField(_("clock pauses while waiting on parts"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warn_at_percent__gte=1, warn_at_percent__lte=99), name="sla_policy_warn_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return sum((self.customer_category_id is not None, self.product_line_id is not None, bool(self.service_type)))


class SlaTargetRule(models.Model):
    """One target of a policy: a duration on one clock, for requests received in or outside working
    hours or always. Working-days rules count whole days, the others seconds."""

    policy = models.ForeignKey(SlaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("target"), max_length=32, choices=TargetKind.choices)
    clock = models.CharField(_("clock"), max_length=16, choices=CLOCK_CHOICES)
    duration_seconds = models.PositiveIntegerField(
        _("duration (seconds)"), null=True, blank=True, help_text=_("For the wall clock and working hours.")
    )
    duration_days = models.PositiveSmallIntegerField(
        _("duration (working days)"), null=True, blank=True, help_text=_("For the working-days clock.")
    )
    applies_when = models.CharField(
        _("applies when"), max_length=32, choices=AppliesWhen.choices, default=AppliesWhen.ALWAYS
    )

    class Meta:
        verbose_name = _("SLA target rule")
        verbose_name_plural = _("SLA target rules")
        ordering = ["policy", "kind", "applies_when"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind", "applies_when"], name="sla_rule_unique_kind"),
            models.CheckConstraint(
                condition=(
                    Q(clock="working_days", duration_days__gt=0, duration_seconds__isnull=True)
                    | (Q(clock__in=["wall", "working_hours"], duration_seconds__gt=0, duration_days__isnull=True))
                ),
                name="sla_rule_duration_matches_clock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_applies_when_display()}"

    @property
    def duration(self) -> int:
        """Seconds; working days as whole 86,400-second days (what ``clocks.add_duration`` takes)."""
        if self.clock == "working_days":
            return int(self.duration_days or 0) * 86_400
        return int(self.duration_seconds or 0)


class WorkOrderTarget(models.Model):
    """One SLA target of one work order, stored as timestamps when set (ARCHITECTURE "Rules"), so
    "what is at risk / overdue" is an indexed query. Open = not met and not cancelled."""

    work_order = models.ForeignKey(  # indexed by (work_order, kind)
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="sla_targets",
        db_index=False,
    )
    kind = models.CharField(_("target"), max_length=32, choices=TargetKind.choices)
    clock = models.CharField(_("clock"), max_length=16, choices=CLOCK_CHOICES)
    calendar = models.ForeignKey(Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The rule's duration when the target was set (later policy edits do not move it).
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    warn_at_percent = models.PositiveSmallIntegerField(_("warn at (% of the time)"), default=80)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    original_due_at = models.DateTimeField(_("original due time"))
    warn_at = models.DateTimeField(_("warn at"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("no longer applies since"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.FloatField(_("paused (seconds on its clock)"), default=0)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    breached = models.BooleanField(_("breached"), default=False)
    extended = models.BooleanField(_("extended"), default=False)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["due_at", "id"]
        permissions = [("view_compliance", _("Can see SLA compliance"))]
        indexes = [
            # The watcher's two queries: open targets not yet warned, by warn time; not yet
            # escalated, by due time. Partial, so they hold only the few open rows.
            models.Index(
                fields=["warn_at"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True, warned_at__isnull=True),
                name="sla_target_to_warn_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True, escalated_at__isnull=True),
                name="sla_target_to_escalate_idx",
            ),
            models.Index(fields=["work_order", "kind"], name="sla_target_wo_kind_idx"),
            models.Index(fields=["due_at", "id"], name="sla_target_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind} {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None


class SlaBreach(models.Model):
    """A missed target (R-4.7): due time, when (or whether) it was met and by how much; counts in
    staff and department reports (assignee and team when it was missed)."""

    target = models.OneToOneField(
        WorkOrderTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="breach"
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.CASCADE, related_name="sla_breaches"
    )
    kind = models.CharField(_("target"), max_length=32, choices=TargetKind.choices)
    due_at = models.DateTimeField(_("due at"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    # Wall-clock seconds past due: when met (or when the target stopped applying); empty while open.
    overdue_seconds = models.PositiveIntegerField(_("overdue (seconds)"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        ordering = ["-due_at", "-id"]
        indexes = [models.Index(fields=["due_at", "id"], name="sla_breach_due_idx")]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind} {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"


class SlaExtension(models.Model):
    """R-3.6: a new promised time agreed with the customer (who, when, how); it replaces the
    target's working due time, the original stays on the target for reports."""

    class How(models.TextChoices):
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online / portal")
        OTHER = "other", _("Other")

    target = models.ForeignKey(
        WorkOrderTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="extensions"
    )
    old_due_at = models.DateTimeField(_("previous due time"))
    new_due_at = models.DateTimeField(_("new promised time"))
    agreed_with = models.CharField(_("agreed with"), max_length=128)
    agreed_at = models.DateTimeField(_("agreed at"))
    channel = models.CharField(_("how"), max_length=16, choices=How.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SLA extension")
        verbose_name_plural = _("SLA extensions")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.target_id} → {timezone.localtime(self.new_due_at):%Y-%m-%d %H:%M}"
