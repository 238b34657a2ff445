from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from aftersales.accounts.models import ApiToken, Team, User
from aftersales.core.errors import PermissionDenied

LOCKOUT_ROWS = 200  # per list; more than that at once is an attack, and the newest matter


def team_list() -> QuerySet[Team]:
    """Every team, by name: staff master data, not confidential (the work-order list's filter)."""
    return Team.objects.order_by("name")


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    """The actor's own live tokens (not revoked, not expired), newest first."""
    return ApiToken.objects.filter(user=actor, revoked_at__isnull=True, expires_at__gt=timezone.now()).order_by(
        "-created_at", "-id"
    )


@dataclass(frozen=True)
class Lockout:
    """The failed log-ins of one account (from any address) or one address (for any account)
    that are still remembered; ``locked`` when they reach the limit."""

    key: str  # the account's username or the address
    failures: int
    others: int  # addresses the account was tried from / accounts tried from the address
    last_attempt: dt.datetime
    until: dt.datetime
    locked: bool


def _grouped(field: str, other: str, locked: int) -> list[Lockout]:
    live = AccessAttempt.objects.filter(expiration__expires_at__gt=timezone.now()).exclude(**{f"{field}__isnull": True})
    rows = (
        live.values(field)
        .annotate(
            failures=Sum("failures_since_start"),
            others=Count(other, distinct=True),
            last_attempt=Max("attempt_time"),
            until=Max("expiration__expires_at"),
        )
        .order_by("-last_attempt")[:LOCKOUT_ROWS]
    )
    found = [
        Lockout(
            row[field], row["failures"], row["others"], row["last_attempt"], row["until"], row["failures"] >= locked
        )
        for row in rows
    ]
    return sorted(found, key=lambda lock: not lock.locked)  # locked first, each part newest first


def lockout_lists(*, actor: User) -> tuple[list[Lockout], list[Lockout]]:
    """The accounts and the addresses with remembered failed log-ins (accounts.throttle)."""
    if not actor.has_perm("axes.view_accessattempt"):
        raise PermissionDenied
    return (
        _grouped("username", "ip_address", settings.LOGIN_FAILURE_LIMIT),
        _grouped("ip_address", "username", settings.LOGIN_ADDRESS_FAILURE_LIMIT),
    )
