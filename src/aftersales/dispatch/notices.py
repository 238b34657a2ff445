"""Service notices (售后服务通知单, R-5.3): the dispatcher issues one for an on-site job; it is
numbered ``SN-YYYY-NNNNNN`` (gap-free, core.numbering, like work orders), printed as one A4 page
(notice_documents) and sent to the technicians and, as a short SMS, to the customer
(notice_notifications).

Who issues: whoever may assign work orders (``workorders.assign_workorder``: dispatchers and
supervisors, as ``dispatch_assign``). The lead technician is the work order's assignee; helpers
are other active field technicians, each meeting the same assignment checks (the staff app's
certification rule, R-5.2). What the notice shows is frozen in its snapshot. Issuing again gives
a new number and marks the earlier notice superseded.

Who reads (one scope, pages and API alike): staff who see the work order (dispatchers,
supervisors, executives — read only — and the others who see every work order), a technician the
notices of the work orders assigned to him and the current notices he helps on; customers never.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.masking import mask_phone
from aftersales.core.numbering import next_number
from aftersales.customers.masking import mask_address, may_see
from aftersales.dispatch.errors import DispatchErrorCode
from aftersales.dispatch.models import ServiceNotice, ServiceNoticePart
from aftersales.dispatch.proposals import may_dispatch
from aftersales.fieldservice.appointment_services import technician_queryset
from aftersales.fieldservice.models import Appointment, AppointmentStatus
from aftersales.parts.models import Part
from aftersales.workorders import services as work_orders
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.selectors import is_portal_user, work_order_scope
from aftersales.workorders.services.hooks import assign_checks_run
from aftersales.workorders.states import OPEN_STATUSES

PREFIX = "SN"
MAX_TOOLS = 1000
MAX_HELPERS = 5
MAX_PART_LINES = 20
MAX_QUANTITY = 999


# ---- reads ---------------------------------------------------------------------------------


def notice_scope(*, actor: Any) -> QuerySet[ServiceNotice]:
    """The notices ``actor`` may read: those of the work orders they see, plus the current
    notices a technician helps on. Customers: none."""
    if not getattr(actor, "is_authenticated", False) or is_portal_user(actor):
        return ServiceNotice.objects.none()
    if not actor.has_perm("workorders.view_workorder"):
        return ServiceNotice.objects.none()
    if actor.has_perm("workorders.view_all_workorders"):
        return ServiceNotice.objects.all()
    own = Q(work_order__in=work_order_scope(actor=actor)) | Q(
        pk__in=ServiceNotice.helpers.through.objects.filter(user_id=actor.pk).values("servicenotice_id"),
        superseded_at__isnull=True,
    )
    return ServiceNotice.objects.filter(own)


def notice_get(*, actor: Any, notice_id: int) -> ServiceNotice:
    notice = (
        notice_scope(actor=actor)
        .select_related("work_order", "issued_by", "lead_technician", "superseded_by")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        raise NotFound()
    return notice


def notice_list(*, actor: Any, work_order_id: int | None = None, limit: int = 200) -> list[ServiceNotice]:
    """Newest first, with what a list row shows (a bounded number of queries)."""
    qs = notice_scope(actor=actor)
    if work_order_id is not None:
        qs = qs.filter(work_order_id=work_order_id)
    return list(
        qs.select_related("work_order", "issued_by", "lead_technician", "superseded_by")
        .prefetch_related("helpers")
        .order_by("-issued_at", "-id")[:limit]
    )


def notice_work_order_list(*, actor: Any, work_order_id: int) -> tuple[WorkOrder, list[ServiceNotice]]:
    """A work order's notices; 404 when the actor does not see the work order (customers too)."""
    if is_portal_user(actor):
        raise NotFound()
    wo = work_order_scope(actor=actor).filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound()
    return wo, notice_list(actor=actor, work_order_id=wo.pk)


def may_issue(actor: Any) -> bool:
    return may_dispatch(actor)


def notice_part_choices(*, work_order: WorkOrder, limit: int = 50) -> list[Part]:
    """Suggestions for the form: active catalogue parts that fit the work order's product model."""
    qs = Part.objects.filter(active=True)
    if work_order.product_model_id:
        qs = qs.filter(compatible_models=work_order.product_model_id)
    return list(qs.order_by("code")[:limit])


def helper_choices(*, work_order: WorkOrder) -> list[Any]:
    return list(technician_queryset().exclude(pk=work_order.assignee_id).distinct().order_by("username"))


