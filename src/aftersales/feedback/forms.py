"""Page input parsing of the feedback app (the services validate again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.limits import MAX_ID
from aftersales.feedback.models import Complaint, Incident, Level, Opinion, QualityFeedback
from aftersales.web.forms import FilterForm, service_required
from aftersales.workorders.forms import DateTimeLocalInput
from aftersales.workorders.models import Channel


class IdField(forms.IntegerField):
    """An id from a select: beyond the database's integers it is no id (never an overflow)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class IncidentFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(Incident.Status.choices, _("All")))
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_blank(Level.choices, _("All levels")))
    product_model = IdField(label=_("Product model"), required=False, min_value=1, widget=forms.HiddenInput)
    batch = forms.CharField(label=_("Batch / lot"), required=False, max_length=64)


class TickForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class CloseIncidentForm(forms.Form):
    note = service_required(
        forms.CharField(label=_("How it was resolved"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    )


class ComplaintForm(forms.Form):
    about = service_required(
        forms.ChoiceField(
            label=_("Complaint about"), required=False, choices=Complaint.About.choices, widget=forms.RadioSelect
        )
    )
    about_person = IdField(label=_("Person complained about"), required=False, min_value=1, widget=forms.Select)
    about_work_order = IdField(label=_("Previous work order"), required=False, min_value=1, widget=forms.Select)
    content = service_required(
        forms.CharField(
            label=_("What the customer complains about"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
    )
    mood = service_required(
        forms.ChoiceField(
            label=_("Customer's mood"), required=False, choices=Complaint.Mood.choices, widget=forms.RadioSelect
        )
    )
    expected_solution = forms.CharField(
        label=_("Solution the customer expects"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], previous: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["about_person"].widget.choices = [("", _("(none)")), *people]
        self.fields["about_work_order"].widget.choices = [("", _("(none)")), *previous]


class ReadBackForm(forms.Form):
    confirmed_by_name = service_required(
        forms.CharField(label=_("Confirmed by (the customer's name)"), required=False, max_length=64)
    )


class AcknowledgeForm(forms.Form):
    expected_handling_at = service_required(
        forms.DateTimeField(
            label=_("Expected handling time told to the customer"), required=False, widget=DateTimeLocalInput()
        )
    )


class HandleForm(forms.Form):
    owner = IdField(label=_("Handling owner"), required=False, min_value=1, widget=forms.Select)
    investigation = forms.CharField(
        label=_("Investigation notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proposed_solution = forms.CharField(
        label=_("Proposed solution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    agreed_by_name = forms.CharField(label=_("Agreed by (customer)"), required=False, max_length=64)
    agreed_at = forms.DateTimeField(label=_("Customer agreed at"), required=False, widget=DateTimeLocalInput())
    agreed_how = forms.ChoiceField(
        label=_("Agreed how"), required=False, choices=_blank(Complaint.AgreedHow.choices, "—")
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget.choices = [("", _("(unchanged)")), *staff]


class FollowUpForm(forms.Form):
    satisfaction = service_required(
        forms.IntegerField(  # 1 to 10 is the service's rule, named on the field
            label=_("Satisfaction (1-10)"),
            min_value=-MAX_ID,
            max_value=MAX_ID,
            required=False,
            widget=forms.NumberInput(attrs={"min": 1, "max": 10, "inputmode": "numeric"}),
        )
    )
    note = service_required(forms.CharField(label=_("What the customer said"), required=False, max_length=500))


class QualityForm(forms.Form):
    product_model = service_required(IdField(label=_("Product model"), required=False, widget=forms.Select))
    batch = forms.CharField(label=_("Batch / lot"), required=False, max_length=64)
    serials = forms.CharField(
        label=_("Serial numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    symptom = service_required(
        forms.CharField(label=_("Symptom"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    )
    frequency = service_required(
        forms.ChoiceField(
            label=_("Frequency"), required=False, choices=QualityFeedback.Frequency.choices, widget=forms.RadioSelect
        )
    )
    assessment = forms.CharField(
        label=_("Technician's assessment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = forms.MultipleChoiceField(label=_("Photos"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, models: list[tuple[int, str]], photos: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_model"].widget.choices = [("", "—"), *models]
        self.fields["photos"].choices = photos  # type: ignore[attr-defined]
        if not photos:
            del self.fields["photos"]


class QualityStepForm(forms.Form):
    text = service_required(forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})))


class QualityFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(QualityFeedback.Status.choices, _("All"))
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class OpinionForm(forms.Form):
    kind = service_required(
        forms.ChoiceField(label=_("Kind"), required=False, choices=Opinion.Kind.choices, widget=forms.RadioSelect)
    )
    channel = service_required(forms.ChoiceField(label=_("Channel"), required=False, choices=Channel.choices))
    text = service_required(
        forms.CharField(label=_("What the customer said"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    )
    department = service_required(
        forms.ChoiceField(label=_("Responsible department"), required=False, choices=Opinion.Department.choices)
    )
    technician = IdField(label=_("Praised technician"), required=False, min_value=1, widget=forms.Select)

    def __init__(self, *args: Any, technicians: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].widget.choices = [("", _("(none)")), *technicians]


class AnswerForm(forms.Form):
    answer = service_required(
        forms.CharField(label=_("Answer to the customer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    )
