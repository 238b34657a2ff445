from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.surveys.models import DIMENSION_LABELS, DIMENSIONS, ImprovementItem

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
