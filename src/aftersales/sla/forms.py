"""Page input parsing for the working-calendar page (rules live in services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.TypedChoiceField(
        label=_("Kind"),
        choices=[("off", _("Company day off")), ("working", _("Extra working day"))],
        coerce=lambda value: value == "working",
        initial="off",
    )
    name = forms.CharField(label=_("Note"), max_length=64, required=False)
