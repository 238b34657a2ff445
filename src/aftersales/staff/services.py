"""Every write on staff profiles and certifications (R-10.1), and the expiry notices.

Supervisors (``staff.manage_staffprofile``) maintain them on pages and through the API; each
function checks that permission, validates every value itself (a form or schema may not have),
runs in one transaction and records the change in the access log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Team
from aftersales.audit.services import record
from aftersales.catalog.models import FaultCategory, ProductLine
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.limits import MAX_DAY, MAX_ID, MIN_DAY
from aftersales.core.models import OutboxMessage, Region
from aftersales.core.outbox import Notice, notify_users
from aftersales.sla.models import Calendar
from aftersales.staff import selectors
from aftersales.staff.eligibility import local_day
from aftersales.staff.errors import StaffErrorCode
from aftersales.staff.models import Certification, StaffProfile

MANAGE = "staff.manage_staffprofile"
NUMBER_MAX = Certification._meta.get_field("number").max_length or 64
CAPACITY_MAX = 50
MAX_CHOICES = 200


def _require(actor: Any) -> None:
    if getattr(actor, "is_customer_user", True) or not actor.has_perm(MANAGE):
        raise PermissionDenied()


def _ids(value: Iterable[Any] | None, field: str, errors: dict[str, Any]) -> list[int]:
    out: list[int] = []
    for item in value or ():
        if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= MAX_ID:
            errors[field] = _("Choose from the list.")
            return []
        out.append(item)
    if len(out) > MAX_CHOICES:
        errors[field] = _("Choose at most %(max)d.") % {"max": MAX_CHOICES}
        return []
    return sorted(set(out))


def _one(model: Any, pk: Any, field: str, errors: dict[str, Any]) -> Any:
    if pk is None:
        return None
    if isinstance(pk, bool) or not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        errors[field] = _("Choose from the list.")
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        errors[field] = _("Choose from the list.")
    return obj


def _many(model: Any, ids: list[int], field: str, errors: dict[str, Any]) -> list[Any]:
    rows = list(model.objects.filter(pk__in=ids))
    if len(rows) != len(ids):
        errors[field] = _("Choose from the list.")
    return rows


def _profile_values(
    *,
    team_id: Any,
    region_ids: Any,
    skill_ids: Any,
    is_senior: Any,
    calendar_id: Any,
    daily_capacity: Any,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    team = _one(Team, team_id, "team_id", errors)
    calendar = _one(Calendar, calendar_id, "calendar_id", errors)
    regions = _many(Region, _ids(region_ids, "region_ids", errors), "region_ids", errors)
    skills = _many(FaultCategory, _ids(skill_ids, "skill_ids", errors), "skill_ids", errors)
    if not isinstance(is_senior, bool):
        errors["is_senior"] = _("Say yes or no.")
    if (
        isinstance(daily_capacity, bool)
        or not isinstance(daily_capacity, int)
        or not 1 <= daily_capacity <= CAPACITY_MAX
    ):
        errors["daily_capacity"] = _("Enter a number of jobs per day from 1 to %(max)d.") % {"max": CAPACITY_MAX}
    if errors:
        raise ValidationFailed(errors)
    return {
        "team": team,
        "calendar": calendar,
        "regions": regions,
        "skills": skills,
        "is_senior": is_senior,
        "daily_capacity": daily_capacity,
    }


def staff_profile_create(
    *,
    actor: Any,
    user_id: Any,
    team_id: Any = None,
    region_ids: Any = (),
    skill_ids: Any = (),
    is_senior: Any = False,
    calendar_id: Any = None,
    daily_capacity: Any = 4,
) -> StaffProfile:
    _require(actor)
    errors: dict[str, Any] = {}
    user = _one(get_user_model(), user_id, "user_id", errors)
    if user is not None and (not user.is_active or user.is_customer_user):
        errors["user_id"] = _("Choose an active member of staff.")
    values = {}
    try:
        values = _profile_values(
            team_id=team_id,
            region_ids=region_ids,
            skill_ids=skill_ids,
            is_senior=is_senior,
            calendar_id=calendar_id,
            daily_capacity=daily_capacity,
        )
    except ValidationFailed as error:
        errors.update(error.fields)
    if user_id is None:
        errors["user_id"] = _("Choose the member of staff.")
    if errors:
        raise ValidationFailed(errors)
    regions, skills = values.pop("regions"), values.pop("skills")
    with transaction.atomic():
        if StaffProfile.objects.select_for_update().filter(user=user).exists():
            raise _profile_exists()
        try:
            with transaction.atomic():
                profile = StaffProfile.objects.create(user=user, **values)
        except IntegrityError:
            raise _profile_exists() from None
        profile.regions.set(regions)
        profile.skills.set(skills)
        record(actor=actor, action="create", verb="staff_profile_create", obj=profile)
    return profile


def _profile_exists() -> DomainError:
    return DomainError(
        StaffErrorCode.PROFILE_EXISTS,
        _("This member of staff already has a profile."),
        {"user_id": _("This member of staff already has a profile.")},
        status=409,
    )


def staff_profile_update(
    *,
    actor: Any,
    profile_id: int,
    team_id: Any = None,
    region_ids: Any = (),
    skill_ids: Any = (),
    is_senior: Any = False,
    calendar_id: Any = None,
    daily_capacity: Any = 4,
) -> StaffProfile:
    """Replace the profile's values (the page's form and the API's PATCH send them all)."""
    _require(actor)
    values = _profile_values(
        team_id=team_id,
        region_ids=region_ids,
        skill_ids=skill_ids,
        is_senior=is_senior,
        calendar_id=calendar_id,
        daily_capacity=daily_capacity,
    )
    regions, skills = values.pop("regions"), values.pop("skills")
    with transaction.atomic():
        profile = selectors.staff_profile_scope(actor=actor).select_for_update().filter(pk=profile_id).first()
        if profile is None:
            raise NotFound()
        for name, value in values.items():
            setattr(profile, name, value)
        profile.save(update_fields=[*values, "updated_at"])
        profile.regions.set(regions)
        profile.skills.set(skills)
        record(actor=actor, action="change", verb="staff_profile_update", obj=profile)
    return profile


