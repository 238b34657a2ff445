"""The roles of SPEC.md ("Users and roles"), each a Django group with permissions.

Group names are these codes; the migration ``0002_roles`` creates them with their permissions.
Services check permissions (``user.has_perm``), not role names, so an administrator can
change what a role may do without touching code.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    AGENT = "agent", _("Customer service agent")
    DISPATCHER = "dispatcher", _("Dispatcher")
    TECHNICIAN = "technician", _("Field technician")
    EXPERT = "expert", _("Technical expert")
    QA = "qa", _("QA inspector")
    SUPERVISOR = "supervisor", _("Supervisor")
    EXECUTIVE = "executive", _("Executive")
    QUALITY = "quality", _("Quality department")
    CUSTOMER = "customer", _("Customer")


# Permission codenames ("app_label.codename") each role holds. The migration that creates the
# groups reads this table; later migrations re-apply it when it changes.
STAFF_READ = [
    "customers.view_customer",
    "customers.view_installedproduct",
    "catalog.view_productmodel",
    "workorders.view_workorder",
]
# SLA compliance and the working-calendar page (granted by sla migration 0005).
SLA_ADMIN = [
    "sla.view_compliance",
    "sla.change_calendarday",
    "sla.add_calendarday",
    "sla.delete_calendarday",
    "sla.change_workingperiod",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [
        *STAFF_READ,
        "workorders.view_all_workorders",
        "customers.view_contact_details",
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_installedproduct",
        "customers.change_installedproduct",
        "workorders.add_workorder",
        "workorders.assign_workorder",
        "workorders.handle_workorder",
        "workorders.close_workorder",
        "workorders.record_communication",
        "audit.view_accesslog",
        "audit.export_records",
        "core.view_outbox",
        "core.retry_outbox",
        *SLA_ADMIN,
    ],
    Role.AGENT: [
        *STAFF_READ,
        "workorders.view_all_workorders",
        "customers.view_contact_details",
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_installedproduct",
        "customers.change_installedproduct",
        "workorders.add_workorder",
        "workorders.assign_workorder",
        "workorders.handle_workorder",
        "workorders.close_workorder",
        "workorders.record_communication",
    ],
    Role.DISPATCHER: [
        *STAFF_READ,
        "workorders.view_all_workorders",
        "customers.view_contact_details",
        "workorders.add_workorder",
        "workorders.assign_workorder",
        "workorders.record_communication",
    ],
    Role.TECHNICIAN: [
        *STAFF_READ,
        "customers.view_contact_details",
        "workorders.handle_workorder",
        "workorders.record_communication",
    ],
    Role.EXPERT: [
        *STAFF_READ,
        "workorders.view_all_workorders",
        "workorders.handle_workorder",
        "workorders.record_communication",
    ],
    Role.QA: [
        *STAFF_READ,
        "workorders.view_all_workorders",
        "customers.view_contact_details",
        "workorders.record_communication",
    ],
    Role.SUPERVISOR: [
        *STAFF_READ,
        "workorders.view_all_workorders",
        "customers.view_contact_details",
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_installedproduct",
        "customers.change_installedproduct",
        "workorders.add_workorder",
        "workorders.assign_workorder",
        "workorders.handle_workorder",
        "workorders.close_workorder",
        "workorders.record_communication",
        "workorders.archive_workorder",
        "audit.view_accesslog",
        "audit.export_records",
        "core.view_outbox",
        "core.retry_outbox",
        *SLA_ADMIN,
    ],
    Role.EXECUTIVE: [*STAFF_READ, "workorders.view_all_workorders", "audit.view_accesslog", "sla.view_compliance"],
    Role.QUALITY: [*STAFF_READ, "workorders.view_all_workorders"],
    # A customer reaches only their own organisation's records, through the portal.
    Role.CUSTOMER: ["workorders.submit_request", "workorders.confirm_own_workorder"],
}
