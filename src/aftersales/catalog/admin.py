from django.contrib import admin

from aftersales.catalog.models import FaultCategory, GuidedQuestion, ProductLine, ProductModel


@admin.register(ProductLine)
class ProductLineAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "product_line", "warranty_months", "is_active")
    list_filter = ("product_line", "is_active")
    search_fields = ("code", "name")


class GuidedQuestionInline(admin.TabularInline):
    model = GuidedQuestion
    extra = 1


@admin.register(FaultCategory)
class FaultCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "product_line", "default_priority")
    list_filter = ("product_line", "default_priority")
    inlines = [GuidedQuestionInline]
