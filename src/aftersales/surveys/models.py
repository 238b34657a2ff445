"""Customer satisfaction (R-9): invitations, answers and the administrator's list of abusive words.

One invitation per work order and kind and one answer per work order and kind, both by unique
constraints, so no retry, race or restarted worker makes a second. The moments an invitation was
sent, reminded and expired are stored; each is set once by a conditional UPDATE (services.py).
An answer copies the work order's team, technician, product line, channel and customer category
when it is recorded, so the scores are one-table aggregates (selectors.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DIMENSIONS = ("responsiveness", "problem_solving", "attitude", "professionalism", "communication")
DIMENSION_LABELS = {
    "responsiveness": _("Responsiveness"),
    "problem_solving": _("Problem solving"),
    "attitude": _("Attitude"),
    "professionalism": _("Professionalism"),
    "communication": _("Communication clarity"),
}


class Kind(models.TextChoices):
    AFTER_CLOSE = "after_close", _("After closing")
    COMPLAINT = "complaint", _("After a complaint")
    COMPLEX_REPAIR = "complex_repair", _("After a complex repair")
    SAMPLING = "sampling", _("Monthly sample")
    ON_SITE = "on_site", _("On-site service report")


class Source(models.TextChoices):
    LINK = "link", _("Web link")
    SMS = "sms", _("SMS reply")
    PHONE = "phone", _("Phone survey")
    ON_SITE = "on_site", _("On-site service report")


class InvalidReason(models.TextChoices):
    STRAIGHT_LINING = "straight_lining", _("Every dimension has the same score")
    TEXT_TOO_SHORT = "text_too_short", _("The text is shorter than 10 characters")
    ABUSIVE = "abusive", _("The text is abusive")


class Invitation(models.Model):
    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The personal link's secret (single use: answered_at) and the SMS reply code.
    token = models.CharField(_("token"), max_length=64, unique=True)
    code = models.CharField(_("survey code"), max_length=8, unique=True)
    channel = models.CharField(_("channel"), max_length=8)  # the outbox channel: email or sms ("" unreachable)
    address = models.CharField(_("address"), max_length=255, blank=True)
    points = models.PositiveIntegerField(_("incentive points"), default=0)
    sent_at = models.DateTimeField(_("sent at"))
    remind_at = models.DateTimeField(_("reminder due"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [models.UniqueConstraint(fields=["work_order", "kind"], name="survey_invitation_once")]
        indexes = [
            # The reminder and expiry scans read open invitations by their due moment.
            models.Index(
                fields=["remind_at"],
                name="survey_inv_remind_idx",
                condition=models.Q(answered_at__isnull=True, reminded_at__isnull=True, expired_at__isnull=True),
            ),
            models.Index(
                fields=["expires_at"],
                name="survey_inv_expire_idx",
                condition=models.Q(answered_at__isnull=True, expired_at__isnull=True),
            ),
            models.Index(fields=["address", "sent_at"], name="survey_inv_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.kind})"


class Answer(models.Model):
    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answer",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    responsiveness = models.PositiveSmallIntegerField(_("Responsiveness"))
    problem_solving = models.PositiveSmallIntegerField(_("Problem solving"))
    attitude = models.PositiveSmallIntegerField(_("Attitude"))
    professionalism = models.PositiveSmallIntegerField(_("Professionalism"))
    communication = models.PositiveSmallIntegerField(_("Communication clarity"))
    # The customer's opinion of the product, asked only on site: kept beside the five
    # service dimensions, never mixed into them.
    product_score = models.PositiveSmallIntegerField(_("opinion of the product"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    valid = models.BooleanField(_("valid"))
    invalid_reason = models.CharField(_("reason"), max_length=16, choices=InvalidReason.choices, blank=True)
    points = models.PositiveIntegerField(_("points credited"), default=0)
    answered_at = models.DateTimeField(_("answered at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Copied from the work order when the answer is recorded (the scores' groupings, R-9.6).
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    product_line = models.ForeignKey(
        "catalog.ProductLine",
        verbose_name=_("product line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    customer_category = models.ForeignKey(
        "customers.CustomerCategory",
        verbose_name=_("customer category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["work_order", "kind"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=models.Q(responsiveness__range=(1, 10))
                & models.Q(problem_solving__range=(1, 10))
                & models.Q(attitude__range=(1, 10))
                & models.Q(professionalism__range=(1, 10))
                & models.Q(communication__range=(1, 10)),
                name="survey_answer_scores_1_10",
            ),
            models.CheckConstraint(
                condition=models.Q(product_score__isnull=True) | models.Q(product_score__range=(1, 10)),
                name="survey_answer_product_score_1_10",
            ),
        ]
        indexes = [models.Index(fields=["answered_at"], name="survey_answer_at_idx")]
        permissions = [
            ("record_phone_survey", _("Can record phone surveys")),
            ("view_scores", _("Can see satisfaction scores")),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id}/{self.kind}"

    def scores(self) -> dict[str, int]:
        return {name: int(getattr(self, name)) for name in DIMENSIONS}


class AbusiveWord(models.Model):
    """A word or phrase that makes an answer's text abusive (R-9.5), matched anywhere in the text
    (Chinese has no word boundaries), after NFKC folding and lower-casing."""

    word = models.CharField(_("word"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("abusive word")
        verbose_name_plural = _("abusive words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class ImprovementItem(models.Model):
    """满意度改进清单 (R-9.7): opened once when a dimension's monthly mean is under
    ``SURVEY_IMPROVEMENT_BELOW`` for a team or (team empty) the company."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        VERIFIED = "verified", _("Verified")

    month = models.DateField(_("month"))  # its first day
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dimension = models.CharField(_("dimension"), max_length=16)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2)
    root_cause = models.TextField(_("root cause"), blank=True)
    department = models.CharField(_("responsible department"), max_length=64, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    verification = models.TextField(_("verification"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("improvement item")
        verbose_name_plural = _("improvement items")
        ordering = ["-month", "dimension", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "team", "dimension"],
                name="survey_item_team_once",
                condition=models.Q(team__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["month", "dimension"], name="survey_item_company_once", condition=models.Q(team__isnull=True)
            ),
        ]
        permissions = [("manage_improvement", _("Can work on satisfaction improvement items"))]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}"


class Sample(models.Model):
    """The monthly sample (R-9.1): at least ``rate`` of the month's customers (those whose work
    orders closed in it), stratified by problem type (service type × fault category) and channel,
    each stratum rounded up. ``method`` names the procedure (sampling.py), ``seed`` makes it
    reproducible: the same population and seed draw the same customers."""

    month = models.DateField(_("month"), unique=True)  # its first day
    method = models.CharField(_("method"), max_length=32)
    rate = models.DecimalField(_("sampling rate"), max_digits=5, decimal_places=4)
    seed = models.BigIntegerField(_("seed"))
    population = models.PositiveIntegerField(_("customers in the month"))
    size = models.PositiveIntegerField(_("customers sampled"))
    drawn_at = models.DateTimeField(_("drawn at"))

    class Meta:
        verbose_name = _("monthly sample")
        verbose_name_plural = _("monthly samples")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class SampleStratum(models.Model):
    sample = models.ForeignKey(Sample, verbose_name=_("sample"), on_delete=models.CASCADE, related_name="strata")
    service_type = models.CharField(_("service type"), max_length=16)
    fault_category = models.ForeignKey(
        "catalog.FaultCategory",
        verbose_name=_("fault category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16)
    population = models.PositiveIntegerField(_("customers"))
    size = models.PositiveIntegerField(_("sampled"))

    class Meta:
        verbose_name = _("sample stratum")
        verbose_name_plural = _("sample strata")
        ordering = ["sample", "service_type", "channel", "pk"]

    def __str__(self) -> str:
        return f"{self.sample_id}:{self.service_type}/{self.fault_category_id}/{self.channel}"


class SampleMember(models.Model):
    """A sampled customer and the work order (their last closed one of the month) that is invited."""

    sample = models.ForeignKey(Sample, verbose_name=_("sample"), on_delete=models.CASCADE, related_name="members")
    stratum = models.ForeignKey(
        SampleStratum, verbose_name=_("stratum"), on_delete=models.CASCADE, related_name="members"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("sampled customer")
        verbose_name_plural = _("sampled customers")
        constraints = [models.UniqueConstraint(fields=["sample", "customer"], name="survey_sample_customer_once")]

    def __str__(self) -> str:
        return f"{self.sample_id}:{self.customer_id}"


class QualityMeeting(models.Model):
    """The monthly service-quality meeting (R-9.7): date, attendees, minutes and what it decided
    for each improvement item it reviewed. Supervisors and QA write it (``manage_improvement``),
    whoever sees the scores reads it."""

    held_on = models.DateField(_("date"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+")
    minutes = models.TextField(pgettext_lazy("meeting", "minutes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("service-quality meeting")
        verbose_name_plural = _("service-quality meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"


class MeetingDecision(models.Model):
    """What the meeting decided for one improvement item: the decision, and the status or deadline
    it set (applied to the item through ``improvement.item_update``)."""

    meeting = models.ForeignKey(
        QualityMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    item = models.ForeignKey(
        ImprovementItem, verbose_name=_("improvement item"), on_delete=models.PROTECT, related_name="decisions"
    )
    decision = models.TextField(_("decision"))
    status = models.CharField(_("new status"), max_length=16, choices=ImprovementItem.Status.choices, blank=True)
    deadline = models.DateField(_("new deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "item"], name="survey_decision_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.item_id}"


class FollowUpKind(models.TextChoices):
    AFTER_CLOSE = "after_close", _("After closing")
    COMPLAINT = "complaint", _("After a complaint")


class FollowUpCall(models.Model):
    """A QA follow-up call (回访, R-8.1) after a work order closed or after a complaint: its
    outcome and the customer's words. One per work order and kind, unless the customer was not
    reached (then it is tried again). "The problem is back" reopens the work order."""

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("Solved, the customer is satisfied")
        NOT_SATISFIED = "not_satisfied", _("Solved, but the customer is not satisfied")
        PROBLEM_BACK = "problem_back", _("The problem is back")
        UNREACHABLE = "unreachable", _("The customer could not be reached")

    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("work order"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FollowUpKind.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    customer_words = models.TextField(_("the customer's words"), blank=True)
    reopened = models.BooleanField(_("reopened the work order"), default=False)
    called_at = models.DateTimeField(_("called at"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["-called_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "kind"], name="survey_call_once", condition=~models.Q(outcome="unreachable")
            )
        ]
        permissions = [("make_follow_up_call", _("Can make QA follow-up calls"))]

    def __str__(self) -> str:
        return f"{self.work_order_id}/{self.kind}: {self.outcome}"


class ScoreSummary(models.Model):
    """The scores' monthly summary (R-9.6): per month (Asia/Shanghai) and grouping (``""`` the
    company, or team, technician, product line, channel, customer category) and its key (the id or
    channel as text, ``""`` none), the number of answers, of valid ones, and each dimension's sum
    over the valid ones. Kept in the transaction that records an answer (summary.py), so the
    dashboard reads a few hundred rows instead of aggregating every answer."""

    month = models.DateField(_("month"))
    grouping = models.CharField(_("grouping"), max_length=24, blank=True)
    key = models.CharField(_("key"), max_length=64, blank=True)
    total = models.PositiveIntegerField(_("answers"), default=0)
    valid = models.PositiveIntegerField(_("valid answers"), default=0)
    s_responsiveness = models.PositiveBigIntegerField(default=0)
    s_problem_solving = models.PositiveBigIntegerField(default=0)
    s_attitude = models.PositiveBigIntegerField(default=0)
    s_professionalism = models.PositiveBigIntegerField(default=0)
    s_communication = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("score summary")
        verbose_name_plural = _("score summaries")
        constraints = [models.UniqueConstraint(fields=["grouping", "month", "key"], name="survey_summary_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.grouping}={self.key}"
