"""Notifications about repair orders link to them, for readers who may see them (core.subjects)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.subjects import Subject
from aftersales.repairs.selectors import repair_order_scope


def repair_order_subjects(reader: Any, ids: list[int]) -> dict[int, Subject]:
    rows = repair_order_scope(actor=reader).filter(pk__in=ids).values_list("pk", "number", "work_order_id")
    portal = bool(getattr(reader, "customer_id", None))
    return {
        pk: Subject(
            _("Repair order"),
            number,
            reverse("portal:detail", args=[wo_id]) if portal else reverse("repairs:detail", args=[pk]),
        )
        for pk, number, wo_id in rows
    }
