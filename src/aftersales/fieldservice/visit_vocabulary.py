"""Names of the visit and service-report steps: on the work order's timeline and in the access log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

WORK_ORDER_TIMELINE = {
    "visit_check_in": _("Technician arrived on site"),
    "remote_support": _("Remote support started"),
    "visit_part": _("Part used on the visit"),
    "report_signed": _("Service report signed"),
    "report_submitted": _("Service report submitted"),
    "report_approved": _("Service report approved"),
    "report_returned": _("Service report returned"),
}
VERBS = {
    "visit_record": _("Visit recorded"),
    "visit_part": _("Part used on the visit"),
    "visit_photo": _("Visit photo added"),
    "visit_photo_delete": _("Visit photo removed"),
    "report_sign": _("Service report signed"),
    "report_submit": _("Service report submitted"),
    "report_approve": _("Service report approved"),
    "report_return": _("Service report returned"),
}

# The menu entry of the supervisors' review list (web/context_processors.py).
REPORTS_MENU = _("Service reports")
