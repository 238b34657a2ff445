"""Reads of staff profiles and certifications, already scoped to the actor (R-10.1).

Holders of ``staff.view_staffprofile`` (supervisors, dispatchers, executives, administrators)
see every profile; any other member of staff sees their own only; a customer sees none. Out of
scope is "not found". The pages and the API read through these same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from aftersales.core.errors import NotFound
from aftersales.staff.models import Certification, StaffProfile

LIST_LIMIT = 500
EXPIRING_DAYS = 30


def _is_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and not getattr(actor, "is_customer_user", True)


def staff_profile_scope(*, actor: Any) -> QuerySet[StaffProfile]:
    qs = StaffProfile.objects.all()
    if not _is_staff(actor):
        return qs.none()
    if actor.has_perm("staff.view_staffprofile"):
        return qs
    return qs.filter(user_id=actor.pk)


def _with_related(qs: QuerySet[StaffProfile]) -> QuerySet[StaffProfile]:
    return qs.select_related("user", "team", "calendar").prefetch_related(
        "regions",
        "skills",
        Prefetch("certifications", queryset=Certification.objects.select_related("product_line")),
    )


def staff_profile_get(*, actor: Any, profile_id: int) -> StaffProfile:
    profile = _with_related(staff_profile_scope(actor=actor)).filter(pk=profile_id).first()
    if profile is None:
        raise NotFound()
    return profile


def staff_profile_list(
    *,
    actor: Any,
    region_id: int | None = None,
    product_line_id: int | None = None,
    search: str = "",
    limit: int = LIST_LIMIT,
) -> list[StaffProfile]:
    qs = staff_profile_scope(actor=actor)
    if region_id is not None:
        qs = qs.filter(regions=region_id)
    if product_line_id is not None:
        qs = qs.filter(certifications__product_line_id=product_line_id)
    if search:
        qs = qs.filter(Q(user__display_name__icontains=search[:64]) | Q(user__username__iexact=search[:150]))
    return list(_with_related(qs.distinct()).order_by("user__username")[:limit])


def certification_get(*, actor: Any, certification_id: int) -> Certification:
    cert = (
        Certification.objects.select_related("product_line", "profile__user")
        .filter(profile__in=staff_profile_scope(actor=actor), pk=certification_id)
        .first()
    )
    if cert is None:
        raise NotFound()
    return cert


def certifications_expiring(
    *, actor: Any, day: dt.date, within_days: int = EXPIRING_DAYS, limit: int = LIST_LIMIT
) -> list[Certification]:
    """Certifications whose last valid day is from ``day`` to ``day + within_days`` (R-10.1),
    the soonest first (an indexed range on valid_until)."""
    return list(
        Certification.objects.filter(
            profile__in=staff_profile_scope(actor=actor),
            valid_until__gte=day,
            valid_until__lte=day + dt.timedelta(days=within_days),
        )
        .select_related("product_line", "profile__user", "profile__team")
        .order_by("valid_until", "id")[:limit]
    )


def profile_candidates(*, actor: Any) -> QuerySet[Any]:
    """Active members of staff without a profile yet (the new-profile page's choices)."""
    if not actor.has_perm("staff.manage_staffprofile"):
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True, staff_profile__isnull=True)
        .exclude(groups__name="customer")
        .order_by("username")
    )


@dataclass(frozen=True)
class TechnicianFacts:
    """What dispatch ranks a technician by (R-5.1), read in a handful of queries for all of them."""

    user_id: int
    name: str
    profile_id: int | None
    is_senior: bool
    daily_capacity: int
    calendar_id: int | None
    serves_region: bool
    has_skill: bool
    certified_until: dt.date | None  # the last day of the certification for the line, None without one


def technician_facts(
    *, product_line_id: int | None, region_id: int | None, fault_category_id: int | None
) -> list[TechnicianFacts]:
    """Every active technician with the facts about one work order (its product line, customer
    region and fault category): five queries whatever the number of technicians. The caller
    (dispatch) has decided who may see them."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True, groups__name="technician")
        .order_by("username")  # one row each: a user is in the technician group once
        .values_list(
            "pk",
            "display_name",
            "first_name",
            "last_name",
            "username",
            "staff_profile__pk",
            "staff_profile__is_senior",
            "staff_profile__daily_capacity",
            "staff_profile__calendar_id",
        )
    )  # rows, not models: 500 technicians with their profiles was a third of the proposals' time
    through_regions = StaffProfile.regions.through.objects
    through_skills = StaffProfile.skills.through.objects
    in_region = set(
        through_regions.filter(region_id=region_id).values_list("staffprofile_id", flat=True) if region_id else []
    )
    skilled = set(
        through_skills.filter(faultcategory_id=fault_category_id).values_list("staffprofile_id", flat=True)
        if fault_category_id
        else []
    )
    certified_until = (
        dict(Certification.objects.filter(product_line_id=product_line_id).values_list("profile_id", "valid_until"))
        if product_line_id
        else {}
    )
    facts = []
    for user_id, display, first, last, username, pid, senior, capacity, calendar_id in users:
        facts.append(
            TechnicianFacts(
                user_id=user_id,
                name=get_user_model().name_of(display, first, last, username),
                profile_id=pid,
                is_senior=bool(senior),
                daily_capacity=capacity if pid else 4,
                calendar_id=calendar_id,
                serves_region=pid in in_region,
                has_skill=pid in skilled,
                certified_until=certified_until.get(pid) if pid else None,
            )
        )
    return facts
