"""Grant the QA follow-up calls' permission (R-8.1) to the roles (a frozen copy of accounts.roles
SURVEYS_CALLS)."""

from django.db import migrations

GRANTS = {"admin": ["make_follow_up_call"], "qa": ["make_follow_up_call"], "supervisor": ["make_follow_up_call"]}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

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
        group.permissions.add(*Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0007_follow_up_calls"), ("accounts", "0003_create_role_groups")]

    operations = [migrations.RunPython(grant, revoke)]
