"""Log-in throttling: django-axes, per account and per address, with a lock that grows (back-off).

Every ``authenticate(request=...)`` goes through axes: the log-in page, the Django admin's log-in
and ``POST /api/v1/auth/token``. Axes keeps one row of failures per (account, address, browser);
this handler counts them twice:

* per account, from any address: ``LOGIN_FAILURE_LIMIT`` failures lock the account;
* per address, for any account: ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures lock the address. It is
  higher because a whole office or call centre often reaches us from one address.

A locked account or address is refused even with the right password, and each refused try counts
as a failure too. Failures are forgotten ``LOGIN_COOLOFF_MINUTES`` after the last one; every
further limit's worth of failures doubles that time, up to a day, so a patient guesser gets
slower and slower (docs/adr/0006-log-in-throttling.md). An administrator lifts a lock on the
lock-out page (``accounts:lockouts``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_credentials
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError, ValidationFailed

LONGEST_LOCK = dt.timedelta(days=1)
API_PREFIX = "/api/"  # aftersales.urls mounts the API here; its answers stay JSON


def lock_duration(strikes: int) -> dt.timedelta:
    """How long failures are remembered after the last one: the cool-off, doubled for each
    limit's worth of strikes past the first, at most a day."""
    doublings = max(0, strikes // settings.LOGIN_FAILURE_LIMIT - 1)
    cool_off: dt.timedelta = settings.AXES_COOLOFF_TIME
    return min(cool_off * (1 << min(doublings, 16)), LONGEST_LOCK)


def address_strikes(failures: int) -> int:
    """An address's failures in the account's units: LOGIN_ADDRESS_FAILURE_LIMIT of them are
    LOGIN_FAILURE_LIMIT strikes, so one comparison with axes' limit locks both."""
    return failures * settings.LOGIN_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    total: int | None = attempts.aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class ThrottleHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes has no types
    """Axes' database handler counting per account and per address, each with its own limit,
    and lengthening the rows' expiry as the failures grow (``AXES_USE_ATTEMPT_EXPIRATION``)."""

    def get_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> list[QuerySet[Any]]:
        """The live rows of this request's account and of its address, in that order."""
        live = AccessAttempt.objects.filter(expiration__expires_at__gt=request.axes_attempt_time)
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        return [
            live.filter(username=username) if username else live.none(),
            live.filter(ip_address=address) if address else live.none(),
        ]

    def _strikes(self, request: Any, credentials: dict[str, Any] | None) -> tuple[int, int]:
        account, address = self.get_user_attempts(request, credentials)
        return _failures(account), address_strikes(_failures(address))

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        return max(self._strikes(request, credentials))

    def locked_until(self, request: Any, credentials: dict[str, Any] | None = None) -> dt.datetime | None:
        """When the lock of this request's account or address ends (the later), None if neither is locked."""
        rows = self.get_user_attempts(request, credentials)
        ends = [
            attempts.aggregate(until=Max("expiration__expires_at"))["until"]
            for attempts, strikes in zip(rows, self._strikes(request, credentials), strict=True)
            if strikes >= settings.LOGIN_FAILURE_LIMIT
        ]
        return max(ends, default=None)

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        # The back-off: the account's and the address's rows are remembered as long as their
        # strikes say (axes itself gives each row the plain cool-off after its last failure).
        rows = self.get_user_attempts(request, credentials)
        for attempts, strikes in zip(rows, self._strikes(request, credentials), strict=True):
            until = request.axes_attempt_time + lock_duration(strikes)
            AccessAttemptExpiration.objects.filter(access_attempt__in=attempts, expires_at__lt=until).update(
                expires_at=until
            )


def authenticate_or_refuse(request: HttpRequest, *, username: str, password: str) -> User:
    """``authenticate()`` for the API, which answers with codes: 422 without a username or
    password, 429 ``too_many_attempts`` when the account or address is locked, 401
    ``invalid_credentials`` for a wrong password or an inactive account."""
    fields = {}
    if not username:
        fields["username"] = _("Enter the username.")
    if not password:
        fields["password"] = _("Enter the password.")
    if fields:
        raise ValidationFailed(fields)
    user = authenticate(request, username=username, password=password)
    if isinstance(user, User):
        return user
    if is_locked_out(request):
        raise lockout_error(request, get_credentials(username))
    raise DomainError("invalid_credentials", _("Wrong username or password."), status=401)


def retry_after(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """Seconds until this request's account and address are no longer locked (at least 1)."""
    AxesProxyHandler.update_request(request)
    until: dt.datetime | None = AxesProxyHandler.get_implementation().locked_until(request, credentials)
    if until is None:
        return 1
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed log-ins for this account or from this address. Try again in %(minutes)d "
        "minute, or ask an administrator to lift the lock.",
        "Too many failed log-ins for this account or from this address. Try again in %(minutes)d "
        "minutes, or ask an administrator to lift the lock.",
        minutes,
    ) % {"minutes": minutes}


def lockout_error(request: HttpRequest, credentials: dict[str, Any] | None = None) -> DomainError:
    """The API's answer to a locked-out log-in (429; the middleware adds ``Retry-After``)."""
    return DomainError("too_many_attempts", lockout_message(retry_after(request, credentials)), status=429)


def is_locked_out(request: HttpRequest) -> bool:
    """Whether axes refused or locked this request's log-in (set by its backend and handler)."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: axes' middleware calls it for every locked-out log-in. The API
    already answered 429 ``too_many_attempts`` (accounts.api); a page gets the log-in page again
    with the reason in the user's language instead of axes' English text. Both say when to retry."""
    seconds = retry_after(request, credentials)
    if request.path.startswith(API_PREFIX) and original_response is not None:
        response = original_response
    else:
        username = get_client_username(request, credentials) or ""
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "lockout_message": lockout_message(seconds), "next": request.POST.get("next", "")}
        response = render(request, "accounts/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
