"""A day's kind and whether it is a working day always agree. A migration of its own, so the
kinds set by 0009 are committed before the table is altered (PostgreSQL refuses an ALTER TABLE
while deferred trigger events of the same transaction are pending)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sla", "0009_calendarday_kind")]

    operations = [
        migrations.AddConstraint(
            model_name="calendarday",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("is_working", True), ("kind__in", ["makeup_workday", "company_working"])),
                    models.Q(("is_working", False), ("kind__in", ["holiday", "company_off"])),
                    _connector="OR",
                ),
                name="sla_day_kind_matches_working",
            ),
        ),
    ]
