from django.contrib import admin

from aftersales.customers.models import Contact, Customer, CustomerCategory, InstalledProduct


@admin.register(CustomerCategory)
class CustomerCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "category", "region", "phone")
    list_filter = ("kind", "category", "region")
    search_fields = ("code", "name", "phone")
    inlines = [ContactInline]


@admin.register(InstalledProduct)
class InstalledProductAdmin(admin.ModelAdmin):
    list_display = ("serial_number", "product_model", "customer", "purchase_date", "warranty_end")
    search_fields = ("serial_number", "batch")
    raw_id_fields = ("customer",)
