"""The default SLA policies, exactly as SPEC.md R-4.1-R-4.5 (one per priority, no overrides)."""

from django.db import migrations

MIN, HOUR = 60, 3600
IN_HOURS, OUTSIDE, ALWAYS = "received_in_working_hours", "received_outside_working_hours", "always"

# priority -> (name, [(kind, clock, seconds or None, working days or None, applies_when)])
COMMON = [
    ("first_response", "wall", 10 * MIN, None, IN_HOURS),
    ("first_response", "wall", 30 * MIN, None, OUTSIDE),
    ("contact_after_assignment", "wall", 30 * MIN, None, ALWAYS),
    ("colour_green_close", "wall", 24 * HOUR, None, ALWAYS),
    ("colour_yellow_progress", "wall", 48 * HOUR, None, ALWAYS),
]
DEFAULTS = {
    "P1": (
        "P1 紧急（默认）",
        [
            ("response", "wall", 2 * HOUR, None, ALWAYS),  # handling started within 2 h
            ("resolution", "wall", 4 * HOUR, None, ALWAYS),  # first result within 4 h
            ("progress_update", "wall", 2 * HOUR, None, ALWAYS),
        ],
    ),
    "P2": (
        "P2 重要（默认）",
        [
            ("response", "wall", 4 * HOUR, None, ALWAYS),
            ("resolution", "wall", 24 * HOUR, None, ALWAYS),
            ("progress_update", "wall", 6 * HOUR, None, ALWAYS),
        ],
    ),
    "P3": (
        "P3 一般（默认）",
        [
            ("response", "working_hours", 8 * HOUR, None, ALWAYS),
            ("resolution", "working_days", None, 3, ALWAYS),
            ("progress_update", "wall", 6 * HOUR, None, ALWAYS),
        ],
    ),
}


def create_defaults(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaTargetRule = apps.get_model("sla", "SlaTargetRule")
    for priority, (name, rules) in DEFAULTS.items():
        if SlaPolicy.objects.filter(
            priority=priority, customer_category__isnull=True, product_line__isnull=True, service_type=""
        ).exists():
            continue
        policy = SlaPolicy.objects.create(name=name, priority=priority)
        SlaTargetRule.objects.bulk_create(
            SlaTargetRule(
                policy=policy, kind=kind, clock=clock, duration_seconds=seconds, duration_days=days, applies_when=when
            )
            for kind, clock, seconds, days, when in [*rules, *COMMON]
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(name__in=[name for name, _rules in DEFAULTS.values()]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_policies_targets_breaches")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
