"""Triggers that renew the ``sla-config`` change stamp whenever the policies, their rules or the
calendars change: the intake keeps the policies in a per-process cache (``sla/policies.py``)."""

from django.db import migrations

from aftersales.core import stamps

KEY = "sla-config"
TABLES = ["sla_slapolicy", "sla_slatargetrule", "sla_calendar"]


def watch(apps, schema_editor):
    stamps.watch(schema_editor, KEY, TABLES)


def unwatch(apps, schema_editor):
    stamps.unwatch(schema_editor, KEY, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_change_stamp"),
        ("sla", "0005_grant_sla_permissions"),
    ]

    operations = [migrations.RunPython(watch, unwatch)]
