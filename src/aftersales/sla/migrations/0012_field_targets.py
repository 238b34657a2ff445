"""R-4.4: the field-service targets join the SLA policies. The default policies (one per priority,
no overrides) get their rules: emergency arrival within 2 h for P1, appointment agreed within 24 h
for P2 and P3, fixed at the first visit (within the visit's 8 h) and a complex fault closed within
3 working days for all three. Administrators change them on the policy page."""

from django.db import migrations, models

HOUR = 3600
# priority -> [(kind, clock, seconds or None, working days or None)]
FIELD_RULES = {
    "P1": [("onsite_arrival", "wall", 2 * HOUR, None)],
    "P2": [("appointment_agreed", "wall", 24 * HOUR, None)],
    "P3": [("appointment_agreed", "wall", 24 * HOUR, None)],
}
COMMON = [("first_visit_fix", "wall", 8 * HOUR, None), ("complex_close", "working_days", None, 3)]


def add_rules(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaTargetRule = apps.get_model("sla", "SlaTargetRule")
    for priority, rules in FIELD_RULES.items():
        defaults = SlaPolicy.objects.filter(
            priority=priority, customer_category__isnull=True, product_line__isnull=True, service_type=""
        )
        for policy in defaults:
            have = set(SlaTargetRule.objects.filter(policy=policy).values_list("kind", flat=True))
            SlaTargetRule.objects.bulk_create(
                SlaTargetRule(
                    policy=policy,
                    kind=kind,
                    clock=clock,
                    duration_seconds=seconds,
                    duration_days=days,
                    applies_when="always",
                )
                for kind, clock, seconds, days in [*rules, *COMMON]
                if kind not in have
            )


def remove_rules(apps, schema_editor):
    kinds = {kind for rules in FIELD_RULES.values() for kind, *_rest in rules} | {kind for kind, *_rest in COMMON}
    apps.get_model("sla", "SlaTargetRule").objects.filter(kind__in=kinds).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0011_grant_policy_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="slabreach",
            name="kind",
            field=models.CharField(
                choices=[
                    ("first_response", "First response"),
                    ("response", "Response"),
                    ("resolution", "Resolution"),
                    ("contact_after_assignment", "Contact after assignment"),
                    ("progress_update", "Progress update"),
                    ("colour_green_close", "Green: closed"),
                    ("colour_yellow_progress", "Yellow: progress reported"),
                    ("onsite_arrival", "Emergency: technician on site"),
                    ("appointment_agreed", "Appointment made"),
                    ("first_visit_fix", "Fixed at the first visit"),
                    ("complex_close", "Complex fault: closed"),
                ],
                max_length=32,
                verbose_name="target",
            ),
        ),
        migrations.AlterField(
            model_name="slatargetrule",
            name="kind",
            field=models.CharField(
                choices=[
                    ("first_response", "First response"),
                    ("response", "Response"),
                    ("resolution", "Resolution"),
                    ("contact_after_assignment", "Contact after assignment"),
                    ("progress_update", "Progress update"),
                    ("colour_green_close", "Green: closed"),
                    ("colour_yellow_progress", "Yellow: progress reported"),
                    ("onsite_arrival", "Emergency: technician on site"),
                    ("appointment_agreed", "Appointment made"),
                    ("first_visit_fix", "Fixed at the first visit"),
                    ("complex_close", "Complex fault: closed"),
                ],
                max_length=32,
                verbose_name="target",
            ),
        ),
        migrations.AlterField(
            model_name="workordertarget",
            name="kind",
            field=models.CharField(
                choices=[
                    ("first_response", "First response"),
                    ("response", "Response"),
                    ("resolution", "Resolution"),
                    ("contact_after_assignment", "Contact after assignment"),
                    ("progress_update", "Progress update"),
                    ("colour_green_close", "Green: closed"),
                    ("colour_yellow_progress", "Yellow: progress reported"),
                    ("onsite_arrival", "Emergency: technician on site"),
                    ("appointment_agreed", "Appointment made"),
                    ("first_visit_fix", "Fixed at the first visit"),
                    ("complex_close", "Complex fault: closed"),
                ],
                max_length=32,
                verbose_name="target",
            ),
        ),
        migrations.RunPython(add_rules, remove_rules),
    ]
