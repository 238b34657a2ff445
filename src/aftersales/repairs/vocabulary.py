"""The access log's words for what the repair services do (``record(verb=...)``), added to
``audit.vocabulary.VERBS`` when the app is ready: the codes are the state table's actions."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, Promise] = {
    "receive": _("Receive for repair"),
    "reassign": _("Reassign repairer"),
    "diagnose": _("Record diagnosis"),
    "repair_done": _("Repair done"),
    "inspect_pass": _("QA passed"),
    "inspect_fail": _("QA failed"),
    "ship": _("Ship back"),
    "agree": _("Agree new repair date"),
    "deliver": _("Confirm delivery"),
}
