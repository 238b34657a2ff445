from django.contrib import admin

from aftersales.feedback.models import (
    Complaint,
    FeedbackRule,
    Incident,
    IncidentLevel,
    IncidentTask,
    Opinion,
    QualityFeedback,
)


@admin.register(FeedbackRule)
class FeedbackRuleAdmin(admin.ModelAdmin):
    """The R-8 knobs: the incident window and threshold, the quality-feedback overdue days and
    the complaint acknowledgement time. One row."""

    list_display = ["window_days", "open_threshold", "quality_overdue_working_days", "complaint_ack_hours"]

    def has_add_permission(self, request: object) -> bool:
        return not FeedbackRule.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


class ReadOnly(admin.ModelAdmin):
    """Written by the services only (counting, levels, deadlines); the admin looks."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnly):
    list_display = ["product_model", "batch", "level", "reports", "status", "opened_at"]
    list_filter = ["status", "level"]


admin.site.register([IncidentLevel, IncidentTask, Complaint, QualityFeedback, Opinion], ReadOnly)
