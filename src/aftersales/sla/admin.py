from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from aftersales.sla.clocks import calendar_cache_clear
from aftersales.sla.models import Calendar, CalendarDay, CalendarYear, WorkingPeriod


class _ClearsCalendarCache(admin.ModelAdmin):  # type: ignore[type-arg]
    """Edits here take effect at once in this process (other processes follow the change stamp)."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        super().save_model(request, obj, form, change)
        calendar_cache_clear()

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool) -> None:  # type: ignore[type-arg]
        super().save_formset(request, form, formset, change)
        calendar_cache_clear()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        calendar_cache_clear()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        calendar_cache_clear()


class WorkingPeriodInline(admin.TabularInline):  # type: ignore[type-arg]
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