def _day(value: Any, field: str, errors: dict[str, Any]) -> dt.date | None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[field] = _("Enter a date.")
        return None
    if not MIN_DAY <= value <= MAX_DAY:
        errors[field] = _("Enter a date between %(min)s and %(max)s.") % {"min": MIN_DAY, "max": MAX_DAY}
        return None
    return value


def _certification_values(
    *, number: Any, exam_date: Any, score: Any, valid_until: Any, now: dt.datetime
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    number = number.strip() if isinstance(number, str) else number
    if not isinstance(number, str) or not number:
        errors["number"] = _("Enter the certificate number.")
    elif len(number) > NUMBER_MAX or "\x00" in number:
        errors["number"] = _("At most %(max)d characters.") % {"max": NUMBER_MAX}
    exam = _day(exam_date, "exam_date", errors)
    until = _day(valid_until, "valid_until", errors)
    if exam is not None and exam > local_day(now):
        errors["exam_date"] = _("The exam date cannot be in the future.")
    if exam is not None and until is not None and until < exam:
        errors["valid_until"] = _("The certification cannot end before its exam.")
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        errors["score"] = _("Enter a score from 0 to 100.")
    if errors:
        raise ValidationFailed(errors)
    return {"number": number, "exam_date": exam, "score": score, "valid_until": until}


def certification_add(
    *,
    actor: Any,
    profile_id: int,
    product_line_id: Any,
    number: Any,
    exam_date: Any,
    score: Any,
    valid_until: Any,
    now: dt.datetime | None = None,
) -> Certification:
    _require(actor)
    now = now or timezone.now()
    errors: dict[str, Any] = {}
    line = _one(ProductLine, product_line_id, "product_line_id", errors)
    if product_line_id is None:
        errors["product_line_id"] = _("Choose the product line.")
    try:
        values = _certification_values(
            number=number, exam_date=exam_date, score=score, valid_until=valid_until, now=now
        )
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        profile = selectors.staff_profile_scope(actor=actor).select_for_update().filter(pk=profile_id).first()
        if profile is None:
            raise NotFound()
        if Certification.objects.filter(profile=profile, product_line=line).exists():
            raise _certification_exists()
        try:
            with transaction.atomic():
                cert = Certification.objects.create(profile=profile, product_line=line, **values)
        except IntegrityError:
            raise _certification_exists() from None
        record(actor=actor, action="create", verb="certification_add", obj=cert)
    return cert


def _certification_exists() -> DomainError:
    text = _("There is already a certification for this product line: renew that one.")
    return DomainError(StaffErrorCode.CERTIFICATION_EXISTS, text, {"product_line_id": text}, status=409)


def certification_update(
    *,
    actor: Any,
    certification_id: int,
    number: Any,
    exam_date: Any,
    score: Any,
    valid_until: Any,
    now: dt.datetime | None = None,
) -> Certification:
    """Correct or renew a certification (a renewal moves valid_until, and is notified again
    when it nears its end)."""
    _require(actor)
    values = _certification_values(
        number=number, exam_date=exam_date, score=score, valid_until=valid_until, now=now or timezone.now()
    )
    with transaction.atomic():
        cert = (
            Certification.objects.select_for_update()
            .filter(profile__in=selectors.staff_profile_scope(actor=actor), pk=certification_id)
            .first()
        )
        if cert is None:
            raise NotFound()
        for name, value in values.items():
            setattr(cert, name, value)
        cert.save(update_fields=[*values, "updated_at"])
        record(
            actor=actor,
            action="change",
            verb="certification_update",
            obj=cert,
            detail={"valid_until": str(cert.valid_until)},
        )
    return cert


def _supervisors() -> list[Any]:
    perm = Permission.objects.get(content_type__app_label="staff", codename="manage_staffprofile")
    return list(
        get_user_model()
        .objects.filter(is_active=True, customer__isnull=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm))
        .distinct()
        .order_by("pk")
    )


