"""Grant the repair-order and shipment permissions to the roles (a frozen copy of the additions to
accounts.roles: REPAIRS_READ, REPAIRS_DESK and the repairer's and QA's own)."""

from django.db import migrations

READ = ["view_repairorder", "view_all_repairorders", "view_shipment", "view_all_shipments"]
DESK = [*READ, "add_repairorder", "manage_repairorder", "add_shipment", "confirm_shipment_delivery"]
GRANTS = {
    "admin": [*DESK, "repair_repairorder", "inspect_repairorder"],
    "agent": DESK,
    "dispatcher": DESK,
    "supervisor": DESK,
    "technician": ["view_repairorder", "repair_repairorder", "view_shipment"],
    "expert": [*READ, "repair_repairorder"],
    "qa": [*READ, "inspect_repairorder"],
    "executive": READ,
    "quality": READ,
}


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
        group.permissions.add(*Permission.objects.filter(content_type__app_label="repairs", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="repairs", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0001_repair_orders_and_shipments"),
        ("accounts", "0003_create_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
