"""Page input of customer property (用户备品, R-7.3): types only, the rules live in the services.
Fields are named after the service arguments, so a service's field error lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core.limits import MAX_ID
from aftersales.parts.models.property import CustomerProperty
from aftersales.web.forms import FastSelect, FilterForm, service_required

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input (a phone's camera or gallery)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


def holders() -> list[tuple[str, str]]:
    """The staff who may hold customer property: for the hand-over's choice."""
    perm = Q(codename="change_customerproperty", content_type__app_label="parts")
    from django.contrib.auth.models import Permission

    perms = Permission.objects.filter(perm)
    users = (
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=perms) | Q(user_permissions__in=perms))
        .distinct()
        .order_by("display_name", "username")
    )
    return [(str(u.pk), str(u)) for u in users]


class ReceiveForm(forms.Form):
    work_order = forms.CharField(
        label=_("Work-order number"),
        required=False,
        max_length=32,
        help_text=_("The job it came in for; the customer is taken from it."),
    )
    customer = forms.CharField(
        label=_("Customer number"),
        required=False,
        max_length=32,
        help_text=_("Without a work order: the customer's number."),
    )
    description = service_required(forms.CharField(label=_("Item"), required=False, max_length=200))
    serial_number = forms.CharField(label=_("Serial number"), required=False, max_length=64)
    condition = forms.CharField(
        label=_("Condition when received"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Scratches, missing parts, accessories that came with it."),
    )
    photos = MultiplePhotoField(label=_("Photos"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = gettext("JPEG, PNG or WebP photos, at most %(max)d MB each.") % {
            "max": settings.ATTACHMENT_MAX_MB
        }


class HandOverForm(forms.Form):
    to_user_id = forms.TypedChoiceField(label=_("Hand over to"), coerce=int, choices=(), widget=FastSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, exclude: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(pk, name) for pk, name in holders() if pk != str(exclude)]
        self.fields["to_user_id"].choices = [("", gettext("Choose…")), *choices]  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    returned_to = service_required(
        forms.CharField(
            label=_("Returned to"),
            required=False,
            max_length=64,
            help_text=_("The name of the person who takes the item back."),
        )
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    # The signature pad's PNG as a data: URL (web/assets/web/signature-pad.js); the service checks it.
    signature = service_required(forms.CharField(label=_("Signature"), required=False, widget=forms.HiddenInput))


class PropertyFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CustomerProperty.Status.choices]
    )
    holder = forms.TypedChoiceField(label=_("Held by"), required=False, coerce=int, choices=(), widget=FastSelect)
    customer = forms.IntegerField(
        label=_("Customer"), required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [("", gettext("Anyone")), *holders()]  # type: ignore[attr-defined]
