"""Drop foreign-key indexes that a composite index already leads with (one page less to write
per row at intake); the AlterField is state only, see core/schema.py."""

import django.db.models.deletion
from django.db import migrations, models

from aftersales.core.schema import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0006_policy_change_stamp"),
        ("workorders", "0003_work_order_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workordertarget",
                    name="work_order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sla_targets",
                        to="workorders.workorder",
                        verbose_name="work order",
                    ),
                ),
            ],
            database_operations=[drop_column_indexes([("sla_workordertarget", "work_order_id")])],
        ),
    ]
