"""Page input parsing for the working-calendar page (rules live in services)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.sla.models import CLOCK_CHOICES, PRIORITY_CHOICES, AppliesWhen, DayKind, TargetKind
from aftersales.sla.timeline import MAX_YEAR, MIN_YEAR
from aftersales.web.forms import FilterForm


def _this_year() -> int:
    return timezone.localdate().year


class CalendarFilterForm(FilterForm):
    """Which calendar and year the calendar page shows; the exception forms post the year back."""

    calendar = forms.TypedChoiceField(label=_("Calendar"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR, initial=_this_year
    )

    def __init__(self, *args: Any, calendars: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["calendar"]).choices = [("", ""), *((c.pk, c.name) for c in calendars)]


class CalendarDaysForm(forms.Form):
    """A run of days of one kind: a year's holidays and make-up days, or the company's own days."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices, initial=DayKind.HOLIDAY)
    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        required=False,
        help_text=_("For example Spring Festival, National Day or the annual meeting."),
    )
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class WorkingPeriodForm(forms.Form):
    """One span of working hours; the service refuses an end before the start and overlaps."""

    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


class PreviewForm(forms.Form):
    """The intake page's promise sentence: what the agent has chosen so far."""

    priority = forms.CharField(max_length=8)
    # ISO 8601; a time without an offset is local (Asia/Shanghai), as typed in a form.
    received_at = forms.DateTimeField(required=False)
    service_type = forms.CharField(max_length=16, required=False)
    customer_id = forms.IntegerField(required=False, min_value=1)
    installed_product_id = forms.IntegerField(required=False, min_value=1)


class ComplianceForm(FilterForm):
    """The months of the compliance page; a bad or missing month is the default range's."""

    month_from = forms.DateField(
        label=_("From month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    month_to = forms.DateField(
        label=_("To month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )


# ---- the SLA policy page: input parsing only, the rules live in policy_services ----
def _choices(rows: Iterable[Any], empty: Any) -> list[tuple[Any, Any]]:
    return [("", empty), *((row.pk, str(row)) for row in rows)]


class PolicyForm(forms.Form):
    """A policy's fields; the ids are the service's (``customer_category_id`` …)."""

    name = forms.CharField(label=_("Name"), max_length=64)
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES)
    customer_category_id = forms.TypedChoiceField(
        label=_("Customer category"), required=False, coerce=int, empty_value=None
    )
    product_line_id = forms.TypedChoiceField(label=_("Product line"), required=False, coerce=int, empty_value=None)
    service_type = forms.ChoiceField(label=_("Service type"), required=False)
    calendar_id = forms.TypedChoiceField(label=_("Working calendar"), required=False, coerce=int, empty_value=None)
    warn_at_percent = forms.IntegerField(
        label=_("Warn at (% of the time)"),
        min_value=1,
        max_value=99,
        initial=80,
        help_text=_("R-4.7: the handler is warned when this share of a target's time is used."),
    )
    pause_waiting_customer = forms.BooleanField(
        label=_("The clock stops while waiting on the customer"), required=False, initial=True
    )
    pause_waiting_parts = forms.BooleanField(label=_("The clock stops while waiting on parts"), required=False)

    def __init__(
        self,
        *args: Any,
        categories: Iterable[Any] = (),
        lines: Iterable[Any] = (),
        calendars: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        from aftersales.catalog.models import ServiceType

        super().__init__(*args, **kwargs)
        any_ = _("Any")
        cast(forms.ChoiceField, self.fields["customer_category_id"]).choices = _choices(categories, any_)
        cast(forms.ChoiceField, self.fields["product_line_id"]).choices = _choices(lines, any_)
        cast(forms.ChoiceField, self.fields["service_type"]).choices = [("", any_), *ServiceType.choices]
        cast(forms.ChoiceField, self.fields["calendar_id"]).choices = _choices(calendars, _("The default calendar"))


class PolicyEditForm(PolicyForm):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("The most specific active policy that fits a request gives its targets."),
    )


class RuleForm(forms.Form):
    """One target rule; hours and minutes or working days, as the clock counts (the service says
    which it needs)."""

    kind = forms.ChoiceField(label=_("Target"), choices=TargetKind.choices)
    applies_when = forms.ChoiceField(label=_("For requests"), choices=AppliesWhen.choices, initial=AppliesWhen.ALWAYS)
    clock = forms.ChoiceField(label=_("Counted"), choices=CLOCK_CHOICES, initial="wall")
    hours = forms.IntegerField(label=_("Hours"), required=False, min_value=0, max_value=9999)
    minutes = forms.IntegerField(label=_("Minutes"), required=False, min_value=0, max_value=59)
    days = forms.IntegerField(label=_("Working days"), required=False, min_value=0, max_value=999)

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        hours, minutes = data.get("hours"), data.get("minutes")
        seconds = None if hours is None and minutes is None else ((hours or 0) * 60 + (minutes or 0)) * 60
        return {
            "kind": data["kind"],
            "applies_when": data["applies_when"],
            "clock": data["clock"],
            "duration_seconds": seconds,
            "duration_days": data.get("days"),
        }

    @classmethod
    def for_rule(cls, rule: Any, **kwargs: Any) -> RuleForm:
        seconds = rule.duration_seconds or 0
        initial = {"kind": rule.kind, "applies_when": rule.applies_when, "clock": rule.clock}
        if rule.clock == "working_days":
            initial["days"] = rule.duration_days
        else:
            initial["hours"], initial["minutes"] = divmod(seconds // 60, 60)
        return cls(initial=initial, **kwargs)


class PolicyPreviewForm(forms.Form):
    """A sample request for the preview on the policy page."""

    received_at = forms.DateTimeField(
        label=_("Received at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES)
    service_type = forms.ChoiceField(label=_("Service type"), required=False)
    customer_category_id = forms.TypedChoiceField(
        label=_("Customer category"), required=False, coerce=int, empty_value=None
    )
    product_line_id = forms.TypedChoiceField(label=_("Product line"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, categories: Iterable[Any] = (), lines: Iterable[Any] = (), **kwargs: Any) -> None:
        from aftersales.catalog.models import ServiceType

        super().__init__(*args, **kwargs)
        any_ = _("Any")
        cast(forms.ChoiceField, self.fields["service_type"]).choices = [("", any_), *ServiceType.choices]
        cast(forms.ChoiceField, self.fields["customer_category_id"]).choices = _choices(categories, any_)
        cast(forms.ChoiceField, self.fields["product_line_id"]).choices = _choices(lines, any_)
