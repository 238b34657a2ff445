"""The improvement loop (R-9.7): any dimension whose monthly mean is under
``SURVEY_IMPROVEMENT_BELOW`` (7) for a team or the whole company opens an improvement item
(满意度改进清单) — once: the unique constraints make a second scan, a second worker or a restart
open nothing new. Months that are not analysable (under 80 % valid) open nothing; their means
are not known. The item then gets its root cause, responsible department, deadline, status and
verification from QA or a supervisor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import NotFound, PermissionDenied, ValidationFailed
from aftersales.surveys import selectors
from aftersales.surveys.models import DIMENSIONS, ImprovementItem

PERM_MANAGE = "surveys.manage_improvement"


class _System:
    """The scan reads every score (it runs in the worker, on no one's behalf)."""

    def has_perm(self, perm: str) -> bool:
        return perm == selectors.PERM_SCORES


def last_month(now: dt.datetime) -> dt.date:
    first = timezone.localtime(now).date().replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def improvement_scan(*, month: dt.date, now: dt.datetime | None = None) -> int:
    """Open the items of ``month`` (its first day); returns how many were opened."""
    now = now if now is not None else timezone.now()
    month = month.replace(day=1)
    end = (month + dt.timedelta(days=32)).replace(day=1)
    below = Decimal(str(settings.SURVEY_IMPROVEMENT_BELOW))
    company = selectors.scores(actor=_System(), start=month, end=end)
    teams = [r for r in selectors.scores(actor=_System(), start=month, end=end, grouping="team") if r.key is not None]
    opened = 0
    for row in [*company, *teams]:
        means = row.means
        if means is None:  # not analysable: no mean to judge
            continue
        for name in DIMENSIONS:
            score = Decimal(str(means[name]))
            if score >= below:
                continue
            try:
                with transaction.atomic():
                    ImprovementItem.objects.create(
                        month=month, team_id=row.key, dimension=name, score=score, opened_at=now
                    )
                opened += 1
            except IntegrityError:
                pass  # opened before
    return opened


def item_update(*, actor: Any, item_id: int, **values: Any) -> ImprovementItem:
    """QA or a supervisor records the root cause, department, deadline, status and verification."""
    if not actor.has_perm(PERM_MANAGE):
        raise PermissionDenied()
    allowed = {"root_cause", "department", "deadline", "status", "verification"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed({name: _("Unknown field.") for name in sorted(unknown)})
    if "status" in values and values["status"] not in ImprovementItem.Status.values:
        raise ValidationFailed({"status": _("Unknown status.")})
    if values.get("status") == ImprovementItem.Status.VERIFIED and not str(values.get("verification") or "").strip():
        raise ValidationFailed({"verification": _("Say how the improvement was verified.")})
    with transaction.atomic():
        item = ImprovementItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise NotFound()
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
    return item
