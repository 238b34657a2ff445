"""R-10.1: profiles and certifications are kept by supervisors; every value is checked by the
service and named in the refusal; other roles are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import OutboxMessage
from aftersales.staff import selectors, services
from aftersales.staff.models import Certification, StaffProfile
from tests.factories import FaultCategoryFactory, RegionFactory, TeamFactory, portal_user
from tests.staff.conftest import at, certify, profile_for, work_order_on

pytestmark = pytest.mark.certification_rule


def test_r10_1_supervisor_creates_a_full_profile(people, line):
    region, team = RegionFactory(code="east"), TeamFactory(name="华东服务组")
    skill = FaultCategoryFactory(product_line=line)
    profile = profile_for(
        people.supervisor,
        people.technician,
        team_id=team.pk,
        region_ids=[region.pk],
        skill_ids=[skill.pk],
        is_senior=True,
        daily_capacity=6,
    )
    profile.refresh_from_db()
    assert (profile.team, profile.is_senior, profile.daily_capacity) == (team, True, 6)
    assert list(profile.regions.all()) == [region]
    assert list(profile.skills.all()) == [skill]


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "executive", "qa", "quality", "expert"])
def test_r10_1_only_supervisors_and_admins_maintain_profiles(people, line, role):
    actor = getattr(people, role)
    with pytest.raises(PermissionDenied):
        profile_for(actor, people.other_technician)
    profile = profile_for(people.supervisor, people.other_technician)
    with pytest.raises(PermissionDenied):
        certify(actor, profile, line, valid_until=dt.date(2027, 1, 1))
    assert Certification.objects.count() == 0


def test_r10_1_customer_is_refused(people, line):
    wo = work_order_on(line, people.agent)
    customer = portal_user(wo.customer)
    with pytest.raises(PermissionDenied):
        profile_for(customer, people.technician)
    assert selectors.staff_profile_list(actor=customer) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"daily_capacity": 0}, "daily_capacity"),
        ({"daily_capacity": 51}, "daily_capacity"),
        ({"daily_capacity": True}, "daily_capacity"),
        ({"region_ids": [2**62]}, "region_ids"),
        ({"region_ids": ["1"]}, "region_ids"),
        ({"team_id": 2**70}, "team_id"),
        ({"skill_ids": [999999]}, "skill_ids"),
        ({"is_senior": "yes"}, "is_senior"),
    ],
)
def test_r10_1_bad_profile_values_name_the_field(people, values, field):
    with pytest.raises(ValidationFailed) as refused:
        profile_for(people.supervisor, people.technician, **values)
    assert field in refused.value.fields
    assert not StaffProfile.objects.exists()


def test_r10_1_one_profile_per_person(people):
    profile_for(people.supervisor, people.technician)
    with pytest.raises(DomainError) as refused:
        profile_for(people.supervisor, people.technician)
    assert refused.value.code == "staff_profile_exists"


def test_r10_1_customer_user_gets_no_profile(people, line):
    wo = work_order_on(line, people.agent)
    with pytest.raises(ValidationFailed) as refused:
        profile_for(people.supervisor, portal_user(wo.customer))
    assert "user_id" in refused.value.fields


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"number": ""}, "number"),
        ({"number": "x" * 65}, "number"),
        ({"score": 101}, "score"),
        ({"score": -1}, "score"),
        ({"score": "90"}, "score"),
        ({"exam_date": "2025-01-01"}, "exam_date"),
        ({"exam_date": dt.date(2026, 12, 1)}, "exam_date"),  # after "now" (2026-11-01)
        ({"valid_until": dt.date(2024, 1, 1)}, "valid_until"),  # before the exam
        ({"valid_until": dt.date(10000 - 1, 12, 31)}, "valid_until"),
        ({"product_line_id": None}, "product_line_id"),
        ({"product_line_id": 2**62}, "product_line_id"),
    ],
)
def test_r10_1_bad_certification_values_name_the_field(people, line, values, field):
    profile = profile_for(people.supervisor, people.technician)
    good = {
        "product_line_id": line.pk,
        "number": "AC-001",
        "exam_date": dt.date(2025, 1, 10),
        "score": 90,
        "valid_until": dt.date(2027, 1, 9),
    }
    with pytest.raises(ValidationFailed) as refused:
        services.certification_add(
            actor=people.supervisor, profile_id=profile.pk, now=at(2026, 11, 1), **{**good, **values}
        )
    assert field in refused.value.fields
    assert not Certification.objects.exists()


def test_r10_1_one_certification_per_line_renewed_in_place(people, line):
    profile = profile_for(people.supervisor, people.technician)
    cert = certify(people.supervisor, profile, line, valid_until=dt.date(2026, 11, 30))
    with pytest.raises(DomainError) as refused:
        certify(people.supervisor, profile, line, valid_until=dt.date(2027, 11, 30))
    assert refused.value.code == "certification_exists"
    services.certification_update(
        actor=people.supervisor,
        certification_id=cert.pk,
        number=cert.number,
        exam_date=dt.date(2026, 10, 1),
        score=92,
        valid_until=dt.date(2028, 9, 30),
        now=at(2026, 11, 1),
    )
    cert.refresh_from_db()
    assert (cert.valid_until, cert.score) == (dt.date(2028, 9, 30), 92)


def test_r10_1_unknown_profile_is_not_found(people, line):
    with pytest.raises(NotFound):
        services.certification_add(
            actor=people.supervisor,
            profile_id=2**62,
            product_line_id=line.pk,
            number="X",
            exam_date=dt.date(2025, 1, 1),
            score=80,
            valid_until=dt.date(2027, 1, 1),
        )


def test_r10_1_a_technician_sees_only_their_own_profile(people):
    own = profile_for(people.supervisor, people.technician)
    other = profile_for(people.supervisor, people.other_technician)
    assert [p.pk for p in selectors.staff_profile_list(actor=people.technician)] == [own.pk]
    with pytest.raises(NotFound):
        selectors.staff_profile_get(actor=people.technician, profile_id=other.pk)
    assert len(selectors.staff_profile_list(actor=people.dispatcher)) == 2


def test_r10_1_expiring_within_30_days_is_listed_and_notified_once(people, line):
    day = dt.date(2026, 11, 20)
    soon = certify(
        people.supervisor,
        profile_for(people.supervisor, people.technician),
        line,
        valid_until=day + dt.timedelta(days=30),
    )
    certify(
        people.supervisor,
        profile_for(people.supervisor, people.other_technician),
        line,
        valid_until=day + dt.timedelta(days=31),
    )
    listed = selectors.certifications_expiring(actor=people.supervisor, day=day)
    assert [c.pk for c in listed] == [soon.pk]

    now = at(2026, 11, 20)
    assert services.certification_expiry_notify(now=now) == 1
    assert services.certification_expiry_notify(now=now) == 0  # safe to run twice
    holder = OutboxMessage.objects.filter(recipient=people.technician, topic="staff.certification_expiring")
    assert holder.filter(channel="in_app").count() == 1
    assert OutboxMessage.objects.filter(recipient=people.supervisor, topic="staff.certification_expiring").exists()
    assert not OutboxMessage.objects.filter(recipient=people.agent, topic="staff.certification_expiring").exists()

    # Renewed, and later nearing the new end: told again.
    services.certification_update(
        actor=people.supervisor,
        certification_id=soon.pk,
        number=soon.number,
        exam_date=soon.exam_date,
        score=soon.score,
        valid_until=dt.date(2027, 12, 31),
        now=now,
    )
    assert services.certification_expiry_notify(now=at(2027, 12, 10)) == 1
    assert holder.filter(channel="in_app").count() == 2
