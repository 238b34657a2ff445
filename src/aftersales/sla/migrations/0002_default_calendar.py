"""The default company calendar: 08:30-17:30 on every working day (R-4)."""

import datetime as dt

from django.db import migrations

DEFAULT_NAME = "默认工作日历"


def create_default(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    WorkingPeriod = apps.get_model("sla", "WorkingPeriod")
    if Calendar.objects.filter(is_default=True).exists():
        return
    calendar = Calendar.objects.create(name=DEFAULT_NAME, is_default=True)
    WorkingPeriod.objects.create(calendar=calendar, start=dt.time(8, 30), end=dt.time(17, 30))


def remove_default(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    Calendar.objects.filter(name=DEFAULT_NAME, is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_calendar")]

    operations = [migrations.RunPython(create_default, remove_default)]
