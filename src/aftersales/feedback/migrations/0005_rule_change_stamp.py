"""Triggers that renew the ``feedback-rule`` change stamp whenever the rule row changes: intake
keeps the rule in a per-process cache (``feedback/counting.py``) and reads the stamp in the batch
counter's upsert."""

from django.db import migrations

from aftersales.core import stamps

KEY = "feedback-rule"
TABLES = ["feedback_feedbackrule"]


def watch(apps, schema_editor):
    stamps.watch(schema_editor, KEY, TABLES)


def unwatch(apps, schema_editor):
    stamps.unwatch(schema_editor, KEY, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_change_stamp"),
        ("feedback", "0004_report_page_indexes"),
    ]

    operations = [migrations.RunPython(watch, unwatch)]
