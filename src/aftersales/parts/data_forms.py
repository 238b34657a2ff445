"""Page input of the parts import and the stock export (types only; the services check the rest)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.parts.models.imports import PartsImport
from aftersales.web.forms import FastSelect

IMPORT_ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to import"),
        choices=PartsImport.Kind.choices,
        initial=PartsImport.Kind.CATALOGUE,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": IMPORT_ACCEPT}),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK), its first row the column names."),
    )


class ExportForm(forms.Form):
    warehouse = forms.TypedChoiceField(
        label=_("Warehouse"), required=False, coerce=int, choices=(), widget=FastSelect, empty_value=None
    )

    def __init__(self, *args: Any, warehouses: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [  # type: ignore[attr-defined]
            ("", gettext("All warehouses")),
            *((wh.pk, str(wh)) for wh in warehouses),
        ]