def shown_snapshot(notice: ServiceNotice, reader: Any) -> dict[str, Any]:
    """The snapshot as ``reader`` may see it: phone numbers and the address masked for roles
    without contact details (R-13.1, e.g. executives); the technicians' own phones stay."""
    shown: dict[str, Any] = {**notice.snapshot}
    customer = dict(shown.get("customer") or {})
    if may_see(reader, customer_id=customer.get("id")):
        return shown
    customer["phone"] = mask_phone(customer.get("phone", ""))
    customer["address"] = mask_address(customer.get("address", ""))
    shown["customer"] = customer
    contact = dict(shown.get("contact") or {})
    contact["phone"] = mask_phone(contact.get("phone", ""))
    shown["contact"] = contact
    return shown


# ---- input ---------------------------------------------------------------------------------


def _invalid(code: str, field: str, message: Any) -> DomainError:
    return DomainError(code, message, {field: message}, status=422)


def _tools(value: Any) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or "\x00" in value:
        raise ValidationFailed({"tools": _("Enter text.")})
    text = value.strip()
    if len(text) > MAX_TOOLS:
        raise ValidationFailed({"tools": _("At most %(max)d characters.") % {"max": MAX_TOOLS}})
    return text


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**63 - 1


def _helper_ids(value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(_is_id(v) for v in value):
        raise ValidationFailed({"helper_ids": _("Choose the helpers from the list of technicians.")})
    ids = list(dict.fromkeys(value))
    if len(ids) > MAX_HELPERS:
        raise ValidationFailed({"helper_ids": _("At most %(max)d helpers.") % {"max": MAX_HELPERS}})
    return ids


def _part_lines(value: Any) -> list[tuple[Any, int, str]]:
    """(part id or part number, quantity, field name) for each line, checked for shape only."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ValidationFailed({"parts": _("List the parts to bring.")})
    if len(value) > MAX_PART_LINES:
        raise ValidationFailed({"parts": _("At most %(max)d parts.") % {"max": MAX_PART_LINES}})
    lines = []
    for index, item in enumerate(value):
        field = f"parts.{index}"
        if not isinstance(item, dict):
            raise ValidationFailed({field: _("Name a part and its quantity.")})
        key: Any = item.get("part_id")
        if key is None:
            code = item.get("code")
            key = code.strip() if isinstance(code, str) and "\x00" not in code else None
        if not (_is_id(key) or (isinstance(key, str) and 0 < len(key) <= 64)):
            raise _invalid(DispatchErrorCode.NOTICE_PART_UNKNOWN, field, _("Choose a part from the catalogue."))
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or not _is_id(quantity) or quantity > MAX_QUANTITY:
            raise _invalid(
                DispatchErrorCode.NOTICE_PART_QUANTITY,
                field,
                _("The quantity is a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY},
            )
        lines.append((key, quantity, field))
    return lines


def _resolve_parts(lines: list[tuple[Any, int, str]]) -> list[tuple[Part, int]]:
    ids = [key for key, _q, _f in lines if isinstance(key, int)]
    codes = [key for key, _q, _f in lines if isinstance(key, str)]
    found = Part.objects.filter(active=True).filter(Q(pk__in=ids) | Q(code__in=codes))
    by_id = {p.pk: p for p in found}
    by_code = {p.code: p for p in by_id.values()}
    resolved: list[tuple[Part, int]] = []
    seen: set[int] = set()
    for key, quantity, field in lines:
        part = by_id.get(key) if isinstance(key, int) else by_code.get(key)
        if part is None:
            raise _invalid(
                DispatchErrorCode.NOTICE_PART_UNKNOWN,
                field,
                _("No active part %(key)s in the catalogue.") % {"key": key},
            )
        if part.pk in seen:
            raise _invalid(
                DispatchErrorCode.NOTICE_PART_TWICE, field, _("Part %(code)s is listed twice.") % {"code": part.code}
            )
        seen.add(part.pk)
        resolved.append((part, quantity))
    return resolved


def _helpers(wo: WorkOrder, ids: list[int], now: dt.datetime) -> list[Any]:
    if wo.assignee_id in ids:
        raise _invalid(
            DispatchErrorCode.NOTICE_HELPER_IS_LEAD, "helper_ids", _("The lead technician cannot also be a helper.")
        )
    found = {u.pk: u for u in technician_queryset().filter(pk__in=ids).distinct()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise _invalid(DispatchErrorCode.NOTICE_HELPER, "helper_ids", _("A helper must be an active field technician."))
    helpers = [found[i] for i in ids]
    for helper in helpers:
        assign_checks_run(work_order=wo, assignee=helper, now=now)  # certification
    return helpers


# ---- the snapshot --------------------------------------------------------------------------


def _person(user: Any, *, lead: bool) -> dict[str, Any]:
    return {"id": user.pk, "name": str(user), "phone": (user.phone or "").strip(), "lead": lead}


def notice_snapshot(
    *, wo: WorkOrder, appt: Appointment | None, lead: Any, helpers: list[Any], tools: str, parts: list[tuple[Part, int]]
) -> dict[str, Any]:
    """What the document shows, as it is at issue time."""
    customer = wo.customer
    contact = wo.contact if wo.contact_id else None
    product = wo.installed_product if wo.installed_product_id else None
    model = product.product_model if product is not None else wo.product_model
    return {
        "work_order": {"id": wo.pk, "number": wo.number, "priority": wo.priority, "service_type": wo.service_type},
        "customer": {
            "id": customer.pk,
            "code": customer.code,
            "name": customer.name,
            "phone": customer.phone,
            "address": customer.address,
        },
        "contact": {"name": contact.name if contact else "", "phone": contact.phone if contact else ""},
        "product": {
            "model": f"{model.code} {model.name}" if model is not None else "",
            "serial_number": (product.serial_number if product is not None else "") or wo.serial_number,
        },
        "fault": {
            "category": str(wo.fault_category) if wo.fault_category_id else "",
            "symptom": wo.symptom,
            "demand": wo.demand,
        },
        "appointment": None
        if appt is None
        else {
            "id": appt.pk,
            "starts_at": appt.starts_at.isoformat(),
            "ends_at": appt.ends_at.isoformat(),
            "window": appt.window if appt is not None else "",
            "to_prepare": appt.to_prepare,
            "agreed_with": appt.agreed_with,
        },
        "technicians": [_person(lead, lead=True), *(_person(h, lead=False) for h in helpers)],
        "service_preferences": customer.service_preferences,
        "tools": tools,
        "parts": [
            {"id": part.pk, "code": part.code, "name": part.name, "unit": part.unit, "quantity": quantity}
            for part, quantity in parts
        ],
    }


# ---- the write -----------------------------------------------------------------------------


def service_notice_issue(
    *,
    actor: Any,
    work_order_id: int,
    helper_ids: Any = (),
    tools: Any = "",
    parts: Any = (),
    now: dt.datetime | None = None,
) -> ServiceNotice:
    """Issue the work order's service notice (R-5.3); an earlier one becomes superseded."""
    if is_portal_user(actor):
        raise NotFound()
    if not may_issue(actor):
        raise PermissionDenied()
    tools = _tools(tools)
    ids = _helper_ids(list(helper_ids) if isinstance(helper_ids, tuple) else helper_ids)
    lines = _part_lines(list(parts) if isinstance(parts, tuple) else parts)
    now = now or timezone.now()
    with transaction.atomic():
        wo = work_orders.work_order_lock(actor=actor, work_order_id=work_order_id)
        if wo.status not in OPEN_STATUSES:
            raise DomainError(
                DispatchErrorCode.NOTICE_CLOSED,
                _("The work order is %(status)s: no service notice can be issued.")
                % {"status": wo.get_status_display()},
                status=409,
            )
        wo = WorkOrder.objects.select_related(
            "customer", "contact", "installed_product__product_model", "product_model", "fault_category", "assignee"
        ).get(pk=wo.pk)
        lead = wo.assignee
        if lead is None:
            raise DomainError(
                DispatchErrorCode.NOTICE_NO_TECHNICIAN,
                _("Assign a technician before issuing the service notice."),
                status=409,
            )
        helpers = _helpers(wo, ids, now)
        resolved = _resolve_parts(lines)
        appt = (
            Appointment.objects.filter(work_order=wo, status=AppointmentStatus.SCHEDULED)
            .order_by("starts_at", "pk")
            .first()
        )
        notice = ServiceNotice.objects.create(
            number=next_number(PREFIX, timezone.localtime(now).year),
            work_order=wo,
            appointment=appt,
            lead_technician=lead,
            tools=tools,
            snapshot=notice_snapshot(wo=wo, appt=appt, lead=lead, helpers=helpers, tools=tools, parts=resolved),
            issued_by=actor,
            issued_at=now,
        )
        notice.helpers.set(helpers)
        ServiceNoticePart.objects.bulk_create(
            ServiceNoticePart(notice=notice, part=part, quantity=quantity) for part, quantity in resolved
        )
        superseded = list(
            ServiceNotice.objects.filter(work_order=wo, superseded_at__isnull=True)
            .exclude(pk=notice.pk)
            .values_list("number", flat=True)
        )
        ServiceNotice.objects.filter(work_order=wo, superseded_at__isnull=True).exclude(pk=notice.pk).update(
            superseded_by=notice, superseded_at=now
        )
        names = "、".join(t["name"] for t in notice.snapshot["technicians"])
        work_orders.work_order_event_record(
            actor=actor,
            work_order=wo,
            action="service_notice",
            text=f"{notice.number} · {names}",
            data={"notice": notice.pk, "number": notice.number, "superseded": superseded},
            at=now,
        )
        record(actor=actor, action="create", verb="service_notice_issue", obj=notice)
        from aftersales.dispatch.notice_notifications import notice_issued

        notice_issued(notice, lead=lead, helpers=helpers)
    return notice
