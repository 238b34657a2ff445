from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aftersales.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from aftersales.core import triggers

        checks.register(triggers.check_triggers, checks.Tags.database)
        # After every migrate (and flush): put back triggers a table rebuild dropped (core/triggers.py).
        post_migrate.connect(triggers.repair_after_migrate, sender=self, dispatch_uid="core-triggers-repair")
