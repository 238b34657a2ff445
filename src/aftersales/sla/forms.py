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


class PreviewForm(forms.Form):
    """The intake page's promise sentence: what the agent has chosen so far."""

    priority = forms.CharField(max_length=8)
    # ISO 8601; a time without an offset is local (Asia/Shanghai), as typed in a form.
    received_at = forms.DateTimeField(required=False)
    service_type = forms.CharField(max_length=16, required=False)
    customer_id = forms.IntegerField(required=False, min_value=1)
    installed_product_id = forms.IntegerField(required=False, min_value=1)


class ComplianceForm(forms.Form):
    month_from = forms.DateField(
        label=_("From month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    month_to = forms.DateField(
        label=_("To month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
