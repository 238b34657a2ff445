"""Page input of staff profiles and certifications: parsing only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Team
from aftersales.catalog.models import FaultCategory, ProductLine
from aftersales.core.limits import MAX_DAY, MIN_DAY
from aftersales.core.models import Region
from aftersales.sla.models import Calendar
from aftersales.web.forms import service_required

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False)
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions served"),
        queryset=Region.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills (fault categories)"),
        queryset=FaultCategory.objects.select_related("product_line").order_by("product_line__name", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    is_senior = forms.BooleanField(label=_("Senior technician (may be proposed for P1)"), required=False)
    calendar = forms.ModelChoiceField(
        label=_("Working calendar"),
        queryset=Calendar.objects.all(),
        required=False,
        empty_label=_("The company's default calendar"),
    )
    daily_capacity = service_required(forms.IntegerField(label=_("Jobs per day"), initial=4, required=False))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "team_id": data["team"].pk if data["team"] else None,
            "region_ids": [r.pk for r in data["regions"]],
            "skill_ids": [s.pk for s in data["skills"]],
            "is_senior": bool(data["is_senior"]),
            "calendar_id": data["calendar"].pk if data["calendar"] else None,
            "daily_capacity": data["daily_capacity"],
        }


class NewProfileForm(ProfileForm):
    user: forms.ModelChoiceField[Any] = service_required(
        forms.ModelChoiceField(label=_("Member of staff"), queryset=None, required=False)
    )
    field_order = ["user"]

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        user = self.cleaned_data["user"]
        return {"user_id": user.pk if user else None, **super().values()}


def _day_field(label: Any) -> forms.DateField:
    return service_required(forms.DateField(label=label, required=False, widget=DATE))


class CertificationForm(forms.Form):
    number = service_required(forms.CharField(label=_("Certificate number"), max_length=64, required=False))
    exam_date = _day_field(_("Exam date"))
    score = service_required(forms.IntegerField(label=_("Exam score"), required=False))
    valid_until = _day_field(_("Valid until (last day)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("exam_date", "valid_until"):
            day = data.get(name)
            if day is not None and not MIN_DAY <= day <= MAX_DAY:
                self.add_error(name, _("Enter a date between %(min)s and %(max)s.") % {"min": MIN_DAY, "max": MAX_DAY})
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("number", "exam_date", "score", "valid_until")}


class NewCertificationForm(CertificationForm):
    product_line = service_required(
        forms.ModelChoiceField(label=_("Product line"), queryset=ProductLine.objects.order_by("name"), required=False)
    )
    field_order = ["product_line"]

    def values(self) -> dict[str, Any]:
        line = self.cleaned_data["product_line"]
        return {"product_line_id": line.pk if line else None, **super().values()}


class ListFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("code"), required=False, empty_label=_("All regions")
    )
    product_line = forms.ModelChoiceField(
        label=_("Certified for"),
        queryset=ProductLine.objects.order_by("name"),
        required=False,
        empty_label=_("All product lines"),
    )
    q = forms.CharField(label=_("Name"), max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )
