"""Drop foreign-key indexes that a composite index already leads with (one page less to write
per row at intake); the AlterField is state only, see core/schema.py."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from aftersales.core.schema import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslog",
                    name="actor",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            database_operations=[drop_column_indexes([("audit_accesslog", "actor_id")])],
        ),
    ]
