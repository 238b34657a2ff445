from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ApiToken, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "phone", "region", "team", "customer", "is_active")
    list_filter = ("groups", "region", "team", "is_active")
    search_fields = ("username", "display_name", "email", "phone")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Aftersales"), {"fields": ("display_name", "phone", "region", "team", "customer")}),
    )
    raw_id_fields = ("customer",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "region")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at", "expires_at")
    raw_id_fields = ("user",)
