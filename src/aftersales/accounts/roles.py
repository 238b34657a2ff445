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
SEE_ALL = ["workorders.view_all_workorders"]
CONTACT_DETAILS = ["customers.view_contact_details"]
ARCHIVE_WRITE = [
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_installedproduct",
    "customers.change_installedproduct",
]
DESK = [  # take, route, handle and close requests
    "workorders.add_workorder",
    "workorders.assign_workorder",
    "workorders.handle_workorder",
    "workorders.close_workorder",
    "workorders.record_communication",
]
OVERSIGHT = ["audit.view_accesslog", "audit.export_records", "core.view_outbox", "core.retry_outbox"]
# SLA compliance and the working-calendar page (granted by sla migration 0005).
SLA_ADMIN = [
    "sla.view_compliance",
    "sla.change_calendarday",
    "sla.add_calendarday",
    "sla.delete_calendarday",
    "sla.change_workingperiod",
]
# The SLA policy page: administrators edit the policies and their target rules (sla
# migration 0011).
SLA_POLICIES = ["sla.view_slapolicy", "sla.add_slapolicy", "sla.change_slapolicy"]
# The log-in lock-outs page: see and lift lock-outs (django-axes' rows; accounts migration 0005).
LOCKOUTS = ["axes.view_accessattempt", "axes.delete_accessattempt"]
# Spare parts (R-7; parts migration 0001). Without parts.view_stock a holder of reserve_part (a
# technician) sees and takes from his own van and the central and branch stores only.
PARTS_READ = ["parts.view_part", "parts.view_warehouse", "parts.view_stock"]
PARTS_RESERVE = ["parts.view_part", "parts.reserve_part"]
PARTS_CHARGE = ["parts.override_charge"]
PARTS_ADMIN = [
    "parts.add_part",
    "parts.change_part",
    "parts.add_warehouse",
    "parts.change_warehouse",
    "parts.move_stock",
    "parts.receive_reorder_alert",
]
# Customer property in our care (用户备品, R-7.3; parts migration 0002): who keeps items receives,
# hands over and returns what they hold; the desk sees and handles every item. Importing the
# catalogue and opening stock, and exporting stock, are separate permissions.
PROPERTY_KEEP = ["parts.view_customerproperty", "parts.add_customerproperty", "parts.change_customerproperty"]
PROPERTY_ALL = [*PROPERTY_KEEP, "parts.view_all_customerproperty", "parts.manage_customerproperty"]
PARTS_DATA = ["parts.import_parts", "parts.export_stock"]
# Return-to-factory repair and shipments (R-6.5, R-6.6; repairs migration 0002): the desk
# creates, receives, assigns and ships; technicians and experts repair; QA inspects.
REPAIRS_READ = [
    "repairs.view_repairorder",
    "repairs.view_all_repairorders",
    "repairs.view_shipment",
    "repairs.view_all_shipments",
]
REPAIRS_DESK = [
    *REPAIRS_READ,
    "repairs.add_repairorder",
    "repairs.manage_repairorder",
    "repairs.add_shipment",
    "repairs.confirm_shipment_delivery",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [
        *STAFF_READ,
        *SEE_ALL,
        *CONTACT_DETAILS,
        *ARCHIVE_WRITE,
        *DESK,
        *OVERSIGHT,
        *SLA_ADMIN,
        *SLA_POLICIES,
        *LOCKOUTS,
        *PARTS_READ,
        *PARTS_RESERVE,
        *PARTS_CHARGE,
        *PARTS_ADMIN,
        *PROPERTY_ALL,
        *PARTS_DATA,
        *REPAIRS_DESK,
        "repairs.repair_repairorder",
        "repairs.inspect_repairorder",
    ],
    Role.AGENT: [
        *STAFF_READ,
        *SEE_ALL,
        *CONTACT_DETAILS,
        *ARCHIVE_WRITE,
        *DESK,
        *PARTS_READ,
        *PARTS_RESERVE,
        *PARTS_CHARGE,
        *PROPERTY_ALL,
        *REPAIRS_DESK,
    ],
    Role.DISPATCHER: [
        *STAFF_READ,
        *SEE_ALL,
        *CONTACT_DETAILS,
        "workorders.add_workorder",
        "workorders.assign_workorder",
        "workorders.record_communication",
        *REPAIRS_DESK,
    ],
    # A technician sees the jobs assigned to them (scope) and needs the address to go there.
    Role.TECHNICIAN: [
        *STAFF_READ,
        *CONTACT_DETAILS,
        "workorders.handle_workorder",
        "workorders.record_communication",
        *PARTS_RESERVE,
        *PROPERTY_KEEP,
        "repairs.view_repairorder",
        "repairs.repair_repairorder",
        "repairs.view_shipment",
    ],
    Role.EXPERT: [
        *STAFF_READ,
        *SEE_ALL,
        "workorders.handle_workorder",
        "workorders.record_communication",
        *REPAIRS_READ,
        "repairs.repair_repairorder",
    ],
    Role.QA: [
        *STAFF_READ,
        *SEE_ALL,
        *CONTACT_DETAILS,
        "workorders.record_communication",
        *REPAIRS_READ,
        "repairs.inspect_repairorder",
        *PROPERTY_KEEP,
    ],
    Role.SUPERVISOR: [
        *STAFF_READ,
        *SEE_ALL,
        *CONTACT_DETAILS,
        *ARCHIVE_WRITE,
        *DESK,
        "workorders.archive_workorder",
        *OVERSIGHT,
        *SLA_ADMIN,
        *PARTS_READ,
        *PARTS_RESERVE,
        *PARTS_CHARGE,
        *PARTS_ADMIN,
        *PROPERTY_ALL,
        *PARTS_DATA,
        *REPAIRS_DESK,
    ],
    Role.EXECUTIVE: [
        *STAFF_READ,
        *SEE_ALL,
        "audit.view_accesslog",
        "sla.view_compliance",
        *PARTS_READ,
        *REPAIRS_READ,
        "parts.view_customerproperty",
        "parts.view_all_customerproperty",
    ],
    Role.QUALITY: [*STAFF_READ, *SEE_ALL, *REPAIRS_READ],
    # A customer reaches only their own organisation's records, through the portal.
    Role.CUSTOMER: ["workorders.submit_request", "workorders.confirm_own_workorder"],
}

