from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Colour, Priority, ServiceType
from aftersales.workorders.states import HandlingMode, Status


class Channel(models.TextChoices):
    """R-2.1 intake channels."""

    PHONE = "phone", _("Phone hotline")
    WEB = "web", _("Online form / portal")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    APP = "app", _("App / API")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    WALK_IN = "walk_in", _("Walk-in")


class WorkOrder(models.Model):
    """One customer request that is handled (R-3.1)."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    # No index of their own on customer, owner and assignee: each leads a (…, received_at, id)
    # index below, which serves the same lookups; every index is a page written at intake.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="work_orders",
        db_index=False,
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Indexed by (installed_product, received_at, id) below: a product's history, and the
    # repeat-repair lookup at intake.
    installed_product = models.ForeignKey(
        "customers.InstalledProduct",
        verbose_name=_("installed product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        db_index=False,
    )
    # A repeat repair: the product's most recent earlier work order, when it was received
    # within REPEAT_REPAIR_DAYS before this one. Set at intake; no index (nothing looks up by it).
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Copied from the installed product at intake: filters stay single-table and the record
    # keeps what was true when the request came in.
    product_model = models.ForeignKey(
        "catalog.ProductModel",
        verbose_name=_("product model"),
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
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    fault_category = models.ForeignKey(
        "catalog.FaultCategory",
        verbose_name=_("fault category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    occurred_at = models.DateTimeField(_("time of occurrence"), null=True, blank=True)
    symptom = models.TextField(_("symptom"))
    demand = models.TextField(_("customer's demand"), blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    service_type = models.CharField(_("service type"), max_length=16, choices=ServiceType.choices)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices, default=Colour.GREEN)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    handling_mode = models.CharField(_("handling mode"), max_length=16, choices=HandlingMode.choices, blank=True)
    answered_on_spot = models.BooleanField(_("answered on the spot"), default=False)
    # Number, customer, serial, model and symptom as search tokens (workorders/search.py),
    # indexed by FTS5 on SQLite and GIN on PostgreSQL (migration 0003_work_order_search).
    search_text = models.TextField(blank=True, editable=False)

    # 首问负责制: the first person who took the request stays accountable.
    # Empty only for a request a customer submitted until an agent takes it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first-contact owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_work_orders",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_work_orders",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    resolution = models.TextField(_("resolution"), blank=True)
    technical_solution = models.TextField(_("technical solution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(_("reason for closing without confirmation"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    # SLA, kept by aftersales.sla.targets inside the same transactions: the earliest due
    # time of the open, running targets (empty when none), and when the request joins the queue
    # received time in working hours or P1, else the start of the next working period).
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    queue_at = models.DateTimeField(_("queue time"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("view_all_workorders", _("Can see every work order")),
            ("assign_workorder", _("Can assign work orders")),
            ("handle_workorder", _("Can handle work orders")),
            ("close_workorder", _("Can close work orders")),
            ("archive_workorder", _("Can archive work orders")),
            ("record_communication", _("Can record communications")),
            ("submit_request", _("Can submit requests in the portal")),
            ("confirm_own_workorder", _("Can confirm own work orders")),
        ]
        indexes = [
            models.Index(fields=["received_at", "id"], name="wo_received_idx"),
            models.Index(fields=["status", "received_at", "id"], name="wo_status_received_idx"),
            models.Index(fields=["assignee", "received_at", "id"], name="wo_assignee_received_idx"),
            # each technician's open load (dispatch proposals, R-5.1): seeks per assignee and open status
            models.Index(fields=["assignee", "status"], name="wo_assignee_status_idx"),
            models.Index(fields=["customer", "received_at", "id"], name="wo_customer_received_idx"),
            models.Index(fields=["owner", "received_at", "id"], name="wo_owner_received_idx"),
            models.Index(fields=["priority", "received_at", "id"], name="wo_priority_received_idx"),
            models.Index(fields=["installed_product", "received_at", "id"], name="wo_product_received_idx"),
            models.Index(fields=["serial_number"], name="wo_serial_idx"),
            models.Index(fields=["next_due_at", "id"], name="wo_next_due_idx"),
            models.Index(fields=["queue_at", "id"], name="wo_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        from aftersales.workorders.states import OPEN_STATUSES

        return self.status in OPEN_STATUSES

    @property
    def is_repeat_repair(self) -> bool:
        return self.repeat_of_id is not None

    @property
    def is_read_only(self) -> bool:
        """R-3.8 / R-13.3: archived records are read-only."""
        return self.status == Status.ARCHIVED


class WorkOrderEvent(models.Model):
    """One entry of a work order's timeline: who, when, what, why (R-3.5)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status change")
        ASSIGNMENT = "assignment", _("Assignment")
        NOTE = "note", _("Progress note")
        COMMUNICATION = "communication", _("Communication")
        CHANGE = "change", _("Change")
        ATTACHMENT = "attachment", _("Attachment")

    work_order = models.ForeignKey(  # indexed by the timeline index (work_order, at, id)
        WorkOrder, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    action = models.CharField(_("action"), max_length=20, blank=True)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    communication = models.ForeignKey(
        "workorders.Communication", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["work_order", "at", "id"], name="woevent_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class Communication(models.Model):
    """R-2.2 communication log: calls, faxes, letters and parcels, e-mails, SMS."""

    class Kind(models.TextChoices):
        CALL = "call", _("Phone call")
        FAX = "fax", _("Fax")
        LETTER = "letter", _("Letter")
        PARCEL = "parcel", _("Parcel")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        VISIT = "visit", _("Visit")

    class Direction(models.TextChoices):
        INBOUND = "in", _("Incoming")
        OUTBOUND = "out", _("Outgoing")

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="communications"
    )
    work_order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communications",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    at = models.DateTimeField(_("time"))
    counterpart = models.CharField(_("other party"), max_length=128, blank=True)
    reference = models.CharField(_("reference / tracking number"), max_length=64, blank=True)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "at"], name="comm_customer_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A photo or document on a work order: the customer's, from the portal, or staff's.

    The file and its thumbnail live in the storage (``DATA_DIR/media``, ARCHITECTURE "Files")
    under names the server chose; ``name`` is the uploader's file name, for showing and
    downloading only. What the content is was decided from the bytes (workorders/attachments.py),
    never from the name or the client's content type.
    """

    class Kind(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        WEBP = "webp", "WebP"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", _("Excel workbook")
        DOCX = "docx", _("Word document")

    work_order = models.ForeignKey(  # indexed by (work_order, created_at, id)
        WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT, related_name="attachments", db_index=False
    )
    file = models.FileField(_("file"), max_length=255)
    thumbnail = models.FileField(_("thumbnail"), max_length=255, blank=True)
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    # The customer's own uploads always; staff's photos only when they say so.
    visible_to_customer = models.BooleanField(_("visible to the customer"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["work_order", "created_at", "id"], name="woattachment_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        """A photo: shown inline, with its thumbnail; other kinds are downloaded."""
        return self.kind in {self.Kind.JPEG, self.Kind.PNG, self.Kind.WEBP}
