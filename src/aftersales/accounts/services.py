from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ApiToken, User, hash_token
from aftersales.core.errors import DomainError, ValidationFailed


def api_token_create(*, username: str, password: str, name: str = "") -> tuple[ApiToken, str]:
    """Exchange a username and password for a personal API token; returns (token, raw key)."""
    fields = {}
    if not username:
        fields["username"] = _("Enter the username.")
    if not password:
        fields["password"] = _("Enter the password.")
    if fields:
        raise ValidationFailed(fields)
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise DomainError("invalid_credentials", _("Wrong username or password."), status=401)
    raw = ApiToken.new_raw()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:64], key_hash=hash_token(raw), prefix=raw[:8])
    return token, raw


def api_token_user(*, raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
