"""Filters of the access-log page (page input parsing only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.audit.models import AccessLog
from aftersales.audit.selectors import AccessLogFilters, record_reference
from aftersales.audit.vocabulary import record_type_label
from aftersales.core.errors import NotFound
from aftersales.web.forms import FilterForm

# The record types the log holds most often, offered in the filter.
RECORD_TYPES = ["workorder", "customer", "contact", "installedproduct", "communication", "user", "apitoken"]


def _record_type_choices() -> list[tuple[str, Any]]:
    return [("", _("All record types")), *((code, record_type_label(code)) for code in RECORD_TYPES)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class AccessLogFilterForm(FilterForm):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AccessLog.Action.choices]
    )
    object_type = forms.ChoiceField(label=_("Record type"), required=False, choices=_record_type_choices)
    object_id = forms.CharField(label=_("Record"), required=False, max_length=32)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].widget.attrs["placeholder"] = _("User name or display name")
        self.fields["object_id"].widget.attrs.update(
            placeholder=_("Id or number"), title=_("A record id, a work order's number or a customer's number")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self, *, actor: Any) -> AccessLogFilters:
        """The filters, with a work order's or customer's number in the record box turned into
        the record it names. A number nobody has is said on the field (and matches no row)."""
        values = self.values()
        try:
            found = record_reference(actor=actor, object_type=values["object_type"], reference=values["object_id"])
        except NotFound:
            message = _("No work order or customer has the number “%(number)s”.")
            self.add_error("object_id", message % {"number": values["object_id"].strip()})
        else:
            if found is not None:
                values["object_type"], values["object_id"] = found
        return AccessLogFilters(**values)
