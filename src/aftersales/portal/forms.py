"""Input parsing for the portal's request form (rules are in workorders.services)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.catalog.models import ServiceType
from aftersales.customers.models import InstalledProduct
from aftersales.workorders.services import DEMAND_MAX_LENGTH, MAX_TEXT, SYMPTOM_MAX_LENGTH

# What a customer may ask for themselves, with the names a customer understands.
PORTAL_SERVICE_TYPES = [
    (ServiceType.REPAIR, pgettext_lazy("portal service type", "Repair")),
    (ServiceType.INSTALLATION, pgettext_lazy("portal service type", "Installation / commissioning")),
    (ServiceType.CONSULTATION, pgettext_lazy("portal service type", "Question / remote help")),
    (ServiceType.TRAINING, pgettext_lazy("portal service type", "Training")),
    (ServiceType.COMPLAINT, pgettext_lazy("portal service type", "Complaint")),
    (ServiceType.SUGGESTION, pgettext_lazy("portal service type", "Suggestion or praise")),
]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ProductChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: InstalledProduct) -> str:
        return f"{obj.product_model.name} {obj.product_model.code} · {obj.serial_number}"


class RequestForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("What do you need?"), choices=PORTAL_SERVICE_TYPES, initial=ServiceType.REPAIR, widget=forms.RadioSelect
    )
    installed_product = ProductChoiceField(
        label=_("Product"),
        queryset=InstalledProduct.objects.none(),
        required=False,
        empty_label=_("Not listed / not sure"),
    )
    symptom = forms.CharField(
        label=_("What is the problem?"),
        max_length=SYMPTOM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: no cooling after start-up, a noise from the outdoor unit, an error code on the display."
        ),
    )
    occurred_at = forms.DateTimeField(label=_("When did it start?"), required=False, widget=DateTimeInput())
    demand = forms.CharField(
        label=_("What would you like us to do?"),
        max_length=DEMAND_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # A double tap or a resend of the form creates one request, not two.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["installed_product"].queryset = products  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        product = data.get("installed_product")
        return {
            "service_type": data["service_type"],
            "installed_product_id": product.pk if product else None,
            "symptom": data["symptom"],
            "occurred_at": data.get("occurred_at"),
            "demand": data.get("demand", ""),
            "idempotency_key": data.get("idempotency_key") or None,
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still not working?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
