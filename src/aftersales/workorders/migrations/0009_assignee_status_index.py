"""Each technician's open load (dispatch proposals, R-5.1): an index on (assignee, status), so the
count seeks the open statuses of the listed technicians instead of reading every row assigned to
them. AddIndex is CREATE INDEX: no table rebuild on SQLite, the triggers stay."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("customers", "0003_customer_name_key_and_canonical_phones"),
        ("workorders", "0008_cancelled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(fields=["assignee", "status"], name="wo_assignee_status_idx"),
        ),
    ]
