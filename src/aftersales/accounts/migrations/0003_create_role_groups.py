"""Create one group per role with its permissions (SPEC.md "Users and roles")."""

from django.db import migrations

# A frozen copy of accounts.roles.ROLE_PERMISSIONS as of this migration: migrations never
# import app code. A later change to the table comes with a migration of its own.
ROLE_PERMISSIONS = {
    "admin": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "workorders.view_all_workorders", "customers.view_contact_details",
        "customers.add_customer", "customers.change_customer", "customers.add_installedproduct",
        "customers.change_installedproduct", "workorders.add_workorder", "workorders.assign_workorder",
        "workorders.handle_workorder", "workorders.close_workorder", "workorders.record_communication",
        "audit.view_accesslog", "audit.export_records",
    ],
    "agent": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "workorders.view_all_workorders", "customers.view_contact_details",
        "customers.add_customer", "customers.change_customer", "customers.add_installedproduct",
        "customers.change_installedproduct", "workorders.add_workorder", "workorders.assign_workorder",
        "workorders.handle_workorder", "workorders.close_workorder", "workorders.record_communication",
    ],
    "dispatcher": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "workorders.view_all_workorders", "customers.view_contact_details",
        "workorders.add_workorder", "workorders.assign_workorder", "workorders.record_communication",
    ],
    "technician": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "customers.view_contact_details", "workorders.handle_workorder",
        "workorders.record_communication",
    ],
    "expert": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "workorders.view_all_workorders", "workorders.handle_workorder",
        "workorders.record_communication",
    ],
    "qa": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "workorders.view_all_workorders", "customers.view_contact_details",
        "workorders.record_communication",
    ],
    "supervisor": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "workorders.view_all_workorders", "customers.view_contact_details",
        "customers.add_customer", "customers.change_customer", "customers.add_installedproduct",
        "customers.change_installedproduct", "workorders.add_workorder", "workorders.assign_workorder",
        "workorders.handle_workorder", "workorders.close_workorder", "workorders.record_communication",
        "workorders.archive_workorder", "audit.view_accesslog", "audit.export_records",
    ],
    "executive": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "workorders.view_all_workorders", "audit.view_accesslog",
    ],
    "quality": [
        "customers.view_customer", "customers.view_installedproduct", "catalog.view_productmodel",
        "workorders.view_workorder", "workorders.view_all_workorders",
    ],
    "customer": ["workorders.submit_request", "workorders.confirm_own_workorder"],
}


def grant_role_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make them exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    grant_role_permissions(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_customer"),
        ("customers", "0001_initial"),
        ("workorders", "0001_initial"),
        ("catalog", "0001_initial"),
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
