from __future__ import annotations

import datetime as dt
import ipaddress

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.backends import user_read
from aftersales.accounts.models import ApiToken, User, hash_token
from aftersales.audit.models import AccessLog
from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed

NAME_MAX = ApiToken._meta.get_field("name").max_length or 64


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issue a personal API token to ``actor`` (who has just proved their password); returns
    (token, raw key). Only the key's hash is stored; it expires after ``API_TOKEN_TTL_DAYS``."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": _("Give the token a name.")})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": _("At most %(n)d characters.") % {"n": NAME_MAX}})
    if not actor.is_active:
        raise PermissionDenied
    raw = ApiToken.new_raw()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            key_hash=hash_token(raw),
            prefix=raw[:8],
            expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        record(actor=actor, action=AccessLog.Action.CREATE, obj=token)
    return token, raw


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of ``actor``'s own tokens (someone else's is not found); revoking a revoked
    token again changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=actor, pk=token_id).first()
        if token is None:
            raise NotFound(_("No such API token."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(actor=actor, action=AccessLog.Action.CHANGE, verb="revoke", obj=token)
    return token


def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every live token of ``user``: their password changed or they were deactivated
    (accounts.signals; no actor, whoever did it). Returns how many were revoked."""
    with transaction.atomic():
        count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if count:
            record(
                actor=None,
                action=AccessLog.Action.CHANGE,
                verb="revoke_tokens",
                obj=user,
                detail={"api_tokens_revoked": count, "why": reason},
            )
    return count


TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)  # how often a token's "last used" time is written


def api_token_user(*, raw: str) -> User | None:
    """The active user a live (unexpired, unrevoked) token belongs to, in one raw statement (it
    runs on every API call; the ORM's compilation of the same join costs four times its
    execution). ``user.token_id`` is the token's id."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    found = user_read(
        f"JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active = %s",
        [adapt(now - TOKEN_TOUCH_INTERVAL), hash_token(raw), adapt(now), True],
        extra=("t.id", "CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END"),
    )
    if found is None:
        return None
    user, (token_id, stale) = found
    user.token_id = token_id  # type: ignore[attr-defined]  # for DELETE /auth/token
    if stale:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)  # type: ignore[attr-defined]
    return user


def api_token_refusal(*, raw: str) -> DomainError:
    """Why ``api_token_user`` found no user for this token, as the API's 401 (asked only after
    a refusal, so the hot path stays one statement)."""
    token = ApiToken.objects.filter(key_hash=hash_token(raw)).select_related("user").first()
    if token is not None and token.revoked_at is not None:
        return DomainError("token_revoked", _("This API token was revoked. Ask for a new one."), status=401)
    if token is not None and token.expires_at <= timezone.now():
        return DomainError("token_expired", _("This API token has expired. Ask for a new one."), status=401)
    return DomainError("invalid_token", _("This API token is not valid."), status=401)


def lockout_lift(*, actor: User, username: str = "", ip_address: str = "") -> int:
    """Lift the log-in lock of one account (from every address) or of one address (for every
    account): forget their failed log-ins. Returns how many failures were forgotten."""
    if not actor.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied
    if bool(username) == bool(ip_address):
        raise ValidationFailed({"__all__": _("Name either an account or an address.")})
    if ip_address:
        try:
            ip_address = str(ipaddress.ip_address(ip_address))
        except ValueError:
            raise ValidationFailed({"ip_address": _("Enter a valid IP address.")}) from None
    attempts = (
        AccessAttempt.objects.filter(username=username)
        if username
        else AccessAttempt.objects.filter(ip_address=ip_address)
    )
    with transaction.atomic():
        failures = int(sum(attempts.values_list("failures_since_start", flat=True)))
        attempts.delete()
        record(
            actor=actor,
            action=AccessLog.Action.CHANGE,
            verb="lockout_lift",
            object_type="lockout",
            object_id=(username or ip_address)[:32],
            detail={"lifted": "account" if username else "address", "failures": failures},
        )
    return failures
