"""Page input parsing for the customer archive (R-1.1, R-1.2). Rules live in the services;
these forms only turn the request into plain values and show the services' errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import ProductModel
from aftersales.core.models import Region
from aftersales.customers.models import Customer, CustomerCategory
from aftersales.web.forms import FilterForm, service_required


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CustomerFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("All regions")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=CustomerCategory.objects.all(), required=False, empty_label=_("All categories")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, customer number or phone")


class CustomerForm(forms.Form):
    # Required-ness of name and serial number is checked by the service, so every field's
    # error shows at once instead of the form stopping at the first.
    name = service_required(forms.CharField(label=_("Name"), max_length=128, required=False))
    kind = forms.ChoiceField(label=_("Kind"), choices=Customer.Kind.choices, initial=Customer.Kind.PERSON)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=CustomerCategory.objects.all(), required=False, empty_label="—"
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False, empty_label="—")
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    service_preferences = forms.CharField(
        label=_("Service preferences"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to everyone who handles this customer, e.g. 'elderly at home, prefer mornings'."),
    )
    notification_channel = forms.TypedChoiceField(
        label=_("Messages by"),
        choices=Customer.NotificationChannel.choices,
        initial=Customer.NotificationChannel.SMS,
        required=False,
        empty_value=Customer.NotificationChannel.SMS,  # the select always sends one; SMS is the default
        help_text=Customer._meta.get_field("notification_channel").help_text,
    )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "category_id": data["category"].pk if data["category"] else None,
            "region_id": data["region"].pk if data["region"] else None,
            "phone": data["phone"],
            "email": data["email"],
            "address": data["address"],
            "service_preferences": data["service_preferences"],
            "notification_channel": data["notification_channel"],
        }


class CustomerCreateForm(CustomerForm):
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=64,
        required=False,
        help_text=_("Leave empty when the customer is the contact."),
    )
    # Sent only by the "create anyway" button of the duplicate warning, never rendered.
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().service_values(),
            "contact_name": data["contact_name"],
            "confirm_duplicate": data["confirm_duplicate"],
        }


class ContactForm(forms.Form):
    name = service_required(forms.CharField(label=_("Name"), max_length=64, required=False))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    position = forms.CharField(label=_("Position"), max_length=64, required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)


class InstalledProductForm(forms.Form):
    product_model = forms.ModelChoiceField(
        label=_("Product model"), queryset=ProductModel.objects.filter(is_active=True).select_related("product_line")
    )
    serial_number = service_required(forms.CharField(label=_("Serial number"), max_length=64, required=False))
    batch = forms.CharField(label=_("Batch / lot"), max_length=64, required=False)
    purchase_date = forms.DateField(label=_("Purchase date"), required=False, widget=DateInput())
    installation_date = forms.DateField(label=_("Installation date"), required=False, widget=DateInput())
    warranty_end = forms.DateField(
        label=_("Warranty end"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to compute it from the model's warranty period."),
    )
    configuration = forms.CharField(label=_("Configuration"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_model"].label_from_instance = lambda m: f"{m.code} {m.name}"  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "product_model_id": data["product_model"].pk,
            "serial_number": data["serial_number"],
            "batch": data["batch"],
            "purchase_date": data["purchase_date"],
            "installation_date": data["installation_date"],
            "warranty_end": data["warranty_end"],
            "configuration": data["configuration"],
        }
