from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only (R-13.2, R-13.3): the log is append-only, so the admin offers neither add,
    change nor delete; viewing needs ``audit.view_accesslog``."""

    list_display = ("at", "actor", "action", "verb", "object_type", "object_id", "object_repr", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "object_repr", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
