from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "aftersales.staff"
    verbose_name = _("Staff and certifications")

    def ready(self) -> None:
        from aftersales.audit.vocabulary import VERBS
        from aftersales.staff import eligibility, vocabulary
        from aftersales.workorders.services.hooks import assign_checks_register

        VERBS.update({code: label for code, label in vocabulary.VERBS.items() if code not in VERBS})
        assign_checks_register(eligibility.assign_check)
