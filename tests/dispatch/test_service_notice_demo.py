"""R-5.3 demo data: service notices issued by the dispatcher through the real service, one
re-issued, and the demo technician ``tech`` has his own."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from aftersales.dispatch.models import ServiceNotice

pytestmark = pytest.mark.django_db


def test_demo_issues_service_notices():
    call_command("demo_seed", "--scale", "0.1", stdout=StringIO())
    assert ServiceNotice.objects.count() >= 3
    assert ServiceNotice.objects.filter(issued_by__username="dispatcher").count() == ServiceNotice.objects.count()
    assert ServiceNotice.objects.filter(superseded_at__isnull=False).exists()
    assert ServiceNotice.objects.filter(lead_technician__username="tech").exists()
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in ServiceNotice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))  # gap-free
