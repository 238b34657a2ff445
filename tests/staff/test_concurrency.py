"""R-10.1: two supervisors creating the same person's profile, or the same line's certification,
at once: exactly one wins, the other gets the coded refusal (threads; SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from aftersales.staff import services
from aftersales.staff.models import Certification, StaffProfile
from tests.factories import ProductLineFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.certification_rule]


def _race(action) -> list[str]:
    start = threading.Barrier(2)
    codes: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            action()
            codes.append("ok")
        except Exception as exc:
            codes.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(codes)


def test_r10_1_concurrent_profile_creates_one_wins():
    supervisor, tech = UserFactory(role="supervisor"), UserFactory(role="technician")
    codes = _race(lambda: services.staff_profile_create(actor=supervisor, user_id=tech.pk))
    assert codes == ["ok", "staff_profile_exists"]
    assert StaffProfile.objects.filter(user=tech).count() == 1


def test_r10_1_concurrent_certifications_for_one_line_one_wins():
    supervisor, tech = UserFactory(role="supervisor"), UserFactory(role="technician")
    line = ProductLineFactory()
    profile = services.staff_profile_create(actor=supervisor, user_id=tech.pk)
    codes = _race(
        lambda: services.certification_add(
            actor=supervisor,
            profile_id=profile.pk,
            product_line_id=line.pk,
            number="AC-1",
            exam_date=dt.date(2025, 1, 1),
            score=90,
            valid_until=dt.date(2099, 1, 1),
        )
    )
    assert codes == ["certification_exists", "ok"]
    assert Certification.objects.count() == 1
