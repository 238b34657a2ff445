"""Staff-profile and certification endpoints (R-10.1): thin handlers over the same services and
selectors as the supervisors' pages."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from aftersales.api.schemas import PathId, QueryId, Text, responses
from aftersales.staff import selectors, services
from aftersales.staff.eligibility import local_day
from aftersales.staff.models import Certification, StaffProfile
from aftersales.staff.schemas import (
    CertificationIn,
    CertificationListOut,
    CertificationOut,
    CertificationValuesIn,
    ProfileIn,
    ProfileListOut,
    ProfileOut,
    ProfileValuesIn,
)

router = Router(tags=["staff"])


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def certification_out(cert: Certification, holder: Any, today: Any) -> dict[str, Any]:
    return {
        "id": cert.pk,
        "profile_id": cert.profile_id,
        "product_line": _ref(cert.product_line),
        "number": cert.number,
        "exam_date": cert.exam_date,
        "score": cert.score,
        "valid_until": cert.valid_until,
        "valid_today": cert.valid_until >= today,
        "holder": {"id": holder.pk, "name": str(holder)},
    }


def profile_out(profile: StaffProfile) -> dict[str, Any]:
    today = local_day(timezone.now())
    return {
        "id": profile.pk,
        "user": {"id": profile.user.pk, "name": str(profile.user)},
        "username": profile.user.username,
        "team": _ref(profile.team),
        "regions": [_ref(r) for r in profile.regions.all()],
        "skills": [_ref(s) for s in profile.skills.all()],
        "is_senior": profile.is_senior,
        "calendar": _ref(profile.calendar),
        "daily_capacity": profile.daily_capacity,
        "certifications": [certification_out(c, profile.user, today) for c in profile.certifications.all()],
    }


class ProfileListQuery(Schema):
    region_id: QueryId | None = None
    product_line_id: QueryId | None = None
    q: Text(64) = ""  # type: ignore[valid-type]


@router.get("/staff/profiles", response=responses({200: ProfileListOut}))
def profile_list(request: HttpRequest, query: Query[ProfileListQuery]) -> Any:
    """Profiles the caller may see (supervisors, dispatchers, executives: all; others their own)."""
    rows = selectors.staff_profile_list(
        actor=request.user, region_id=query.region_id, product_line_id=query.product_line_id, search=query.q
    )
    return {"items": [profile_out(p) for p in rows]}


@router.post("/staff/profiles", response=responses({201: ProfileOut}))
def profile_create(request: HttpRequest, payload: ProfileIn) -> Any:
    profile = services.staff_profile_create(actor=request.user, **payload.dict())
    return Status(201, profile_out(selectors.staff_profile_get(actor=request.user, profile_id=profile.pk)))


@router.get("/staff/profiles/{profile_id}", response=responses({200: ProfileOut}))
def profile_get(request: HttpRequest, profile_id: PathId) -> Any:
    return profile_out(selectors.staff_profile_get(actor=request.user, profile_id=profile_id))


@router.put("/staff/profiles/{profile_id}", response=responses({200: ProfileOut}))
def profile_update(request: HttpRequest, profile_id: PathId, payload: ProfileValuesIn) -> Any:
    """Replace the profile's values (every field; omitted ones take their defaults)."""
    services.staff_profile_update(actor=request.user, profile_id=profile_id, **payload.dict())
    return profile_out(selectors.staff_profile_get(actor=request.user, profile_id=profile_id))


@router.post("/staff/profiles/{profile_id}/certifications", response=responses({201: CertificationOut}))
def certification_add(request: HttpRequest, profile_id: PathId, payload: CertificationIn) -> Any:
    cert = services.certification_add(actor=request.user, profile_id=profile_id, **payload.dict())
    cert = selectors.certification_get(actor=request.user, certification_id=cert.pk)
    return Status(201, certification_out(cert, cert.profile.user, local_day(timezone.now())))


@router.get("/staff/certifications/expiring", response=responses({200: CertificationListOut}))
def certifications_expiring(request: HttpRequest) -> Any:
    """Certifications ending within 30 days, the soonest first (R-10.1)."""
    today = local_day(timezone.now())
    rows = selectors.certifications_expiring(actor=request.user, day=today)
    return {"items": [certification_out(c, c.profile.user, today) for c in rows]}


@router.put("/staff/certifications/{certification_id}", response=responses({200: CertificationOut}))
def certification_update(request: HttpRequest, certification_id: PathId, payload: CertificationValuesIn) -> Any:
    """Correct or renew (a later valid_until) a certification."""
    services.certification_update(actor=request.user, certification_id=certification_id, **payload.dict())
    cert = selectors.certification_get(actor=request.user, certification_id=certification_id)
    return certification_out(cert, cert.profile.user, local_day(timezone.now()))
