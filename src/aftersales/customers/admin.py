from django import forms
from django.contrib import admin

from aftersales.customers.models import Contact, Customer, CustomerCategory, InstalledProduct
from aftersales.customers.phones import INVALID_PHONE, is_valid_phone, normalise_phone


class CanonicalPhoneForm(forms.ModelForm):
    """The admin writes rows without the services: its phones are stored canonical too (R-1.1)."""

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        canonical = normalise_phone(phone) if phone else ""
        if canonical and not is_valid_phone(canonical):
            raise forms.ValidationError(INVALID_PHONE)
        return canonical


@admin.register(CustomerCategory)
class CustomerCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


class ContactInline(admin.TabularInline):
    model = Contact
    form = CanonicalPhoneForm
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CanonicalPhoneForm
    list_display = ("code", "name", "kind", "category", "region", "phone")
    list_filter = ("kind", "category", "region")
    search_fields = ("code", "name", "phone")
    inlines = [ContactInline]


@admin.register(InstalledProduct)
class InstalledProductAdmin(admin.ModelAdmin):
    list_display = ("serial_number", "product_model", "customer", "purchase_date", "warranty_end")
    search_fields = ("serial_number", "batch")
    raw_id_fields = ("customer",)
