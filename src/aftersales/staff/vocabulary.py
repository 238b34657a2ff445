"""The access log's words for what the staff services do (``record(verb=...)``)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, Promise] = {
    "staff_profile_create": _("Create staff profile"),
    "staff_profile_update": _("Change staff profile"),
    "certification_add": _("Add certification"),
    "certification_update": _("Change certification"),
}
