"""Page input of repair orders and shipments: parsing only; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.repairs.models import Accessory, AgreementChannel, Inspection, Shipment
from aftersales.repairs.services import MAX_TEXT
from aftersales.web.forms import service_required

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def local_now_input() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


def _text(label: Any, *, rows: int = 3, required: bool = False, limit: int = MAX_TEXT) -> forms.CharField:
    field = forms.CharField(label=label, required=False, max_length=limit, widget=forms.Textarea(attrs={"rows": rows}))
    return service_required(field) if required else field


class CreateForm(forms.Form):
    work_order_id = forms.IntegerField(label=_("Work order"), widget=forms.HiddenInput, min_value=1, max_value=2**53)
    fault = _text(_("Fault to repair"), rows=3)


class ReceiveForm(forms.Form):
    received_at = forms.DateTimeField(
        label=pgettext_lazy("repair", "Received at"), required=False, widget=DateTimeLocalInput()
    )
    condition = _text(_("Condition on arrival"), required=True)
    accessories = forms.MultipleChoiceField(
        label=_("Accessories received"),
        choices=Accessory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accessories_other = forms.CharField(label=_("Other accessories"), required=False, max_length=200)
    photos = MultiplePhotoField(
        label=_("Photos of the product on arrival"),
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_at": local_now_input()})
        super().__init__(*args, **kwargs)


class AssignForm(forms.Form):
    repairer_id = service_required(forms.TypedChoiceField(label=_("Repairer"), coerce=int, required=False))
    note = _text(_("Note"), rows=2)

    def __init__(self, *args: Any, repairers: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["repairer_id"]
        field.choices = [("", "—"), *((u.pk, str(u)) for u in repairers)]  # type: ignore[attr-defined]


class DiagnoseForm(forms.Form):
    diagnosis = _text(_("Diagnosis"), required=True)


class UsePartForm(forms.Form):
    """A part from the factory warehouse: typed by its part number (the list suggests the ones
    that fit the product)."""

    part_code = service_required(
        forms.CharField(
            label=_("Part number"),
            required=False,
            max_length=64,
            widget=forms.TextInput(attrs={"list": "repair-parts"}),
        )
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000, initial=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class RepairDoneForm(forms.Form):
    repair_notes = _text(_("What was repaired"), required=True)


class InspectForm(forms.Form):
    result = service_required(
        forms.ChoiceField(
            label=_("Result"), choices=Inspection.Result.choices, widget=forms.RadioSelect, required=False
        )
    )
    notes = _text(_("Inspection notes"), rows=4)
    notes.help_text = _("Required when the inspection fails: say what is still wrong.")


class AgreementForm(forms.Form):
    new_deadline_at = service_required(
        forms.DateTimeField(label=_("New date agreed"), required=False, widget=DateTimeLocalInput())
    )
    agreed_with = service_required(
        forms.CharField(label=_("Agreed with"), required=False, max_length=128, help_text=_("Who at the customer."))
    )
    agreed_at = service_required(forms.DateTimeField(label=_("Agreed at"), required=False, widget=DateTimeLocalInput()))
    channel = service_required(
        forms.ChoiceField(label=_("How"), choices=[("", "—"), *AgreementChannel.choices], required=False)
    )
    note = _text(_("Note"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"agreed_at": local_now_input()})
        super().__init__(*args, **kwargs)


class ShipForm(forms.Form):
    tracking_number = service_required(forms.CharField(label=_("Tracking number"), required=False, max_length=40))
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), required=False, min_value=0, max_digits=8, decimal_places=2)
    carrier = forms.ChoiceField(
        label=_("Carrier"),
        choices=[("", _("By weight: EMS, rail when heavy")), *Shipment.Carrier.choices],
        required=False,
    )
    sent_at = forms.DateTimeField(label=_("Sent at"), required=False, widget=DateTimeLocalInput())
    description = forms.CharField(label=_("Description"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sent_at": local_now_input()})
        super().__init__(*args, **kwargs)


class ShipmentForm(ShipForm):
    work_order_id = forms.IntegerField(label=_("Work order"), widget=forms.HiddenInput, min_value=1, max_value=2**53)
    contents = service_required(
        forms.ChoiceField(
            label=_("What is sent"), choices=Shipment.Contents.choices, widget=forms.RadioSelect, required=False
        )
    )
    field_order = ["work_order_id", "contents", "tracking_number", "weight_kg", "carrier", "sent_at", "description"]


class DeliverForm(forms.Form):
    delivered_at = forms.DateTimeField(label=_("Delivered at"), required=False, widget=DateTimeLocalInput())
    note = forms.CharField(
        label=_("How it was confirmed"), required=False, max_length=200, help_text=_("E.g. the customer signed for it.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"delivered_at": local_now_input()})
        super().__init__(*args, **kwargs)
