"""Filters of the access-log page (page input parsing only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.audit.models import AccessLog
from aftersales.audit.selectors import AccessLogFilters
from aftersales.web.forms import FilterForm

# The record types the log holds most often, offered as suggestions (any model name may be typed).
RECORD_TYPES = {
    "customer": _("Customer"),
    "installedproduct": _("Installed product"),
    "contact": _("Contact"),
    "workorder": _("Work order"),
    "communication": _("Communication"),
    "user": _("User"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class AccessLogFilterForm(FilterForm):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AccessLog.Action.choices]
    )
    object_type = forms.ChoiceField(
        label=_("Record type"), required=False, choices=[("", _("All record types")), *RECORD_TYPES.items()]
    )
    object_id = forms.CharField(label=_("Record id"), required=False, max_length=32)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].widget.attrs["placeholder"] = _("User name or display name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AccessLogFilters:
        return AccessLogFilters(**self.values())
