"""Dispatch: matching, assignment, approvals and service notices (R-5)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "aftersales.dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from aftersales.audit.vocabulary import VERBS
        from aftersales.dispatch import automatic, vocabulary
        from aftersales.workorders.services.hooks import acknowledged_hooks_register, timeline_actions_register

        VERBS.update({code: label for code, label in vocabulary.VERBS.items() if code not in VERBS})
        timeline_actions_register(vocabulary.WORK_ORDER_TIMELINE)
        acknowledged_hooks_register(automatic.auto_assign_on_acknowledge)
