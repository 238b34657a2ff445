"""Who may be assigned to a product line (R-5.2, 持证上岗): a technician needs a certification for
the work order's product line whose last valid day is today or later (Asia/Shanghai). The one
rule behind the assign service's refusal, the dispatch proposals' reasons and automatic
dispatch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError
from aftersales.staff.errors import StaffErrorCode
from aftersales.staff.models import Certification

CERTIFIED_ROLES = ("technician",)


def local_day(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def needs_certification(user: Any) -> bool:
    """Field technicians go on site and need a certification; the desk and experts do not."""
    return bool(user.has_role(*CERTIFIED_ROLES))


def certification_problem(valid_until: dt.date | None, *, day: dt.date, line_name: str) -> tuple[str, str] | None:
    """(code, words) of what is wrong with a certification valid until ``valid_until`` (None:
    there is none) for assignment on ``day``; None when valid."""
    if valid_until is None:
        return StaffErrorCode.CERTIFICATION_MISSING, str(_("No certification for %(line)s.") % {"line": line_name})
    if valid_until < day:
        return StaffErrorCode.CERTIFICATION_EXPIRED, str(
            _("The certification for %(line)s expired on %(date)s.")
            % {"line": line_name, "date": date_format(valid_until, "Y-m-d")}
        )
    return None


def assign_check(*, work_order: Any, assignee: Any, now: dt.datetime) -> None:
    """The check registered with ``workorders.services.hooks.assign_checks_register``."""
    if work_order.product_line_id is None or not needs_certification(assignee):
        return
    cert = (
        Certification.objects.select_related("product_line")
        .filter(profile__user_id=assignee.pk, product_line_id=work_order.product_line_id)
        .first()
    )
    line_name = str(cert.product_line) if cert else str(work_order.product_line)
    problem = certification_problem(cert.valid_until if cert else None, day=local_day(now), line_name=line_name)
    if problem is not None:
        code, words = problem
        raise DomainError(code, words, {"assignee_id": words}, status=409)
