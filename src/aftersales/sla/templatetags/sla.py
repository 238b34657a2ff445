"""SLA display helpers: a due time as the customer hears it ("11月24日 10:30"), the targets of a
work order grouped for its page, a policy rule's duration and clock in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.sla.selectors import (
    CLOCK_WORDS,
    TargetSummary,
    TargetView,
    duration_words,
    rules_in_order,
    target_summary,
)

register = template.Library()


@register.filter
def sla_moment(value: dt.datetime | None) -> str:
    """Month, day and time in the local time zone, e.g. 11月24日 10:30 (11/24 10:30 in English);
    with the year when it is not this year's (2027年3月1日 10:30), so a promise is never ambiguous."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    parts = {"year": local.year, "month": local.month, "day": local.day, "time": local.strftime("%H:%M")}
    if local.year != timezone.localdate().year:
        return _("%(year)d/%(month)d/%(day)d %(time)s") % parts
    return _("%(month)d/%(day)d %(time)s") % parts


@register.simple_tag
def sla_summary(views: list[TargetView]) -> TargetSummary:
    """The detail page's grouping of a work order's targets (``selectors.target_summary``)."""
    return target_summary(views)


@register.filter
def rule_duration(rule: Any) -> str:
    """A target rule's duration in words ("4 小时", "3 个工作日")."""
    return duration_words(clock=rule.clock, seconds=rule.duration_seconds, days=rule.duration_days)


@register.filter
def clock_words(clock: str) -> str:
    """How a clock counts, in a sentence."""
    return str(CLOCK_WORDS.get(clock, ""))


@register.filter
def in_target_order(rules: Any) -> list[Any]:
    """A policy's rules in the order of the targets (``selectors.rules_in_order``)."""
    return rules_in_order(rules.all() if hasattr(rules, "all") else rules)
