"""Say what kind each exception day is (statutory holiday, make-up working day, company rest day,
company working day), so a year's holidays entered by hand read as holidays, not as company days."""

from django.db import migrations, models


def set_kinds(apps, schema_editor):
    CalendarDay = apps.get_model("sla", "CalendarDay")
    for source, working, kind in [
        ("official", True, "makeup_workday"),
        ("official", False, "holiday"),
        ("admin", True, "company_working"),
        ("admin", False, "company_off"),
    ]:
        CalendarDay.objects.filter(source=source, is_working=working).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("sla", "0008_calendar_change_stamp")]

    operations = [
        migrations.AddField(
            model_name="calendarday",
            name="kind",
            field=models.CharField(
                choices=[
                    ("holiday", "Statutory holiday"),
                    ("makeup_workday", "Make-up working day"),
                    ("company_off", "Company rest day"),
                    ("company_working", "Company working day"),
                ],
                default="company_off",
                max_length=16,
                verbose_name="kind",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(set_kinds, migrations.RunPython.noop),
    ]
