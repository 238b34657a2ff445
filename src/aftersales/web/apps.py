from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "aftersales.web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from django.contrib import admin

        # The admin's start page shows the missing-calendar warning too (issue: SLA calendar).
        admin.site.index_template = "web/admin_index.html"
