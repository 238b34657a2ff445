"""A user's API tokens die with their password and with their account.

Connected in AccountsConfig.ready. ``post_save`` sees every way a password is set and saved — the
password page, the Django admin, ``manage.py changepassword``, a password reset — because
``AbstractBaseUser.set_password`` keeps the new password in ``_password`` until the save after it
has run; and every deactivation that saves the user (the admin's "active" box).
"""

from __future__ import annotations

from typing import Any

from aftersales.accounts.models import User
from aftersales.accounts.services import api_tokens_revoke_all


def revoke_tokens_on_password_change_or_deactivation(
    sender: type[User], instance: User, created: bool, **kwargs: Any
) -> None:
    if created:
        return
    if getattr(instance, "_password", None) is not None:
        api_tokens_revoke_all(user=instance, reason="password changed")
    elif not instance.is_active:
        api_tokens_revoke_all(user=instance, reason="deactivated")
