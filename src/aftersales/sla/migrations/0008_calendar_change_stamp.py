"""Triggers that renew the ``sla-calendar`` change stamp whenever a calendar table changes: the
clocks' per-process cache (``sla/clocks.py``) compares it instead of counting rows and reading
``updated_at``, which a ``QuerySet.update()`` does not move."""

from django.db import migrations

from aftersales.core import stamps

KEY = "sla-calendar"
TABLES = ["sla_calendar", "sla_workingperiod", "sla_calendarday", "sla_calendaryear"]


def watch(apps, schema_editor):
    stamps.watch(schema_editor, KEY, TABLES)


def unwatch(apps, schema_editor):
    stamps.unwatch(schema_editor, KEY, TABLES)


class Migration(migrations.Migration):
    dependencies = [("sla", "0007_drop_redundant_indexes")]

    operations = [migrations.RunPython(watch, unwatch)]
