"""The trigger registry (core/triggers.py): every trigger the project relies on exists after
``migrate``, a missing one is reported by check core.W001, and the post-migrate repair puts it
back and catches up with what it missed: the change stamps the SLA caches trust (R-4.9), the
work-order search index (R-3.7) and the append-only access log (R-13.2)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from aftersales.audit.models import AccessLog
from aftersales.audit.services import record
from aftersales.core import stamps, triggers
from aftersales.sla.models import SlaPolicy
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.selectors import WorkOrderFilters, work_order_list
from tests.factories import CustomerFactory, InstalledProductFactory, UserFactory, make_work_order

pytestmark = pytest.mark.django_db

# What the project relies on, per vendor: the registry must know at least these.
RELIED_ON = {
    "sqlite": {
        "workorders_search_insert",
        "workorders_search_update",
        "workorders_search_delete",
        "stamp_sla_config_sla_slapolicy_update",
        "stamp_sla_calendar_sla_calendarday_insert",
        "audit_accesslog_no_update",
        "audit_accesslog_no_delete",
    },
    "postgresql": {
        "stamp_sla_config_sla_slapolicy",
        "stamp_sla_calendar_sla_calendarday",
        "audit_accesslog_append_only",
    },
}


def _names(sets):
    return {t.name for s in sets for t in s.triggers}


def _check():
    return [m for m in triggers.check_triggers(databases=["default"]) if m.id == "core.W001"]


def _found(agent, text):
    return [wo.pk for wo in work_order_list(actor=agent, filters=WorkOrderFilters(q=text)).items]


def test_every_expected_trigger_exists_after_migrate_and_the_check_is_silent():
    expected = triggers.expected(connection)
    assert RELIED_ON[connection.vendor] <= _names(expected)
    assert triggers.missing(connection) == []
    assert _check() == []
    # ... and the registry knows every trigger in the database: none is relied on unlisted.
    assert {name for name, _table in triggers.existing(connection)} == _names(expected)


def test_a_missing_trigger_is_reported_and_the_post_migrate_repair_puts_it_back():
    name = "audit_accesslog_no_delete" if connection.vendor == "sqlite" else "audit_accesslog_append_only"
    triggers.drop(connection, [name])

    [warning] = _check()
    assert name in warning.msg
    assert warning.obj == "default"

    triggers.repair_after_migrate(using="default")
    assert _check() == []
    row = record(actor=None, action="login", object_type="user", object_id="1")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()


def test_r4_9_stamp_triggers_repaired_after_they_were_missing_renew_the_stamp():
    """A write made while the triggers were gone is not seen by them; the repair renews the
    stamp, so a cache filled before that write does not trust itself afterwards."""
    watched = [
        t.name for s in triggers.expected(connection) if s.purpose == "change stamp sla-config" for t in s.triggers
    ]
    before = stamps.token("sla-config")
    triggers.drop(connection, watched)
    SlaPolicy.objects.filter(priority="P2").update(warn_at_percent=60)
    assert stamps.token("sla-config") == before  # the hazard: nobody noticed

    assert sorted(triggers.ensure(connection)) == sorted(watched)

    repaired = stamps.token("sla-config")
    assert repaired != before
    SlaPolicy.objects.filter(priority="P2").update(warn_at_percent=65)
    assert stamps.token("sla-config") not in (before, repaired)


def test_ensure_is_idempotent():
    assert triggers.ensure(connection) == []
    assert triggers.ensure(connection) == []
    assert triggers.missing(connection) == []


def _rebuild(model, field_name):
    """What SQLite's schema editor does for an ordinary AlterField: copy the table into a new
    one and drop the old one, with its triggers (here a max_length change, and back)."""
    old = model._meta.get_field(field_name)
    new = old.clone()
    new.max_length = old.max_length + 1
    new.set_attributes_from_name(field_name)
    with connection.schema_editor() as editor:
        editor.alter_field(model, old, new)
        editor.alter_field(model, new, old)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps triggers through ALTER TABLE")
@pytest.mark.django_db(transaction=True)
def test_r3_7_r4_9_r13_2_a_table_rebuild_drops_the_triggers_and_migrate_puts_them_back():
    agent = UserFactory(role="agent")
    product = InstalledProductFactory(customer=CustomerFactory())
    make_work_order(agent, product, symptom="压缩机异响")
    _rebuild(WorkOrder, "serial_number")
    _rebuild(SlaPolicy, "name")
    _rebuild(AccessLog, "object_repr")

    # The hazard: every trigger on the three tables is gone, and nothing failed.
    rebuilt = {"workorders_workorder", "sla_slapolicy", "audit_accesslog"}
    on_them = {t.name for s in triggers.expected(connection) for t in s.triggers if t.table in rebuilt}
    assert len(on_them) == 3 + 3 + 2
    assert {t.name for _s, absent in triggers.missing(connection) for t in absent} == on_them
    unindexed = make_work_order(agent, product, symptom="热水器漏水")
    assert _found(agent, "漏水") == []
    stamp = stamps.token("sla-config")
    SlaPolicy.objects.filter(priority="P3").update(warn_at_percent=55)
    assert stamps.token("sla-config") == stamp
    AccessLog.objects.filter(object_id=str(unindexed.pk)).update(object_repr="edited")

    out, err = StringIO(), StringIO()
    call_command("migrate", verbosity=0, stdout=out, stderr=err)  # nothing to apply; post_migrate repairs

    assert triggers.missing(connection) == []
    assert _found(agent, "漏水") == [unindexed.pk]  # rebuilt: the work order written in the gap
    later = make_work_order(agent, product, symptom="净水器漏水")
    assert sorted(_found(agent, "漏水")) == sorted([unindexed.pk, later.pk])
    assert stamps.token("sla-config") != stamp
    with pytest.raises(IntegrityError, match="append-only"):
        AccessLog.objects.update(object_repr="edited")
