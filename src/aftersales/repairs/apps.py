from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "aftersales.repairs"
    verbose_name = _("Return-to-factory repair and shipments")

    def ready(self) -> None:
        from aftersales.audit.vocabulary import VERBS
        from aftersales.core.subjects import subject_type_register
        from aftersales.repairs import vocabulary
        from aftersales.repairs.subjects import repair_order_subjects
        from aftersales.workorders.services.hooks import timeline_actions_register

        VERBS.update({code: label for code, label in vocabulary.VERBS.items() if code not in VERBS})
        subject_type_register("repairorder", repair_order_subjects)
        timeline_actions_register(vocabulary.WORK_ORDER_TIMELINE)