# Customer satisfaction (R-9; surveys migration 0002): the desk and QA record phone surveys;
# supervisors, executives, QA and quality see the scores; administrators keep the abusive-word
# list. Technicians see no scores (not even their own: a score is the team's, R-9.6).
SURVEYS_RECORD = ["surveys.record_phone_survey"]
SURVEYS_SCORES = ["surveys.view_scores"]
SURVEYS_IMPROVE = ["surveys.manage_improvement"]  # the improvement items (R-9.7; surveys migration 0004)
SURVEYS_CALLS = ["surveys.make_follow_up_call"]  # QA follow-up calls (R-8.1; surveys migration 0008)
SURVEYS_WORDS = [
    "surveys.view_abusiveword",
    "surveys.add_abusiveword",
    "surveys.change_abusiveword",
    "surveys.delete_abusiveword",
]
for _role, _codenames in {
    Role.ADMIN: [*SURVEYS_RECORD, *SURVEYS_SCORES, *SURVEYS_WORDS, *SURVEYS_IMPROVE, *SURVEYS_CALLS],
    Role.AGENT: SURVEYS_RECORD,
    Role.QA: [*SURVEYS_RECORD, *SURVEYS_SCORES, *SURVEYS_IMPROVE, *SURVEYS_CALLS],
    Role.SUPERVISOR: [*SURVEYS_RECORD, *SURVEYS_SCORES, *SURVEYS_IMPROVE, *SURVEYS_CALLS],
    Role.EXECUTIVE: SURVEYS_SCORES,
    Role.QUALITY: SURVEYS_SCORES,
}.items():
    ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS[_role], *_codenames]

# Complaints, feedback and batch incidents (R-8; feedback migration 0002 grants the same).
FEEDBACK_GRANTS: dict[str, list[str]] = {
    Role.ADMIN: [
        "view_incident",
        "manage_incident",
        "add_complaint",
        "handle_complaint",
        "follow_up_complaint",
        "raise_qualityfeedback",
        "view_qualityfeedback",
        "handle_qualityfeedback",
        "add_opinion",
        "view_opinion",
        "change_opinion",
        "view_feedbackrule",
        "change_feedbackrule",
    ],
    Role.AGENT: ["add_complaint", "raise_qualityfeedback", "add_opinion", "view_opinion", "change_opinion"],
    Role.DISPATCHER: ["raise_qualityfeedback", "add_opinion", "view_opinion"],
    Role.TECHNICIAN: ["raise_qualityfeedback"],
    Role.EXPERT: ["view_incident", "raise_qualityfeedback"],
    Role.QA: ["follow_up_complaint", "raise_qualityfeedback", "view_opinion"],
    Role.SUPERVISOR: [
        "view_incident",
        "add_complaint",
        "handle_complaint",
        "follow_up_complaint",
        "raise_qualityfeedback",
        "view_qualityfeedback",
        "add_opinion",
        "view_opinion",
        "change_opinion",
    ],
    Role.EXECUTIVE: ["view_incident", "manage_incident", "view_qualityfeedback", "view_opinion"],
    Role.QUALITY: [
        "view_incident",
        "raise_qualityfeedback",
        "view_qualityfeedback",
        "handle_qualityfeedback",
        "view_opinion",
    ],
}
for _feedback_role, _feedback_codenames in FEEDBACK_GRANTS.items():
    ROLE_PERMISSIONS[_feedback_role] = [
        *ROLE_PERMISSIONS[_feedback_role],
        *(f"feedback.{codename}" for codename in _feedback_codenames),
    ]

