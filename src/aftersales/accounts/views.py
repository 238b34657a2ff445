"""The user's own API tokens and the administrator's log-in lock-outs. Thin handlers over the
accounts services and selectors; each destructive button asks first on a page of its own (works
without JavaScript), then POSTs."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.accounts import selectors, services
from aftersales.accounts.models import User
from aftersales.core.errors import DomainError, NotFound
from aftersales.web.access import staff_page


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _base(user: User) -> str:
    return "web/portal_base.html" if user.is_customer_user else "web/base.html"


def _confirm(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "accounts/confirm.html", {"base_template": _base(_user(request)), **context})


@require_GET
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": selectors.api_token_list(actor=user), "base_template": _base(user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if request.method == "GET":
        token = selectors.api_token_list(actor=user).filter(pk=pk).first()
        if token is None:
            raise Http404
        return _confirm(
            request,
            {
                "title": _("Revoke API token"),
                "question": _("Revoke the API token “%(name)s”? Programs that use it stop working at once.")
                % {"name": token.name},
                "button": _("Revoke"),
                "cancel_url": "accounts:tokens",
            },
        )
    try:
        token = services.api_token_revoke(actor=user, token_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("The API token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@require_GET
@staff_page("axes.view_accessattempt")
def lockouts(request: HttpRequest) -> HttpResponse:
    accounts, addresses = selectors.lockout_lists(actor=_user(request))
    tables = [
        (_("By account"), accounts, "account", _("Addresses tried from")),
        (_("By address"), addresses, "address", _("Accounts tried")),
    ]
    limits = {"account": settings.LOGIN_FAILURE_LIMIT, "address": settings.LOGIN_ADDRESS_FAILURE_LIMIT}
    return render(request, "accounts/lockouts.html", {"tables": tables, "settings_limits": limits})


@require_http_methods(["GET", "POST"])
@staff_page("axes.delete_accessattempt")
def lockout_lift(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    username, address = data.get("account", ""), data.get("address", "")
    if not username and not address:
        return redirect("accounts:lockouts")
    subject = (
        _("the account “%(name)s”") % {"name": username} if username else _("the address %(ip)s") % {"ip": address}
    )
    if request.method == "GET":
        return _confirm(
            request,
            {
                "title": _("Lift log-in lock"),
                "question": _("Forget the failed log-ins of %(subject)s so that it can log in again at once?")
                % {"subject": subject},
                "button": _("Lift the lock"),
                "cancel_url": "accounts:lockouts",
                "hidden": {"account": username, "address": address},
            },
        )
    try:
        services.lockout_lift(actor=_user(request), username=username, ip_address=address)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, " ".join(str(text) for text in exc.fields.values()) or str(exc.message))
    else:
        messages.success(request, _("The log-in lock of %(subject)s was lifted.") % {"subject": subject})
    return redirect("accounts:lockouts")
