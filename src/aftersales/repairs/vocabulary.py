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
    "use_part": _("Use a part in a repair"),
    "photo": _("Add a photo on arrival"),
}

# The lines this app writes on a work order's timeline (workorders' work_order_event_record).
WORK_ORDER_TIMELINE: dict[str, Promise] = {
    "repair_create": _("Sent to the factory for repair"),
    "repair_receive": _("Received at the factory"),
    "repair_assign": _("Factory repairer named"),
    "repair_reassign": _("Factory repairer changed"),
    "repair_diagnose": _("Factory diagnosis"),
    "repair_use_part": _("Part used in the factory repair"),
    "repair_repair_done": _("Factory repair done"),
    "repair_inspect_pass": _("Factory QA passed"),
    "repair_inspect_fail": _("Factory QA failed"),
    "repair_ship": _("Repaired product shipped back"),
    "repair_deliver": _("Repaired product delivered"),
    "repair_agreement": _("New repair date agreed"),
    "shipment_sent": _("Parcel sent"),
    "shipment_delivered": _("Parcel delivered"),
}