# Appointments (R-6.1; fieldservice migration 0002 grants the same): dispatchers and supervisors
# book, reschedule and cancel; the desk, QA, quality and executives see every appointment; a
# technician sees their own (scope); a customer their organisation's through the portal.
APPOINTMENTS_READ = ["view_appointment", "view_all_appointments"]
APPOINTMENTS_MANAGE = [*APPOINTMENTS_READ, "manage_appointment"]
APPOINTMENT_GRANTS: dict[str, list[str]] = {
    Role.ADMIN: APPOINTMENTS_MANAGE,
    Role.DISPATCHER: APPOINTMENTS_MANAGE,
    Role.SUPERVISOR: APPOINTMENTS_MANAGE,
    Role.AGENT: APPOINTMENTS_READ,
    Role.QA: APPOINTMENTS_READ,
    Role.QUALITY: APPOINTMENTS_READ,
    Role.EXECUTIVE: APPOINTMENTS_READ,
    Role.TECHNICIAN: ["view_appointment"],
}
for _appt_role, _appt_codenames in APPOINTMENT_GRANTS.items():
    ROLE_PERMISSIONS[_appt_role] = [
        *ROLE_PERMISSIONS[_appt_role],
        *(f"fieldservice.{codename}" for codename in _appt_codenames),
    ]

# Staff profiles and certifications (R-10.1; staff migration 0002 grants the same): supervisors
# and administrators maintain them, dispatchers and executives see them; anyone else sees their own.
STAFF_GRANTS: dict[str, list[str]] = {
    Role.ADMIN: ["view_staffprofile", "manage_staffprofile"],
    Role.SUPERVISOR: ["view_staffprofile", "manage_staffprofile"],
    Role.DISPATCHER: ["view_staffprofile"],
    Role.EXECUTIVE: ["view_staffprofile"],
}
for _staff_role, _staff_codenames in STAFF_GRANTS.items():
    ROLE_PERMISSIONS[_staff_role] = [
        *ROLE_PERMISSIONS[_staff_role],
        *(f"staff.{codename}" for codename in _staff_codenames),
    ]

# Visits and service reports (R-6.2–; fieldservice migration 0004 grants the same):
# technicians record their own visits, supervisors review the reports, the desk and oversight
# roles see every visit.
VISIT_SEE_ALL = ["view_visit", "view_all_visits"]
VISIT_GRANTS: dict[str, list[str]] = {
    Role.ADMIN: [*VISIT_SEE_ALL, "review_visit"],
    Role.SUPERVISOR: [*VISIT_SEE_ALL, "review_visit"],
    Role.TECHNICIAN: ["view_visit", "record_visit"],
    Role.DISPATCHER: VISIT_SEE_ALL,
    Role.AGENT: VISIT_SEE_ALL,
    Role.QA: VISIT_SEE_ALL,
    Role.QUALITY: VISIT_SEE_ALL,
    Role.EXECUTIVE: VISIT_SEE_ALL,
}
for _visit_role, _visit_codenames in VISIT_GRANTS.items():
    ROLE_PERMISSIONS[_visit_role] = [
        *ROLE_PERMISSIONS[_visit_role],
        *(f"fieldservice.{codename}" for codename in _visit_codenames),
    ]

# P1 dispatch approval (R-5.1; dispatch migration 0002 grants the same): supervisors approve or
# refuse and switch automatic dispatch (migration 0003); dispatchers see what waits.
DISPATCH_GRANTS: dict[str, list[str]] = {
    Role.ADMIN: ["approve_dispatch", "view_dispatchapproval", "change_dispatchsettings", "view_dispatchsettings"],
    Role.SUPERVISOR: ["approve_dispatch", "view_dispatchapproval", "change_dispatchsettings", "view_dispatchsettings"],
    Role.DISPATCHER: ["view_dispatchapproval"],
}
for _dispatch_role, _dispatch_codenames in DISPATCH_GRANTS.items():
    ROLE_PERMISSIONS[_dispatch_role] = [
        *ROLE_PERMISSIONS[_dispatch_role],
        *(f"dispatch.{codename}" for codename in _dispatch_codenames),
    ]
