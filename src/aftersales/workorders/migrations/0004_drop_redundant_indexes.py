"""Drop foreign-key indexes that a composite index already leads with (one page less to write
per row at intake); the AlterField is state only, see core/schema.py."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from aftersales.core.schema import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("workorders", "0003_work_order_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workorder",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assigned_work_orders",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assignee",
                    ),
                ),
                migrations.AlterField(
                    model_name="workorder",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="work_orders",
                        to="customers.customer",
                        verbose_name="customer",
                    ),
                ),
                migrations.AlterField(
                    model_name="workorder",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="owned_work_orders",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="first-contact owner",
                    ),
                ),
                migrations.AlterField(
                    model_name="workorderevent",
                    name="work_order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="workorders.workorder",
                    ),
                ),
            ],
            database_operations=[
                drop_column_indexes(
                    [
                        ("workorders_workorder", "assignee_id"),
                        ("workorders_workorder", "customer_id"),
                        ("workorders_workorder", "owner_id"),
                        ("workorders_workorderevent", "work_order_id"),
                    ]
                )
            ],
        ),
    ]
