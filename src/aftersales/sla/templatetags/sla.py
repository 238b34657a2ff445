"""SLA display helpers: a due time as the customer hears it ("11月24日 10:30")."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def sla_moment(value: dt.datetime | None) -> str:
    """Month, day and time in the local time zone, e.g. 11月24日 10:30 (11/24 10:30 in English)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(month)d/%(day)d %(time)s") % {"month": local.month, "day": local.day, "time": local.strftime("%H:%M")}
