from django.contrib import admin

from aftersales.core.models import OutboxMessage, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "recipient", "address", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("address", "subject", "topic")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
