from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FeedbackConfig(AppConfig):
    name = "aftersales.feedback"
    verbose_name = _("Complaints and feedback")

    def ready(self) -> None:
        from aftersales.core.subjects import subject_type_register
        from aftersales.feedback.notifications import INCIDENT_TOPIC, QUALITY_TOPIC, incident_subjects, quality_subjects

        # Notifications about an incident or a quality form link to it, for readers who may see it.
        subject_type_register(INCIDENT_TOPIC, incident_subjects)
        subject_type_register(QUALITY_TOPIC, quality_subjects)


# The access log's labels of this app's verbs (audit.vocabulary.VERBS) are translated in this
# app's catalogue, which makemessages fills from here.
AUDIT_VERB_LABELS = [
    _("Read the complaint back"),
    _("Acknowledge the complaint"),
    _("Handle the complaint"),
    _("Record the follow-up call"),
    _("Record quality handling"),
    _("Close quality feedback"),
    _("Answer the customer"),
    _("Tick an incident checklist item"),
    _("Close the incident"),
]
# The navigation's entries for this app's pages (web.context_processors), translated here too.
NAV_LABELS = [
    pgettext_lazy("navigation", "Feedback"),
    pgettext_lazy("navigation", "Batch incidents"),
    pgettext_lazy("navigation", "Quality feedback"),
    pgettext_lazy("navigation", "Opinions and praise"),
]
