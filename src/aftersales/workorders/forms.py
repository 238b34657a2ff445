"""Page input parsing for work orders: turn form data into plain values for the services.

Fields are named after the service keyword arguments, so a ``ValidationFailed.fields`` key
from a service lands on the form field of the same name (``web.forms.show_domain_error``). The forms check
only types; the rules (required text, times not in the future, ...) live in the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Colour, Priority, ServiceType
from aftersales.core.limits import MAX_ID
from aftersales.customers.models import Customer
from aftersales.sla.models import SlaExtension, TargetKind
from aftersales.sla.selectors import OUTCOME_BREACHED, OUTCOME_MET
from aftersales.sla.templatetags.sla import sla_moment
from aftersales.web.forms import FastSelect, FilterForm, service_required
from aftersales.workorders.attachments import ACCEPT
from aftersales.workorders.models import Channel, Communication
from aftersales.workorders.services import (
    DEMAND_MAX_LENGTH,
    RESOLUTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    SYMPTOM_MAX_LENGTH,
)
from aftersales.workorders.states import HandlingMode, Status

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def local_now_input() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


def _blank(choices: Iterable[tuple[str, Any]], label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


# The list's filter value for "no assignee" / "no team" (the compliance page's "(none)" rows).
NOBODY = "none"


def _id_or_nobody(value: str) -> int | str:
    return value if value == NOBODY else int(value)


class IntakeForm(forms.Form):
    """R-2.1 to R-2.4: one request taken by an agent."""

    # Required by the service; the page marks its search field ("Find customer") instead.
    customer_id = service_required(forms.IntegerField(required=False, widget=forms.HiddenInput, label=_("Customer")))
    installed_product_id = forms.IntegerField(required=False, widget=forms.HiddenInput, label=_("Installed product"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Defaults to now; may be earlier (e.g. a letter), never in the future."),
    )
    occurred_at = forms.DateTimeField(label=_("Time of occurrence"), required=False, widget=DateTimeLocalInput())
    symptom = service_required(
        forms.CharField(
            label=_("Symptom"),
            required=False,
            max_length=SYMPTOM_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    )
    demand = forms.CharField(
        label=_("Customer's demand"),
        required=False,
        max_length=DEMAND_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    service_type = service_required(
        forms.ChoiceField(label=_("Service type"), choices=_blank(ServiceType.choices, "—"), required=False)
    )
    fault_category_id = forms.TypedChoiceField(label=_("Fault category"), required=False, coerce=int, empty_value=None)
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_blank(Priority.choices, _("Proposed by the system"))
    )
    colour = forms.ChoiceField(
        label=_("Colour"), required=False, choices=_blank(Colour.choices, _("Proposed by the system"))
    )
    answered_on_spot = forms.BooleanField(label=_("Answered on the spot"), required=False)
    resolution = forms.CharField(
        label=_("Answer given"),
        required=False,
        max_length=RESOLUTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, fault_categories: Iterable[Any] = (), with_line: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["fault_category_id"]).choices = [
            ("", "—"),
            *((fc.pk, fault_label(fc, with_line=with_line)) for fc in fault_categories),
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["priority"] = data["priority"] or None
        data["colour"] = data["colour"] or None
        return data

    def add_request_kwargs(self) -> dict[str, Any]:
        """For ``work_order_add_request``: the request goes on an open work order (R-2.3)."""
        data = self.cleaned_data
        return {
            "symptom": data["symptom"],
            "channel": data["channel"],
            "customer_id": data["customer_id"],
            "at": data["received_at"],
        }


def fault_label(fault: Any, *, with_line: bool) -> str:
    """A fault category as offered at intake: "空调 · 漏水" while no product says which line, so
    the lines' "漏水" are told apart; its own name once the list holds one line's only."""
    if with_line and fault.product_line_id is not None:
        return f"{fault.product_line.name} · {fault.name}"
    return str(fault.name)


class NewCustomerForm(forms.Form):
    """The small inline form at intake; the prefix keeps its names apart from the request's."""

    name = service_required(forms.CharField(label=_("Name"), required=False, max_length=200))
    kind = forms.ChoiceField(label=_("Kind"), choices=Customer.Kind.choices, initial=Customer.Kind.PERSON)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=64)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    service_preferences = forms.CharField(
        label=_("Service preferences"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Sent only by the duplicate warning's "create anyway" button; not rendered.
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ListFilterForm(FilterForm):
    """The staff list's filters; a bad value is ignored, and the page names it (FilterForm)."""

    SORTS = [
        ("-received_at", _("Received: newest first")),
        ("received_at", _("Received: oldest first")),
        ("-number", _("Number: descending")),
        ("number", _("Number: ascending")),
        ("priority", _("Priority: P1 first")),
        ("-priority", _("Priority: P3 first")),
        ("status", _("Status: A to Z")),
        ("-status", _("Status: Z to A")),
        # SLA: the selector leaves out work orders without a running target.
        ("next_due_at", _("Next due: soonest first")),
        ("queue_at", _("Queue: next to handle first")),
        # A handler's own queue: what is due next, then the rest (paused, met) by queue time.
        ("due", _("Due next, then queue time")),
    ]
    # The list's tabs: open work orders, those resolved or later, or all of them.
    OPEN, DONE, ALL = "open", "done", "all"
    SORT_HINTS = {
        "next_due_at": _("Only work orders with a running SLA target are listed (not paused, met or closed)."),
        "queue_at": _(
            "Requests received outside working hours (except P1) queue at the start of the next working period."
        ),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    view = forms.ChoiceField(
        label=_("Which work orders"),
        required=False,
        choices=[(OPEN, _("Open")), (DONE, _("Resolved or later")), (ALL, _("All"))],
        widget=forms.HiddenInput,
    )
    status = forms.MultipleChoiceField(label=_("Status"), required=False, choices=Status.choices)
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=_blank(Priority.choices, _("All")))
    service_type = forms.ChoiceField(
        label=_("Service type"), required=False, choices=_blank(ServiceType.choices, _("All"))
    )
    colour = forms.ChoiceField(label=_("Colour"), required=False, choices=_blank(Colour.choices, _("All")))
    owner = forms.TypedChoiceField(label=_("First-contact owner"), required=False, coerce=int, empty_value=None)
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=_id_or_nobody, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=_id_or_nobody, empty_value=None)
    customer = forms.IntegerField(
        label=_("Customer"), required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    product_line = forms.TypedChoiceField(label=_("Product line"), required=False, coerce=int, empty_value=None)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_before = forms.DateTimeField(
        label=_("Next due before"), required=False, widget=DateTimeLocalInput(), help_text=_("Open SLA targets only.")
    )
    # SLA compliance: a figure of the compliance page links to these.
    target_kind = forms.ChoiceField(label=_("SLA target"), required=False, choices=_blank(TargetKind.choices, _("All")))
    target_outcome = forms.ChoiceField(
        label=_("SLA result"),
        required=False,
        choices=_blank([(OUTCOME_MET, _("All met in time")), (OUTCOME_BREACHED, _("Breached"))], _("All")),
        help_text=_("Work orders with targets that are met or breached; open targets not yet due do not count."),
    )
    target_month = forms.DateField(
        label=_("Target due in"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)

    def __init__(
        self,
        *args: Any,
        users: Iterable[Any] = (),
        product_lines: Iterable[Any] = (),
        teams: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        people = [(u.pk, str(u)) for u in users]
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", _("All")), *people]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("All")), (NOBODY, _("Unassigned")), *people]
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ("", _("All")),
            (NOBODY, _("No team")),
            *((t.pk, str(t)) for t in teams),
        ]
        lines = cast(forms.ChoiceField, self.fields["product_line"])
        lines.choices = [("", _("All")), *((pl.pk, str(pl)) for pl in product_lines)]
        for each in self.fields.values():
            widget = each.widget
            if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
                each.widget = widget = FastSelect(choices=widget.choices)
                widget.attrs["class"] = "form-select form-select-sm"
            elif not widget.is_hidden and not isinstance(widget, forms.SelectMultiple):
                widget.attrs["class"] = "form-control form-control-sm"

    def sort_hint(self) -> Any:
        return self.SORT_HINTS.get(self.values()["sort"] or "", "")

    @staticmethod
    def day_start(day: dt.date | None) -> dt.datetime | None:
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- detail-page actions --------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    assignee_id = forms.TypedChoiceField(label=_("Assign to"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, users: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["assignee_id"])
        field.choices = [("", "—"), *((u.pk, str(u)) for u in users)]


class StartForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Handling mode"),
        choices=HandlingMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose remote, on site or returned to factory.")},
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# The service types done at the customer's: their work usually starts on site.
ON_SITE_SERVICES = frozenset(
    {ServiceType.INSTALLATION, ServiceType.TRAINING, ServiceType.GUARANTEE, ServiceType.REPAIR}
)


def likely_mode(work_order: Any) -> str:
    """The handling mode the start form proposes (the technician can change it): the mode the work
    order was handled in before (reopened, it goes on the same way), else on site for the
    service types done at the customer's (installation, training, on-site guarantee, repair),
    else remote (consultation, shipping, a complaint or a suggestion starts with a call)."""
    if work_order.handling_mode:
        return str(work_order.handling_mode)
    return HandlingMode.ON_SITE if work_order.service_type in ON_SITE_SERVICES else HandlingMode.REMOTE


class ReasonForm(forms.Form):
    # Waiting and reopening need a reason (the services say so); marked, not enforced here.
    reason = service_required(
        forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    )


class ResolveForm(forms.Form):
    resolution = service_required(
        forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    )
    technical_solution = forms.CharField(
        label=_("Technical solution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("How did the customer confirm?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: by phone with Ms Li at 10:20."),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the customer has not confirmed."),
    )


class CancelForm(forms.Form):
    reason = service_required(
        forms.CharField(
            label=_("Reason for cancelling"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("For example: the customer withdrew the request, a duplicate, raised in error."),
        )
    )


class EmptyForm(forms.Form):
    pass


class ProgressNoteForm(forms.Form):
    text = service_required(
        forms.CharField(label=_("Progress note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    )


class CommunicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Communication.Kind.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Communication.Direction.choices)
    at = forms.DateTimeField(label=_("Time"), required=False, widget=DateTimeLocalInput())
    counterpart = forms.CharField(label=_("Other party"), required=False, max_length=200)
    reference = forms.CharField(label=_("Reference / tracking number"), required=False, max_length=100)
    summary = service_required(
        forms.CharField(
            label=_("Summary"), required=False, max_length=SUMMARY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
        )
    )


class PriorityForm(forms.Form):
    """R-3.3 / R-4.2: change the priority; the SLA targets are computed again."""

    priority = service_required(
        forms.ChoiceField(label=_("New priority"), choices=_blank(Priority.choices, "—"), required=False)
    )
    reason = service_required(
        forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    )


class ProductChangeForm(forms.Form):
    """R-8.4: correct the product the work order is about (another of its customer's); the
    batch-fault count moves with it. ``products``: (id, label) of the customer's other products."""

    installed_product = forms.TypedChoiceField(label=_("Correct product"), coerce=int)
    reason = service_required(
        forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    )

    def __init__(self, *args: Any, products: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["installed_product"])
        field.choices = [("", "—"), *products]


class ExtendForm(forms.Form):
    """R-3.6: a new promised time for one open SLA target, agreed with the customer (who, when, how)."""

    target_id = forms.TypedChoiceField(label=_("Target"), coerce=int)
    new_due_at = forms.DateTimeField(label=_("New promised time"), required=False, widget=DateTimeLocalInput())
    agreed_with = forms.CharField(
        label=_("Agreed with"), required=False, max_length=128, help_text=_("Who at the customer agreed.")
    )
    agreed_at = forms.DateTimeField(label=_("Agreed at"), required=False, widget=DateTimeLocalInput())
    channel = forms.ChoiceField(label=_("How"), choices=_blank(SlaExtension.How.choices, "—"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, targets: Iterable[Any] = (), **kwargs: Any) -> None:
        """``targets``: the work order's open target views (sla.selectors.TargetView)."""
        kwargs.setdefault("initial", {"agreed_at": local_now_input()})
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["target_id"])
        field.choices = [(t.target.pk, f"{t.label} · {sla_moment(t.target.due_at)}") for t in targets]


class AttachmentForm(forms.Form):
    """A photo or document for a work order; what it is, is read from its bytes by the service
    (workorders/attachments.py). A customer's uploads are always visible to them."""

    file = forms.FileField(
        label=_("Photo or document"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    visible_to_customer = forms.BooleanField(
        label=_("Show to the customer in the portal"),
        required=False,
        help_text=_("Photos and documents of staff are internal unless this is ticked."),
    )

    def __init__(self, *args: Any, for_customer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "JPEG, PNG or WebP photos, PDF, Excel or Word files, at most %(max)d MB."
        ) % {"max": settings.ATTACHMENT_MAX_MB}
        if for_customer:
            del self.fields["visible_to_customer"]
