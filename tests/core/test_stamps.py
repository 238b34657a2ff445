"""Change stamps (core/stamps.py): the token the SLA policy cache trusts (R-4.9). Triggers must
renew it on every kind of write, and a rolled-back write must leave the token of the old state."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from aftersales.core import stamps
from aftersales.sla.models import Calendar, SlaPolicy, SlaTargetRule
from tests.factories import CustomerFactory

KEY = "sla-config"
pytestmark = pytest.mark.django_db


def test_r4_9_every_kind_of_write_to_a_watched_table_renews_the_token():
    seen = {stamps.token(KEY)}
    policy = SlaPolicy.objects.get(priority="P2")
    writes = [
        lambda: policy.save(),
        lambda: SlaPolicy.objects.filter(pk=policy.pk).update(warn_at_percent=70),
        lambda: SlaTargetRule.objects.filter(policy=policy, kind="response").update(duration_seconds=7200),
        lambda: SlaTargetRule.objects.filter(policy=policy, kind="colour_green_close").delete(),
        lambda: Calendar.objects.create(name="二号工厂"),
    ]
    for write in writes:
        write()
        token = stamps.token(KEY)
        assert token is not None
        assert token not in seen
        seen.add(token)


def test_r4_9_raw_sql_from_outside_the_orm_renews_the_token():
    before = stamps.token(KEY)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sla_slatargetrule SET duration_seconds = duration_seconds WHERE duration_seconds > 0")
    assert stamps.token(KEY) != before


def test_r4_9_a_rolled_back_write_leaves_the_token_of_the_unchanged_tables():
    before = stamps.token(KEY)
    with transaction.atomic():
        SlaPolicy.objects.update(is_active=False)
        assert stamps.token(KEY) != before
        transaction.set_rollback(True)
    assert stamps.token(KEY) == before


def test_r4_9_writes_elsewhere_leave_the_token_alone():
    before = stamps.token(KEY)
    Calendar.objects.count()
    CustomerFactory()
    assert stamps.token(KEY) == before


def test_without_its_row_there_is_no_token():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_changestamp")
    assert stamps.token(KEY) is None
    SlaPolicy.objects.filter(priority="P1").update(warn_at_percent=75)  # the trigger recreates the row
    assert stamps.token(KEY) is not None
