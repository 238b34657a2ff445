import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_grant_lockout_permissions"),
        ("surveys", "0002_grant_survey_permissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImprovementItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="month")),
                ("dimension", models.CharField(max_length=16, verbose_name="dimension")),
                ("score", models.DecimalField(decimal_places=2, max_digits=4, verbose_name="score")),
                ("root_cause", models.TextField(blank=True, verbose_name="root cause")),
                ("department", models.CharField(blank=True, max_length=64, verbose_name="responsible department")),
                ("deadline", models.DateField(blank=True, null=True, verbose_name="deadline")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("verified", "Verified"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("verification", models.TextField(blank=True, verbose_name="verification")),
                ("opened_at", models.DateTimeField(verbose_name="opened at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "improvement item",
                "verbose_name_plural": "improvement items",
                "ordering": ["-month", "dimension", "pk"],
                "permissions": [("manage_improvement", "Can work on satisfaction improvement items")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("team__isnull", False)),
                        fields=("month", "team", "dimension"),
                        name="survey_item_team_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("team__isnull", True)),
                        fields=("month", "dimension"),
                        name="survey_item_company_once",
                    ),
                ],
            },
        ),
    ]
