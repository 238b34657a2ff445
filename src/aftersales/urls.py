from django.conf import settings
from django.conf.urls.static import static
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
    path("customers/", include("aftersales.customers.urls")),
    path("audit/", include("aftersales.audit.urls")),
    path("portal/", include("aftersales.portal.urls")),
    path("", include("aftersales.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
