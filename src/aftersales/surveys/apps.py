from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "aftersales.surveys"
    verbose_name = _("Customer satisfaction")


# The access log's labels of this app's verbs (audit.vocabulary.VERBS) are translated in this
# app's catalogue, which makemessages fills from here.
AUDIT_VERB_LABELS = [
    _("Record the service-quality meeting"),
    _("Record a follow-up call"),
]
