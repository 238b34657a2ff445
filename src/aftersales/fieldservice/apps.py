from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldserviceConfig(AppConfig):
    name = "aftersales.fieldservice"
    verbose_name = _("Field service")

    def ready(self) -> None:
        from aftersales.audit.vocabulary import VERBS
        from aftersales.fieldservice import appointment_vocabulary, visit_vocabulary
        from aftersales.workorders.services.hooks import timeline_actions_register

        VERBS.update({code: label for code, label in visit_vocabulary.VERBS.items() if code not in VERBS})
        timeline_actions_register(visit_vocabulary.WORK_ORDER_TIMELINE)
        appointment_vocabulary.register()  # appointments: verbs, timeline lines, reminder job
