"""The words of the access log (R-13.2): what each stored code means on the page.

A row stores codes (its record type, the service's verb, the part of a page it was shown on,
the door a log-in came through); the page shows these labels, never the codes. The labels live
here, not in the model's ``choices``: adding a verb then needs no migration of a table that may
hold millions of rows.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# What a change did: the verb of the service that wrote it (``record(verb=...)``). The work-order
# verbs are the state machine's actions (workorders.states.Action), with the same codes.
VERBS: dict[str, Promise] = {
    "acknowledge": _("Acknowledge"),
    "assign": _("Assign"),
    "start": _("Start handling"),
    "wait_customer": _("Wait on customer"),
    "wait_parts": _("Wait on parts"),
    "resume": _("Resume"),
    "resolve": _("Resolve"),
    "confirm": _("Customer confirms"),
    "close": _("Close"),
    "reopen": _("Reopen"),
    "archive": _("Archive"),
    "cancel": _("Cancel work order"),
    "priority": _("Change priority"),
    "note": _("Add note"),
    "update": _("Edit details"),
    "contact_add": _("Add contact"),
    "delete": _("Delete"),
    "revoke": _("Revoke"),
    "revoke_tokens": _("Revoke every API token"),
    "lockout_lift": _("Lift log-in lock"),
    "calendar_seed": _("Load official calendar"),
    "year_confirm": _("Confirm year"),
    "days_add": _("Enter holidays or working days"),
    "sla_extend": _("Extend deadline"),
    # Complaints, quality feedback, opinions and incidents (feedback app, R-8).
    "complaint_read_back": _("Read the complaint back"),
    "complaint_acknowledge": _("Acknowledge the complaint"),
    "complaint_handle": _("Handle the complaint"),
    "complaint_follow_up": _("Record the follow-up call"),
    "quality_step": _("Record quality handling"),
    "quality_close": _("Close quality feedback"),
    "opinion_answer": _("Answer the customer"),
    "incident_task_tick": _("Tick an incident checklist item"),
    "incident_close": _("Close the incident"),
    # Customer property (用户备品) and the parts import (parts app).
    "property_receive": _("Receive customer property"),
    "property_hand_over": _("Hand over customer property"),
    "property_return": _("Return customer property"),
    "property_photos": _("Add photos"),
    "parts_import": _("Import parts"),
    # The service-quality meeting and QA follow-up calls (surveys app, R-9.7, R-8.1).
    "quality_meeting": _("Record the service-quality meeting"),
    "follow_up_call": _("Record a follow-up call"),
}

# Record types that are no model of their own (a model's type is its verbose name).
RECORD_TYPES: dict[str, Promise] = {
    "lockout": _("Log-in lock"),
}

# The part of a record a page or API answer showed (``detail["part"]``), and the admin's pages.
PARTS: dict[str, Promise] = {
    "timeline": _("Timeline"),
    "history": _("Service history"),
    "signature": _("Signature"),
    "changelist": _("Admin list"),
    "change": _("Admin page"),
}

# Where a log-in, log-out or failed log-in came from (``detail["via"]``).
DOORS: dict[str, Promise] = {
    "page": _("Log-in page"),
    "admin": _("Django admin"),
    "api": _("API token"),
}


@cache
def _model_types() -> dict[str, Promise | str]:
    """Every installed model's type code (its ``model_name``, what ``record(obj=...)`` stores) and
    its translated name; ours win over a third-party model of the same name (axes' AccessLog)."""
    models = sorted(apps.get_models(), key=lambda model: model.__module__.startswith("aftersales."))
    return {model._meta.model_name or "": model._meta.verbose_name or "" for model in models}


def record_type_label(code: str) -> Promise | str:
    """The translated name of a record type; the code itself only for a type nobody named."""
    return RECORD_TYPES.get(code) or _model_types().get(code) or code
