from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from aftersales.accounts import checks, signals
        from aftersales.accounts.models import User

        del checks  # registers the system checks
        post_save.connect(
            signals.revoke_tokens_on_password_change_or_deactivation,
            sender=User,
            dispatch_uid="accounts-revoke-tokens",
        )
