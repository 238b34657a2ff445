"""Page input of the parts pages only: the services validate again (STYLE rule 4)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.parts.models import Warehouse
from aftersales.web.forms import FastSelect, FilterForm, service_required

MAX_QUANTITY = 1_000_000


class PartFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    certified = forms.TypedChoiceField(
        label=_("Certified"),
        required=False,
        choices=[("", _("All parts")), ("1", _("Certified only")), ("0", _("Not certified"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Start of the part number or name")


class StockFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Start of the part number or name")


class BelowMinimumFilterForm(FilterForm):
    warehouse = forms.TypedChoiceField(label=_("Warehouse"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, warehouses: list[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "warehouse", [("", _("All warehouses")), *((w.pk, str(w)) for w in warehouses)])


def _warehouse_choices(warehouses: list[Warehouse]) -> list[tuple[Any, str]]:
    return [("", "—"), *((w.pk, f"{w.name}（{w.get_kind_display()}）") for w in warehouses)]


def _choose(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - the fields above
    field.choices = choices
    field.widget = FastSelect(attrs=field.widget.attrs, choices=choices)


class StockMoveForm(forms.Form):
    KINDS = [("receipt", _("Receipt")), ("transfer", _("Transfer")), ("adjustment", _("Adjustment"))]

    kind = forms.ChoiceField(label=_("Kind of move"), choices=KINDS, initial="receipt", widget=forms.RadioSelect)
    part_code = service_required(forms.CharField(label=_("Part number"), max_length=64, required=False))
    warehouse = service_required(forms.TypedChoiceField(label=_("Warehouse"), coerce=int, required=False))
    to_warehouse = forms.TypedChoiceField(
        label=_("To warehouse"), coerce=int, required=False, empty_value=None, help_text=_("Transfers only.")
    )
    quantity = service_required(
        forms.IntegerField(
            label=_("Quantity"),
            required=False,
            min_value=-MAX_QUANTITY,
            max_value=MAX_QUANTITY,
            help_text=_("An adjustment may be negative: −2 means two fewer than the books say."),
        )
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=255, required=False, help_text=_("Required for an adjustment.")
    )

    def __init__(self, *args: Any, warehouses: list[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _warehouse_choices(warehouses)
        for name in ("warehouse", "to_warehouse"):
            _choose(self, name, choices)


class MinimumForm(forms.Form):
    warehouse = service_required(forms.TypedChoiceField(label=_("Warehouse"), coerce=int, required=False))
    minimum = service_required(
        forms.IntegerField(label=_("Minimum level"), required=False, min_value=0, max_value=MAX_QUANTITY)
    )

    def __init__(self, *args: Any, warehouses: list[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _warehouse_choices(warehouses)
        _choose(self, "warehouse", choices)


class ReserveForm(forms.Form):
    part_code = service_required(forms.CharField(label=_("Part number"), max_length=64, required=False))
    warehouse = service_required(forms.TypedChoiceField(label=_("Take from"), coerce=int, required=False))
    quantity = service_required(
        forms.IntegerField(label=_("Quantity"), required=False, min_value=1, max_value=MAX_QUANTITY, initial=1)
    )

    def __init__(self, *args: Any, warehouses: list[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _warehouse_choices(warehouses)
        _choose(self, "warehouse", choices)
        self.fields["part_code"].widget.attrs.update({"list": "wo-part-suggestions", "autocomplete": "off"})


class ChargeForm(forms.Form):
    charge = service_required(
        forms.DecimalField(label=_("Charge (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    )
    reason = service_required(forms.CharField(label=_("Reason"), max_length=255, required=False))
