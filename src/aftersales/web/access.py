"""Who may open a staff page: one decorator for every staff app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from aftersales.core import errors

View = Callable[..., HttpResponse]


def staff_page(perm: str) -> Callable[[View], View]:
    """Logged-in staff holding ``perm``; customer (portal) users never see staff pages. A
    service's "not found" (out of scope) becomes the 404 page, its refusal the 403 page."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if user.is_customer_user or not user.has_perm(perm):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except errors.NotFound as exc:
                raise Http404 from exc
            except errors.PermissionDenied as exc:
                raise PermissionDenied from exc

        return wrapped

    return decorate


def client_ip(request: HttpRequest) -> str | None:
    """For the access log (R-13.2)."""
    return request.META.get("REMOTE_ADDR")
