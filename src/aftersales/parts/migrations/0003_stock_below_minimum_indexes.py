"""The list of parts under their minimum is paged by id: partial indexes that hold only the
balances under their minimum, for all warehouses and for one (R-7.1); the whole ledger newest
first by its own index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("parts", "0002_customer_property_and_imports")]

    operations = [
        migrations.RemoveIndex(model_name="stockbalance", name="stockbalance_below_min_idx"),
        migrations.AddIndex(
            model_name="stockbalance",
            index=models.Index(
                condition=models.Q(("below_minimum", True)), fields=["id"], name="stockbalance_below_min_id_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="stockbalance",
            index=models.Index(
                condition=models.Q(("below_minimum", True)),
                fields=["warehouse", "id"],
                name="stockbalance_below_min_wh_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="stockmove",
            index=models.Index(fields=["created_at", "id"], name="stockmove_time_idx"),
        ),
    ]
