"""The customer portal: a customer's own requests, a new request, following one and
confirming or reopening it (R-2.1 web channel, R-3.5, R-13.1).

Thin handlers: parse, call one service or selector, render or redirect. Scope comes from the
selectors: another organisation's work order is "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.audit.services import record
from aftersales.core import errors
from aftersales.core.errors import DomainError, NotFound
from aftersales.portal import selectors
from aftersales.portal.forms import ReopenForm, RequestForm
from aftersales.web.forms import FilterForm, form_status, submit
from aftersales.workorders.selectors import work_order_get, work_order_list, work_order_shown, work_order_timeline
from aftersales.workorders.services import available_actions, work_order_confirm, work_order_create, work_order_reopen

if TYPE_CHECKING:
    from aftersales.accounts.models import User

PAGE_SIZE = 20
View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def portal_page(view: View) -> View:
    """Customer users linked to an organisation only; staff go back to their own pages."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = _user(request)
        if not user.is_customer_user:
            return redirect("web:home")
        if user.customer_id is None:  # a customer login not yet linked to its organisation
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except errors.PermissionDenied:
            raise PermissionDenied from None

    return wrapper


@require_GET
@portal_page
def home(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)  # no filters: the page link (cursor) only
    page = form.page(lambda cursor: work_order_list(actor=_user(request), cursor=cursor, page_size=PAGE_SIZE))
    requests = [work_order_shown(actor=_user(request), work_order=wo) for wo in page.items]
    return render(request, "portal/home.html", {"page": page, "requests": requests, "form": form})


@require_http_methods(["GET", "POST"])
@portal_page
def new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = RequestForm(request.POST or None, products=selectors.portal_products(actor=user))
    wo = submit(
        form,
        lambda: work_order_create(actor=user, customer_id=user.customer_id, **form.service_values()),
    )
    if wo is not None:
        messages.success(
            request,
            _("Your request %(number)s has been submitted. We will contact you soon.") % {"number": wo.number},
        )
        return redirect("portal:detail", pk=wo.pk)
    return render(request, "portal/new.html", {"form": form}, status=form_status(form))


def _detail(
    request: HttpRequest,
    pk: int,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
    attachment_form: Any = None,  # an upload refused (portal/attachment_views.py)
) -> HttpResponse:
    user = _user(request)
    wo = work_order_get(actor=user, work_order_id=pk)
    record(actor=user, action="view", obj=wo)
    context = {
        "wo": work_order_shown(actor=user, work_order=wo),
        "timeline": work_order_timeline(actor=user, work_order_id=wo.pk),
        "actions": available_actions(actor=user, wo=wo),
        "reopen_form": reopen_form or ReopenForm(),
        "attachment_form": attachment_form,
    }
    return render(request, "portal/detail.html", context, status=status)


@require_GET
@portal_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@require_POST
@portal_page
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        work_order_confirm(actor=_user(request), work_order_id=pk)
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Thank you for confirming. We are glad the problem is solved."))
    return redirect("portal:detail", pk=pk)


@require_POST
@portal_page
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReopenForm(request.POST)
    if submit(
        form, lambda: work_order_reopen(actor=_user(request), work_order_id=pk, reason=form.cleaned_data["reason"])
    ):
        messages.success(
            request, _("We are sorry it is not fixed yet. Your request is open again and we will contact you.")
        )
        return redirect("portal:detail", pk=pk)
    return _detail(request, pk, reopen_form=form, status=422)
