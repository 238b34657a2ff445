"""Words for what the dispatch services do: the access log's verbs and the timeline's actions."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, Promise] = {
    "dispatch_propose": _("Propose P1 dispatch"),
    "dispatch_approve": _("Approve P1 dispatch"),
    "dispatch_refuse": _("Refuse P1 dispatch"),
    "dispatch_settings": _("Change dispatch settings"),
    "expert_question": _("Ask a technical expert"),
    "expert_answer": _("Answer as the expert"),
    "service_notice_issue": _("Issue service notice"),
}
WORK_ORDER_TIMELINE: dict[str, Promise] = {
    "dispatch_proposed": _("P1 dispatch proposed"),
    "dispatch_approved": _("P1 dispatch approved"),
    "dispatch_refused": _("P1 dispatch refused"),
    "expert_question": _("Question to the expert"),
    "expert_answer": _("Expert's answer"),
    "service_notice": _("Service notice issued"),
}
