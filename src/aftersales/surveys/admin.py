from django.contrib import admin

from aftersales.surveys.models import AbusiveWord


@admin.register(AbusiveWord)
class AbusiveWordAdmin(admin.ModelAdmin):
    list_display = ["word", "created_at"]
    search_fields = ["word"]
