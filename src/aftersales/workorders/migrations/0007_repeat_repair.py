"""A repeat repair (R-2.3): the product's previous work order, found by a (product, received) index."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("workorders", "0006_communication_events_at_recording_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorder",
            name="repeat_of",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="workorders.workorder",
                verbose_name="repeat of",
            ),
        ),
        migrations.AlterField(
            model_name="workorder",
            name="installed_product",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="work_orders",
                to="customers.installedproduct",
                verbose_name="installed product",
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(fields=["installed_product", "received_at", "id"], name="wo_product_received_idx"),
        ),
    ]
