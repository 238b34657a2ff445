"""Forms of the technician's visit page and the supervisor's review (R-6.2–R-6.4). They parse;
the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.fieldservice import visit_services as services
from aftersales.fieldservice.models import VisitPhoto

SCORES = [("", "—"), *((str(n), str(n)) for n in range(10, 0, -1))]
FIXED_CHOICES = [
    ("", "—"),
    ("1", _("Fixed")),
    ("0", _("Not fixed: another visit or a factory repair is needed")),
]


class RecordForm(forms.Form):
    diagnosis = forms.CharField(label=_("Diagnosis"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    work_done = forms.CharField(label=_("Work done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    test_result = forms.CharField(label=_("Test result"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    fixed = forms.TypedChoiceField(
        label=_("Fault fixed at this visit?"),
        choices=FIXED_CHOICES,
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    advice = forms.CharField(
        label=_("Advice to the customer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    product_score = forms.ChoiceField(
        label=_("Customer's opinion of the product (1–10)"), choices=SCORES, required=False
    )
    service_score = forms.ChoiceField(
        label=_("Customer's opinion of the service (1–10)"), choices=SCORES, required=False
    )
    opinion = forms.CharField(
        label=_("The customer's words"), required=False, max_length=services.MAX_OPINION, widget=forms.TextInput()
    )

    def __init__(self, *args: object, remote: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if remote:
            self.fields["remote_steps"] = forms.CharField(
                label=_("Steps given by phone or online"), required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
            self.order_fields(["remote_steps"])
        for name in ("diagnosis", "work_done", "test_result", "advice", "opinion", "remote_steps"):
            if name in self.fields:
                self.fields[name].widget.attrs["data-keep"] = "1"  # kept on the phone until saved


class PartForm(forms.Form):
    part_code = forms.CharField(
        label=_("Part code"), max_length=32, widget=forms.TextInput(attrs={"list": "visit-parts"})
    )
    warehouse_id = forms.TypedChoiceField(label=_("Taken from"), coerce=int, choices=[])
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1)

    def __init__(self, *args: object, warehouses: list[tuple[int, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["warehouse_id"].choices = list(warehouses)  # type: ignore[attr-defined]


class PhotoForm(forms.Form):
    stage = forms.ChoiceField(label=_("Photo"), choices=VisitPhoto.Stage.choices)
    file = forms.FileField(
        label=_("Take or choose a photo"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,image/heif", "capture": "environment"}
        ),
    )


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("Name of the person who signs"), max_length=services.MAX_NAME)
    signature = forms.CharField(required=False, widget=forms.HiddenInput())
    use_seal = forms.BooleanField(label=_("Use the photo of the company seal instead"), required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
