"""Grant the appointment permissions to the roles (a frozen copy of accounts.roles
APPOINTMENT_GRANTS)."""

from django.db import migrations

READ = ["view_appointment", "view_all_appointments"]
MANAGE = [*READ, "manage_appointment"]
GRANTS = {
    "admin": MANAGE,
    "dispatcher": MANAGE,
    "supervisor": MANAGE,
    "agent": READ,
    "qa": READ,
    "quality": READ,
    "executive": READ,
    "technician": ["view_appointment"],
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
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="fieldservice", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="fieldservice", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("fieldservice", "0001_appointments"),
        ("accounts", "0003_create_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
