"""Cancelled (已取消): a work order withdrawn before it was solved (choices only, no schema change)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0007_repeat_repair"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workorder",
            name="status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("acknowledged", "Acknowledged"),
                    ("assigned", "Assigned"),
                    ("in_progress", "In progress"),
                    ("waiting_customer", "Waiting on customer"),
                    ("waiting_parts", "Waiting on parts"),
                    ("resolved", "Resolved"),
                    ("confirmed", "Confirmed by customer"),
                    ("closed", "Closed"),
                    ("archived", "Archived"),
                    ("cancelled", "Cancelled"),
                ],
                default="new",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="workorderevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("new", "New"),
                    ("acknowledged", "Acknowledged"),
                    ("assigned", "Assigned"),
                    ("in_progress", "In progress"),
                    ("waiting_customer", "Waiting on customer"),
                    ("waiting_parts", "Waiting on parts"),
                    ("resolved", "Resolved"),
                    ("confirmed", "Confirmed by customer"),
                    ("closed", "Closed"),
                    ("archived", "Archived"),
                    ("cancelled", "Cancelled"),
                ],
                max_length=20,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="workorderevent",
            name="to_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("new", "New"),
                    ("acknowledged", "Acknowledged"),
                    ("assigned", "Assigned"),
                    ("in_progress", "In progress"),
                    ("waiting_customer", "Waiting on customer"),
                    ("waiting_parts", "Waiting on parts"),
                    ("resolved", "Resolved"),
                    ("confirmed", "Confirmed by customer"),
                    ("closed", "Closed"),
                    ("archived", "Archived"),
                    ("cancelled", "Cancelled"),
                ],
                max_length=20,
                verbose_name="to",
            ),
        ),
    ]
