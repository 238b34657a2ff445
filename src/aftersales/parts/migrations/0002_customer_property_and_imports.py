"""Customer property in our care (用户备品, R-7.3), parts imports, and the roles' permissions for
them: a frozen copy of accounts.roles PROPERTY_KEEP / PROPERTY_ALL / PARTS_DATA (migrations never
import app code)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


KEEP = ["view_customerproperty", "add_customerproperty", "change_customerproperty"]
ALL = KEEP + ["view_all_customerproperty", "manage_customerproperty"]
DATA = ["import_parts", "export_stock"]
GRANTS = {
    "admin": ALL + DATA,
    "supervisor": ALL + DATA,
    "agent": ALL,
    "technician": KEEP,
    "qa": KEEP,
    "executive": ["view_customerproperty", "view_all_customerproperty"],
}
CODENAMES = sorted({c for codenames in GRANTS.values() for c in codenames})


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make them exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    grant_permissions(apps)


def grant_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="parts", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="parts", codename__in=CODENAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_notification_channel"),
        ("parts", "0001_initial"),
        ("workorders", "0006_communication_events_at_recording_time"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("accounts", "0003_create_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerProperty",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=32, unique=True, verbose_name="item number")),
                ("description", models.CharField(max_length=200, verbose_name="item")),
                ("serial_number", models.CharField(blank=True, max_length=64, verbose_name="serial number")),
                ("condition", models.TextField(blank=True, max_length=2000, verbose_name="condition when received")),
                (
                    "status",
                    models.CharField(
                        choices=[("in_custody", "In our care"), ("returned", "Returned")],
                        default="in_custody",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("held_since", models.DateTimeField(blank=True, null=True, verbose_name="held since")),
                ("received_at", models.DateTimeField(verbose_name="received on")),
                ("returned_at", models.DateTimeField(blank=True, null=True, verbose_name="returned at")),
                ("returned_to", models.CharField(blank=True, max_length=64, verbose_name="returned to")),
                (
                    "return_signature",
                    models.FileField(blank=True, max_length=255, upload_to="", verbose_name="signature"),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="customers.customer",
                        verbose_name="customer",
                    ),
                ),
                (
                    "holder",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="held by",
                    ),
                ),
                (
                    "received_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="received by",
                    ),
                ),
                (
                    "work_order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workorders.workorder",
                        verbose_name="work order",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer property",
                "verbose_name_plural": "customer property",
                "permissions": [
                    ("view_all_customerproperty", "Can see all customer property"),
                    ("manage_customerproperty", "Can hand over and return any customer property"),
                ],
                "default_permissions": ("add", "change", "view"),
            },
        ),
        migrations.CreateModel(
            name="CustodyTransfer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("received", "Received from the customer"),
                            ("handed_over", "Handed over"),
                            ("returned", "Returned to the customer"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("at", models.DateTimeField(verbose_name="time")),
                (
                    "from_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="handed over by",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "to_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="handed over to",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transfers",
                        to="parts.customerproperty",
                        verbose_name="customer property",
                    ),
                ),
            ],
            options={
                "verbose_name": "custody transfer",
                "verbose_name_plural": "custody transfers",
                "ordering": ["at", "id"],
            },
        ),
        migrations.CreateModel(
            name="PartsImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("catalogue", "Parts catalogue"), ("opening_stock", "Opening stock")],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("invalid", "Has errors"),
                            ("ready", "Ready to import"),
                            ("queued", "Waiting to run"),
                            ("running", "Importing"),
                            ("done", "Imported"),
                            ("failed", "Not imported"),
                        ],
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("file", models.FileField(max_length=255, upload_to="", verbose_name="file")),
                ("name", models.CharField(max_length=255, verbose_name="file name")),
                ("rows_total", models.PositiveIntegerField(default=0, verbose_name="rows")),
                ("rows_done", models.PositiveIntegerField(default=0, verbose_name="rows processed")),
                ("errors", models.JSONField(blank=True, default=list, verbose_name="errors")),
                ("created", models.PositiveIntegerField(default=0, verbose_name="new rows")),
                ("updated", models.PositiveIntegerField(default=0, verbose_name="updated rows")),
                ("created_at", models.DateTimeField(verbose_name="uploaded at")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "parts import",
                "verbose_name_plural": "parts imports",
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("import_parts", "Can import the parts catalogue and opening stock"),
                    ("export_stock", "Can export stock to Excel"),
                ],
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="PropertyPhoto",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(max_length=255, upload_to="", verbose_name="file")),
                ("thumbnail", models.FileField(max_length=255, upload_to="", verbose_name="thumbnail")),
                ("name", models.CharField(max_length=255, verbose_name="file name")),
                ("kind", models.CharField(max_length=8, verbose_name="kind")),
                ("size", models.PositiveIntegerField(verbose_name="size in bytes")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded at")),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="photos",
                        to="parts.customerproperty",
                        verbose_name="customer property",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "photo of customer property",
                "verbose_name_plural": "photos of customer property",
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="customerproperty",
            index=models.Index(fields=["customer", "status", "id"], name="custprop_customer_idx"),
        ),
        migrations.AddIndex(
            model_name="customerproperty",
            index=models.Index(fields=["holder", "status", "id"], name="custprop_holder_idx"),
        ),
        migrations.AddIndex(
            model_name="customerproperty",
            index=models.Index(fields=["status", "id"], name="custprop_status_idx"),
        ),
        migrations.AddConstraint(
            model_name="customerproperty",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("holder__isnull", False), ("returned_at__isnull", True), ("status", "in_custody")),
                    models.Q(("holder__isnull", True), ("returned_at__isnull", False), ("status", "returned")),
                    _connector="OR",
                ),
                name="custprop_holder_matches_status",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
