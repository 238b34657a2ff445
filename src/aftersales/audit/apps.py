from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "aftersales.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from aftersales.audit import signals

        user_logged_in.connect(signals.logged_in, dispatch_uid="audit-logged-in")
        user_logged_out.connect(signals.logged_out, dispatch_uid="audit-logged-out")
        user_login_failed.connect(signals.login_failed, dispatch_uid="audit-login-failed")
