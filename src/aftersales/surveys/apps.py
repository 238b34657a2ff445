from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "aftersales.surveys"
    verbose_name = _("Customer satisfaction")

    def ready(self) -> None:
        from aftersales.audit.vocabulary import VERBS

        # The access log's verbs of this app that audit.vocabulary does not list itself.
        VERBS.setdefault("survey_sample", _("Draw the monthly sample"))


# The access log's labels of this app's verbs (audit.vocabulary.VERBS) are translated in this
# app's catalogue, which makemessages fills from here.
AUDIT_VERB_LABELS = [
    _("Record the service-quality meeting"),
    _("Record a follow-up call"),
    _("Draw the monthly sample"),
]
