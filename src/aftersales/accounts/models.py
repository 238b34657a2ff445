from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import Role


class Team(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in: staff member or customer (portal) user.

    ``customer`` is set for portal users and limits them to their own organisation (R-13.1).
    """

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_users",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name_of(self.display_name, self.first_name, self.last_name, self.username)

    @staticmethod
    def name_of(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """How a user is named, from the columns alone (for reads of many users as rows)."""
        return display_name or f"{first_name} {last_name}".strip() or username

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Django's rule (an active superuser has every permission; otherwise a backend grants it),
        answered for a permission on no object from the set the backends give once per user
        object. Django asks every backend again at each check, and a work order's answer asks
        some 25 (its allowed actions, the scopes): at intake that cost more than an INSERT."""
        if obj is not None:
            return super().has_perm(perm, obj)
        if self.is_active and self.is_superuser:
            return True
        perms: set[str] | None = self.__dict__.get("_all_perms")
        if perms is None:
            perms = self._all_perms = self.get_all_permissions()
        return perm in perms

    @property
    def role_codes(self) -> set[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    @property
    def is_customer_user(self) -> bool:
        return self.customer_id is not None or self.has_role(Role.CUSTOMER)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal token for integrations; only its hash is stored.

    It works until ``expires_at`` (``API_TOKEN_TTL_DAYS`` after it was issued) unless it was
    revoked: by its owner (the "My API tokens" page, ``DELETE /api/v1/auth/token``), or with all of
    the owner's tokens when their password changes or they are deactivated (accounts.signals).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw() -> str:
        return "as_" + secrets.token_urlsafe(32)