def certification_expiry_notify(*, now: dt.datetime | None = None) -> int:
    """Tell each holder, and the supervisors, of certifications that end within 30 days
    (R-10.1), once per certification and last valid day: safe to run twice (the periodic job).
    Returns how many certifications were notified."""
    day = local_day(now or timezone.now())
    with transaction.atomic():
        due = list(
            Certification.objects.select_for_update(of=("self",))
            .filter(
                valid_until__gte=day,
                valid_until__lte=day + dt.timedelta(days=selectors.EXPIRING_DAYS),
            )
            .exclude(notified_for=F("valid_until"))
            .select_related("product_line", "profile__user")
            .order_by("valid_until", "id")
        )
        if not due:
            return 0
        notices: list[Notice] = []
        lines: list[str] = []
        for cert in due:
            until = date_format(cert.valid_until, "Y-m-d")
            text = str(
                _("The certification %(number)s for %(line)s of %(name)s ends on %(date)s.")
                % {"number": cert.number, "line": cert.product_line, "name": cert.profile.user, "date": until}
            )
            lines.append(text)
            notices.append(
                Notice(
                    user=cert.profile.user,
                    subject=str(_("Your certification ends soon")),
                    body=text,
                    topic="staff.certification_expiring",
                    dedupe_key_prefix=f"staff-cert:{cert.pk}:{cert.valid_until.isoformat()}",
                )
            )
        for supervisor in _supervisors():
            notices.append(
                Notice(
                    user=supervisor,
                    subject=str(_("Certifications ending within 30 days")),
                    body="\n".join(lines),
                    topic="staff.certification_expiring",
                    dedupe_key_prefix=f"staff-certs:{day.isoformat()}:{due[0].pk}:{len(due)}:{supervisor.pk}",
                    channels=(OutboxMessage.Channel.IN_APP, OutboxMessage.Channel.EMAIL),
                )
            )
        notify_users(notices)
        for cert in due:
            Certification.objects.filter(pk=cert.pk).update(notified_for=cert.valid_until)
    return len(due)
