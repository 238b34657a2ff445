from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.surveys.models import DIMENSION_LABELS, DIMENSIONS, FollowUpCall, ImprovementItem

IMPROVEMENT_STATUSES = ImprovementItem.Status.choices
SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 11)]


class ScoresForm(forms.Form):
    """The five dimensions 1–10 as radio groups and the free text (R-9.4)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DIMENSIONS:
            self.fields[name] = forms.ChoiceField(
                label=DIMENSION_LABELS[name],
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a score from 1 to 10.")},
            )
        self.fields["text"] = forms.CharField(
            label=_("What went well, what should we do better?"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("In a sentence or two (at least 10 characters).") if settings.SURVEY_TEXT_REQUIRED else "",
        )

    def scores(self) -> dict[str, int]:
        return {name: int(self.cleaned_data[name]) for name in DIMENSIONS}


class PhoneSurveyForm(ScoresForm):
    """An agent's phone survey (电话回访): the work order by its number, then the customer's scores."""

    field_order = ["number"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"] = forms.CharField(
            label=_("Work order number"), max_length=32, error_messages={"required": _("Enter the work order number.")}
        )
        self.fields["text"].label = _("The customer's words")
        self.order_fields(["number", *DIMENSIONS, "text"])


class ImprovementItemForm(forms.Form):
    root_cause = forms.CharField(label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.CharField(label=_("Responsible department"), required=False, max_length=64)
    deadline = forms.DateField(
        label=pgettext_lazy("improvement", "Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=IMPROVEMENT_STATUSES)
    verification = forms.CharField(label=_("Verification"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


STATUS_CHANGE_CHOICES = [("", _("(no change)")), *IMPROVEMENT_STATUSES]


class MeetingForm(forms.Form):
    """The service-quality meeting (R-9.7): date, attendees, minutes, and per reviewable item
    whether it was reviewed, the decision, and the status or deadline it set."""

    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the date of the meeting."), "invalid": _("Enter a date.")},
    )
    attendee_ids = forms.MultipleChoiceField(
        label=_("Attendees"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose who attended."),
            "invalid_choice": _("Choose staff members from the list."),
        },
    )
    minutes = forms.CharField(
        label=pgettext_lazy("meeting", "Minutes"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the minutes.")},
    )

    def __init__(self, *args: Any, items: list[Any], attendees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        attendee_field = cast(forms.MultipleChoiceField, self.fields["attendee_ids"])
        attendee_field.choices = [(str(u.pk), str(u)) for u in attendees]
        for item in items:
            self.fields[f"item_{item.pk}_reviewed"] = forms.BooleanField(label=_("Reviewed"), required=False)
            self.fields[f"item_{item.pk}_decision"] = forms.CharField(
                label=_("Decision"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"item_{item.pk}_status"] = forms.ChoiceField(
                label=_("New status"), required=False, choices=STATUS_CHANGE_CHOICES
            )
            self.fields[f"item_{item.pk}_deadline"] = forms.DateField(
                label=_("New deadline"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                error_messages={"invalid": _("Enter a date.")},
            )

    def rows(self) -> list[dict[str, Any]]:
        """Per item, its bound fields (for the template)."""
        return [
            {
                "item": item,
                **{part: self[f"item_{item.pk}_{part}"] for part in ("reviewed", "decision", "status", "deadline")},
            }
            for item in self.items
        ]

    def decisions(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The reviewed items as the service's decisions, and the form field of each decision index."""
        out: list[dict[str, Any]] = []
        fields: dict[str, str] = {}
        for item in self.items:
            if not self.cleaned_data.get(f"item_{item.pk}_reviewed"):
                continue
            n = len(out)
            for part in ("decision", "status", "deadline"):
                fields[f"decisions.{n}.{part}"] = f"item_{item.pk}_{part}"
            fields[f"decisions.{n}.item_id"] = f"item_{item.pk}_reviewed"
            out.append(
                {
                    "item_id": item.pk,
                    "decision": self.cleaned_data.get(f"item_{item.pk}_decision", ""),
                    "status": self.cleaned_data.get(f"item_{item.pk}_status", ""),
                    "deadline": self.cleaned_data.get(f"item_{item.pk}_deadline"),
                }
            )
        return out, fields


class FollowUpCallForm(forms.Form):
    """A QA follow-up call (R-8.1): outcome, satisfaction 1–10 and the customer's words."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=FollowUpCall.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome of the call.")},
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1–10)"),
        choices=[("", "—"), *SCORE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    customer_words = forms.CharField(
        label=_("The customer's words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
