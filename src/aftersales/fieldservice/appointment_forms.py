"""Page input of appointments: parsing only (the services decide). A window is a day and two
local times, as the board and a phone's pickers give them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.limits import MAX_DAY, MIN_DAY
from aftersales.core.models import Region
from aftersales.fieldservice.appointment_services import AGREED_WITH_MAX, TEXT_MAX
from aftersales.fieldservice.models import AgreedVia
from aftersales.web.forms import FastSelect, service_required

MAX_BOARD_ROW = 100_000


class BoardFilterForm(forms.Form):
    """The board's query: a region (its technicians only) and the first row of the slice shown
    (``from``). Each field stands alone: a bad value is left out, the others still apply."""

    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("code"),
        required=False,
        empty_label=_("All regions"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.IntegerField(min_value=0, max_value=MAX_BOARD_ROW, required=False)

    def choice(self) -> tuple[Any, int]:
        """(region or None, first row)."""
        self.is_valid()
        return self.cleaned_data.get("region"), self.cleaned_data.get("from") or 0


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M", attrs={"step": 900})


def _line(label: Any, limit: int, *, required: bool = False) -> forms.CharField:
    field = forms.CharField(label=label, required=False, max_length=limit)
    return service_required(field) if required else field


class _Agreement(forms.Form):
    agreed_with = _line(_("Agreed with"), AGREED_WITH_MAX, required=True)
    agreed_via = forms.ChoiceField(label=_("Agreed how"), choices=AgreedVia.choices, initial=AgreedVia.PHONE)


class _Window(forms.Form):
    # up to 500 technicians, twice on the board (move and book): options written in Python
    technician_id = forms.TypedChoiceField(label=_("Technician"), coerce=int, choices=(), widget=FastSelect)
    day = forms.DateField(label=_("Day"), widget=DateInput())
    start = forms.TimeField(label=_("From"), widget=TimeInput())
    end = forms.TimeField(label=_("To"), widget=TimeInput())

    def __init__(self, *args: Any, technicians: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician_id"].choices = [(t.pk, str(t)) for t in technicians]  # type: ignore[attr-defined]

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if not MIN_DAY <= day <= MAX_DAY:
            raise forms.ValidationError(
                _("Choose a day between %(first)s and %(last)s.") % {"first": MIN_DAY, "last": MAX_DAY}
            )
        return day

    def window(self) -> dict[str, Any]:
        """The service's arguments: the technician and the window as aware times."""
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        return {
            "technician_id": data["technician_id"],
            "starts_at": dt.datetime.combine(data["day"], data["start"], tzinfo=tz),
            "ends_at": dt.datetime.combine(data["day"], data["end"], tzinfo=tz),
        }


class BookForm(_Window, _Agreement):
    work_order_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**53)
    to_prepare = _line(_("Customer to prepare"), TEXT_MAX)
    note = _line(_("Note"), TEXT_MAX)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.window(),
            "work_order_id": data["work_order_id"],
            "agreed_with": data["agreed_with"],
            "agreed_via": data["agreed_via"],
            "to_prepare": data["to_prepare"],
            "note": data["note"],
        }


class RescheduleForm(_Window, _Agreement):
    reason = _line(_("Reason"), TEXT_MAX, required=True)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.window(),
            "agreed_with": data["agreed_with"],
            "agreed_via": data["agreed_via"],
            "reason": data["reason"],
        }


class CancelForm(_Agreement):
    reason = _line(_("Reason"), TEXT_MAX, required=True)


# The service's field names → the form's, for errors put on the form (show_domain_error).
FIELD_OF = {"starts_at": "start", "ends_at": "end", "technician_id": "technician_id", "work_order_id": "__all__"}


class WeekForm(forms.Form):
    week = forms.DateField(required=False)
