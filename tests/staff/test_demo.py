"""R-10.1 demo data: 30 technicians in three regions with certifications, some expired and some
ending within 30 days; the demo's history assigns technicians with the certification check on."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from aftersales.staff.models import Certification, StaffProfile

pytestmark = [pytest.mark.django_db, pytest.mark.certification_rule]


def test_r10_1_demo_has_thirty_technicians_with_expired_and_expiring_certifications():
    call_command("demo_seed", "--scale", "0.05", stdout=StringIO())
    technicians = StaffProfile.objects.filter(user__groups__name="technician")
    assert technicians.count() == 30
    assert technicians.filter(regions__code__in=["east", "north", "south"]).distinct().count() >= 20
    today = timezone.localdate()
    assert Certification.objects.filter(valid_until__lt=today).exists()
    assert Certification.objects.filter(valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=30)).exists()
    assert technicians.filter(is_senior=True).exists()
