"""The roles' feedback permissions (a frozen copy of accounts.roles' FEEDBACK_* lists) and the
default rule row (R-8.4 window 7 days, threshold 10; R-8.3 10 working days; complaints 2 h)."""

from django.db import migrations

GRANTS = {
    "admin": [
        "view_incident",
        "manage_incident",
        "add_complaint",
        "handle_complaint",
        "follow_up_complaint",
        "raise_qualityfeedback",
        "view_qualityfeedback",
        "handle_qualityfeedback",
        "add_opinion",
        "view_opinion",
        "change_opinion",
        "view_feedbackrule",
        "change_feedbackrule",
    ],
    "agent": ["add_complaint", "raise_qualityfeedback", "add_opinion", "view_opinion", "change_opinion"],
    "dispatcher": ["raise_qualityfeedback", "add_opinion", "view_opinion"],
    "technician": ["raise_qualityfeedback"],
    "expert": ["view_incident", "raise_qualityfeedback"],
    "qa": ["follow_up_complaint", "raise_qualityfeedback", "view_opinion"],
    "supervisor": [
        "view_incident",
        "add_complaint",
        "handle_complaint",
        "follow_up_complaint",
        "raise_qualityfeedback",
        "view_qualityfeedback",
        "add_opinion",
        "view_opinion",
        "change_opinion",
    ],
    "executive": ["view_incident", "manage_incident", "view_qualityfeedback", "view_opinion"],
    "quality": ["view_incident", "raise_qualityfeedback", "view_qualityfeedback", "handle_qualityfeedback", "view_opinion"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make them exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    grant_permissions(apps)
    create_rule(apps)


def grant_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames))


def create_rule(apps):
    FeedbackRule = apps.get_model("feedback", "FeedbackRule")
    FeedbackRule.objects.get_or_create(pk=1)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("accounts", "0003_create_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
