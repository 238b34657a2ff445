from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.models import (
    Calendar,
    CalendarDay,
    CalendarYear,
    SlaBreach,
    SlaExtension,
    WorkingPeriod,
    WorkOrderTarget,
)


class _ClearsCalendarCache(admin.ModelAdmin):
    """Edits here take effect at once in this process (other processes follow the change stamp)."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        calendar_cache_clear()

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        calendar_cache_clear()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        calendar_cache_clear()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        calendar_cache_clear()


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    extra = 0
    min_num = 1
    fields = ["start", "end"]


@admin.register(Calendar)
class CalendarAdmin(_ClearsCalendarCache):
    list_display = ["name", "is_default", "updated_at"]
    inlines = [WorkingPeriodInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(_ClearsCalendarCache):
    list_display = ["date", "is_working", "name", "source", "calendar", "updated_at"]
    list_filter = ["source", "is_working", "calendar"]
    date_hierarchy = "date"
    search_fields = ["name"]
    readonly_fields = ["created_by", "updated_at"]

    def has_change_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        # Official rows belong to the seeding; an administrator overrides them with a company row.
        if obj is not None and obj.source == "official":
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        if obj is not None and obj.source == "official":
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(_ClearsCalendarCache):
    list_display = ["year", "package_version", "confirmed_by", "updated_at"]
    readonly_fields = ["updated_at"]


# SLA policies and their rules are edited on the policy page (sla:policies, R-4.9), in hours,
# minutes and working days with validation in words: not here, in seconds.


class _ReadOnly(admin.ModelAdmin):
    """Targets, breaches and extensions are written by the services only (with timeline and audit)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkOrderTarget)
class WorkOrderTargetAdmin(_ReadOnly):
    list_display = ["work_order", "kind", "clock", "due_at", "met_at", "breached", "extended", "paused_at"]
    list_filter = ["kind", "breached", "extended"]
    list_select_related = ["work_order"]
    raw_id_fields = ["work_order"]


@admin.register(SlaBreach)
class SlaBreachAdmin(_ReadOnly):
    list_display = ["work_order", "kind", "due_at", "met_at", "overdue_seconds", "assignee", "team"]
    list_filter = ["kind"]
    list_select_related = ["work_order", "assignee", "team"]


@admin.register(SlaExtension)
class SlaExtensionAdmin(_ReadOnly):
    list_display = ["target", "old_due_at", "new_due_at", "agreed_with", "agreed_at", "channel", "recorded_by"]
