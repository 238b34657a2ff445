"""Complaints, opinions and praise, quality feedback and batch-fault incidents (R-8, R-3.4).

Batch counting (R-8.4) follows ARCHITECTURE "quantities that must never be wrong": the ledger
``FaultReport`` (one row per counted work order; a move withdraws it and adds a new one) plus
two balances updated in the same transaction — ``FaultCounter`` per (model, batch), whose row
lock serialises the reports of one batch, and ``FaultDayCount`` per (model, batch, local day)
for the rolling window and the chart. ``counting.fault_counts_check`` proves they agree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FeedbackRule(models.Model):
    """The knobs of R-8 that an administrator edits (STYLE rule 7); one row (pk 1)."""

    window_days = models.PositiveSmallIntegerField(
        _("incident window (days)"), default=7, help_text=_("Fault reports of one model and batch within this window.")
    )
    open_threshold = models.PositiveSmallIntegerField(
        _("reports that open an incident"), default=10, help_text=_("At least 2.")
    )
    quality_overdue_working_days = models.PositiveSmallIntegerField(
        _("quality feedback overdue after (working days)"), default=10
    )
    complaint_ack_hours = models.PositiveSmallIntegerField(_("complaint acknowledged within (hours)"), default=2)

    class Meta:
        verbose_name = _("feedback rules")
        verbose_name_plural = _("feedback rules")
        constraints = [
            models.CheckConstraint(condition=Q(open_threshold__gte=2), name="feedback_rule_threshold_min"),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="feedback_rule_window_min"),
        ]

    def __str__(self) -> str:
        return str(_("feedback rules"))


# ---- batch-fault incidents (R-8.4) ------------------------------------------------------------


class Level(models.TextChoices):
    I = "I", _("Level I")  # noqa: E741 - the plan's own name
    II = "II", _("Level II")
    III = "III", _("Level III")


LEVEL_ORDER: dict[str, int] = {Level.I: 1, Level.II: 2, Level.III: 3}


class Incident(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("incident", "Open")
        CLOSED = "closed", pgettext_lazy("incident", "Closed")

    product_model = models.ForeignKey(
        "catalog.ProductModel", verbose_name=_("product model"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.CharField(_("batch / lot"), max_length=64)
    level = models.CharField(_("level"), max_length=3, choices=Level.choices, default=Level.I)
    reports = models.PositiveIntegerField(_("reports"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    close_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("batch-fault incident")
        verbose_name_plural = _("batch-fault incidents")
        ordering = ["-opened_at", "-id"]
        permissions = [("manage_incident", _("Can tick incident checklists and close incidents"))]
        constraints = [
            models.UniqueConstraint(
                fields=["product_model", "batch"], condition=Q(status="open"), name="incident_one_open_per_batch"
            )
        ]
        indexes = [
            models.Index(fields=["opened_at", "id"], name="incident_opened_idx"),
            models.Index(fields=["status", "opened_at", "id"], name="incident_status_idx"),
            models.Index(fields=["product_model", "batch", "opened_at"], name="incident_batch_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.level}"


class FaultCounter(models.Model):
    """The balance of one (model, batch): its active reports and its open incident. Every report
    upserts this row first, so its lock orders all reports of one batch (both databases)."""

    product_model = models.ForeignKey("catalog.ProductModel", on_delete=models.PROTECT, related_name="+")
    batch = models.CharField(max_length=64)
    reports = models.IntegerField(default=0)
    incident = models.ForeignKey(Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product_model", "batch"], name="fault_counter_unique")]

    def __str__(self) -> str:
        return f"{self.product_model_id}/{self.batch}: {self.reports}"


class FaultDayCount(models.Model):
    """Active reports of one (model, batch) received on one local (Asia/Shanghai) day."""

    product_model = models.ForeignKey("catalog.ProductModel", on_delete=models.PROTECT, related_name="+")
    batch = models.CharField(max_length=64)
    day = models.DateField()
    reports = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product_model", "batch", "day"], name="fault_day_count_unique")]

    def __str__(self) -> str:
        return f"{self.product_model_id}/{self.batch} {self.day}: {self.reports}"


class FaultReport(models.Model):
    """The ledger: a work order counted towards a (model, batch) at its received time. Rows are
    never deleted; a work order moved to another product or batch withdraws its row (stamped)
    and gets a new one, so at most one active row per work order (a constraint)."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+", db_index=False)
    product_model = models.ForeignKey("catalog.ProductModel", on_delete=models.PROTECT, related_name="+")
    batch = models.CharField(max_length=64)
    reported_at = models.DateTimeField()
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["work_order"], condition=Q(withdrawn_at__isnull=True), name="fault_report_one_active"
            )
        ]
        indexes = [
            models.Index(fields=["product_model", "batch", "reported_at"], name="fault_report_window_idx"),
            # The incident page's work orders, newest report first, active ones only (keyset pages).
            models.Index(fields=["incident", "withdrawn_at", "reported_at"], name="fault_report_incident_idx"),
            # The incident page's reports by region: a GROUP BY read from this index alone.
            models.Index(fields=["incident", "withdrawn_at", "region"], name="fault_report_region_idx"),
            models.Index(fields=["work_order"], name="fault_report_wo_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} → {self.product_model_id}/{self.batch}"


class IncidentLevel(models.Model):
    """One level an incident reached: when, at how many reports, whose it is (level history)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(_("level"), max_length=3, choices=Level.choices)
    reached_at = models.DateTimeField(_("reached at"))
    reports = models.PositiveIntegerField(_("reports"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("incident level")
        verbose_name_plural = _("incident levels")
        ordering = ["reached_at", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "level"], name="incident_level_once")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.level}"


class IncidentTask(models.Model):
    """A checklist item of a level, ticked by its owner; with a deadline it is a stored target
    that is warned at 80 % of its time and breached at its due time (feedback.tasks)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    level = models.CharField(_("level"), max_length=3, choices=Level.choices)
    kind = models.CharField(_("task"), max_length=32)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident task")
        verbose_name_plural = _("incident tasks")
        ordering = ["incident", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind"], name="incident_task_once")]
        indexes = [
            models.Index(
                fields=["warn_at"],
                condition=Q(done_at__isnull=True, warned_at__isnull=True),
                name="incident_to_warn_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(done_at__isnull=True, breached_at__isnull=True),
                name="incident_to_breach_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"


# ---- complaints (R-8.1, R-3.4) ----------------------------------------------------------------


class Complaint(models.Model):
    """The record of a work order of service type complaint."""

    class About(models.TextChoices):
        PRODUCT = "product", _("The product")
        SERVICE = "service", _("The service")
        PERSON = "person", _("A person")
        WORK_ORDER = "work_order", _("A previous work order")

    class Mood(models.TextChoices):
        CALM = "calm", _("Calm")
        UPSET = "upset", _("Upset")
        ANGRY = "angry", _("Angry")

    class AgreedHow(models.TextChoices):
        PHONE = "phone", _("By phone")
        VISIT = "visit", _("In person")
        EMAIL = "email", _("By e-mail")
        LETTER = "letter", _("In writing")

    work_order = models.OneToOneField(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.CASCADE, related_name="complaint"
    )
    about = models.CharField(_("complaint about"), max_length=16, choices=About.choices)
    about_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person complained about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
    )
    about_work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("previous work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
    )
    content = models.TextField(_("what the customer complains about"))
    mood = models.CharField(_("customer's mood"), max_length=8, choices=Mood.choices)
    expected_solution = models.TextField(_("solution the customer expects"), blank=True)
    # The read-back: the agent read the summary back, the customer confirmed it.
    read_back_at = models.DateTimeField(_("read back and confirmed at"), null=True, blank=True)
    read_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read back by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by_name = models.CharField(_("confirmed by (customer)"), max_length=64, blank=True)
    # Acknowledgement within the set time (a stored target), with the handling time told.
    ack_due_at = models.DateTimeField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    expected_handling_at = models.DateTimeField(_("expected handling time told"), null=True, blank=True)
    ack_breached_at = models.DateTimeField(_("acknowledgement overdue since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("reported to the supervisor at"), null=True, blank=True)
    # Emergency handling of a red complaint.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handling owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    investigation = models.TextField(_("investigation notes"), blank=True)
    proposed_solution = models.TextField(_("proposed solution"), blank=True)
    agreed_at = models.DateTimeField(_("customer agreed at"), null=True, blank=True)
    agreed_by_name = models.CharField(_("agreed by (customer)"), max_length=64, blank=True)
    agreed_how = models.CharField(_("agreed how"), max_length=8, choices=AgreedHow.choices, blank=True)
    # The follow-up call (回访) by QA.
    follow_up_at = models.DateTimeField(_("follow-up call at"), null=True, blank=True)
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follow-up call by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-10)"), null=True, blank=True)
    satisfaction_note = models.CharField(_("what the customer said"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("handle_complaint", _("Can handle complaints (investigation, solution)")),
            ("follow_up_complaint", _("Can record complaint follow-up calls")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=10),
                name="complaint_satisfaction_range",
            )
        ]
        indexes = [
            models.Index(
                fields=["ack_due_at"],
                condition=Q(acknowledged_at__isnull=True, ack_breached_at__isnull=True),
                name="complaint_ack_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.about}"


# ---- quality feedback (R-8.3) -----------------------------------------------------------------


class QualityFeedback(models.Model):
    """用户信息反馈/处理表: product-quality information to the quality department."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("quality feedback", "Open")
        ANALYSED = "analysed", _("Cause analysed")
        ACTION = "action", _("Corrective action taken")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")

    class Frequency(models.TextChoices):
        ONCE = "once", _("Once")
        SOMETIMES = "sometimes", _("Sometimes")
        OFTEN = "often", _("Often")
        ALWAYS = "always", _("Always")

    number = models.CharField(_("form number"), max_length=32, unique=True)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quality_feedback",
    )
    product_model = models.ForeignKey(
        "catalog.ProductModel", verbose_name=_("product model"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.CharField(_("batch / lot"), max_length=64, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True, help_text=_("One per line."))
    symptom = models.TextField(_("symptom"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    assessment = models.TextField(_("technician's assessment"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    cause_analysis = models.TextField(_("cause analysis"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    verification = models.TextField(_("verification"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"))
    overdue_at = models.DateTimeField(_("overdue from"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quality feedback")
        verbose_name_plural = _("quality feedback")
        ordering = ["-raised_at", "-id"]
        permissions = [
            ("raise_qualityfeedback", _("Can raise quality feedback")),
            ("handle_qualityfeedback", _("Can handle quality feedback (quality department)")),
        ]
        indexes = [
            models.Index(fields=["status", "raised_at", "id"], name="quality_status_idx"),
            models.Index(fields=["raised_by", "raised_at"], name="quality_raiser_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class QualityPhoto(models.Model):
    feedback = models.ForeignKey(QualityFeedback, on_delete=models.CASCADE, related_name="photos")
    attachment = models.ForeignKey("workorders.Attachment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feedback", "attachment"], name="quality_photo_once")]

    def __str__(self) -> str:
        return f"{self.feedback_id}/{self.attachment_id}"


# ---- opinions, suggestions, praise (R-8.2) ----------------------------------------------------


class Opinion(models.Model):
    class Kind(models.TextChoices):
        OPINION = "opinion", _("Opinion")
        SUGGESTION = "suggestion", _("Suggestion")
        PRAISE = "praise", _("Praise")

    class Department(models.TextChoices):
        SERVICE = "service", _("Customer service")
        TECHNICAL = "technical", _("Technical department")
        QUALITY = "quality", _("Quality department")
        SALES = "sales", _("Sales")
        MANAGEMENT = "management", _("Management")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=16)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("what the customer said"))
    department = models.CharField(_("responsible department"), max_length=12, choices=Department.choices)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("praised technician"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="praise",
    )
    answer = models.TextField(_("answer to the customer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("opinion / suggestion / praise")
        verbose_name_plural = _("opinions, suggestions and praise")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["technician", "kind"], name="opinion_praise_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id}"
