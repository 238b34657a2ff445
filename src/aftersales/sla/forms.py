"""Page input parsing for the working-calendar page (rules live in services)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.sla.timeline import MAX_YEAR, MIN_YEAR
from aftersales.web.forms import FilterForm


def _this_year() -> int:
    return timezone.localdate().year


class CalendarFilterForm(FilterForm):
    """Which calendar and year the calendar page shows; the exception forms post the year back."""

    calendar = forms.TypedChoiceField(label=_("Calendar"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR, initial=_this_year
    )

    def __init__(self, *args: Any, calendars: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["calendar"]).choices = [("", ""), *((c.pk, c.name) for c in calendars)]


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


class ComplianceForm(FilterForm):
    """The months of the compliance page; a bad or missing month is the default range's."""

    month_from = forms.DateField(
        label=_("From month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    month_to = forms.DateField(
        label=_("To month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
