from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from aftersales.api.main import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("aftersales.accounts.urls")),
    path("notifications/", include("aftersales.core.urls")),
    path("work-orders/", include("aftersales.workorders.urls")),
    path("sla/", include("aftersales.sla.urls")),
    path("parts/", include("aftersales.parts.urls")),
    path("feedback/", include("aftersales.feedback.urls")),
    path("surveys/", include("aftersales.surveys.urls")),
    path("customer-property/", include("aftersales.parts.property_urls")),
    path("parts/data/", include("aftersales.parts.data_urls")),
    path("repairs/", include("aftersales.repairs.urls")),
    path("field/", include("aftersales.fieldservice.urls")),
    path("staff/", include("aftersales.staff.urls")),
    path("dispatch/", include("aftersales.dispatch.urls")),
    path("customers/", include("aftersales.customers.urls")),
    path("audit/", include("aftersales.audit.urls")),
    path("portal/", include("aftersales.portal.urls")),
    path("", include("aftersales.web.urls")),
]
# No /media/ URL, not even with DEBUG: every stored file (attachments, ARCHITECTURE "Files") is
# served by a view that checks the scope of the record it belongs to.
