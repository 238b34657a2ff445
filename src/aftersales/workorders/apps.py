from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "aftersales.workorders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from aftersales.core.subjects import subject_type_register
        from aftersales.workorders.notifications import TOPIC_TYPE, shown_subjects
        from aftersales.workorders.services.hooks import timeline_actions_register

        # Notifications about a work order link to it, for readers who may still see it.
        subject_type_register(TOPIC_TYPE, shown_subjects)
        # The timeline's label of a corrected product (services/product.py, R-8.4).
        timeline_actions_register({"product": _("Product corrected")})
