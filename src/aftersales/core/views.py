"""Pages of the core app: the notification outbox (supervisors) and each user's inbox.

Thin handlers: parse the request, call one selector or service, render or redirect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core import selectors
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.forms import InboxFilterForm, OutboxFilterForm
from aftersales.core.masking import shown_contact_address
from aftersales.core.models import OutboxMessage
from aftersales.core.outbox import (
    inbox_mark_all_read,
    inbox_mark_read,
    outbox_retry,
    worker_is_down,
    worker_last_seen,
)
from aftersales.core.subjects import subjects_shown

if TYPE_CHECKING:
    from aftersales.accounts.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _page(rows: list[OutboxMessage]) -> tuple[list[OutboxMessage], int | None]:
    """Cut one extra row off; its presence means there is a next page, starting below the last id."""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        return rows, rows[-1].pk
    return rows, None


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse(default))


@require_GET
@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.outbox_visible(actor=user):
        raise PermissionDenied
    form = OutboxFilterForm(request.GET)
    v = form.values()
    status, channel = v["status"], v["channel"]
    qs = selectors.outbox_list(actor=user, status=status, channel=channel, before_id=v["before"])
    rows, next_before = _page(list(qs[: PAGE_SIZE + 1]))
    filters = {k: v for k, v in (("status", status), ("channel", channel)) if v}
    counts = selectors.outbox_status_counts(actor=user)
    last_seen = worker_last_seen()
    # What each message is about, by its label and linked, as far as this user may see it.
    subjects = subjects_shown(actor=user, topics={m.topic for m in rows if m.topic})
    return render(
        request,
        "core/outbox.html",
        {
            "rows": rows,
            # Each row with its address as this user may see it (masked without contact details).
            "items": [(m, shown_contact_address(user, m.address), subjects.get(m.topic)) for m in rows],
            "worker_last_seen": last_seen,
            "worker_down": worker_is_down(last_seen=last_seen),
            "next_before": next_before,
            "status": status,
            "channel": channel,
            "filters": filters,
            "counts": counts,
            "statuses": [(value, label, counts.get(value, 0)) for value, label in OutboxMessage.Status.choices],
            "channels": OutboxMessage.Channel.choices,
            "paged": v["before"] is not None,
            "form": form,
        },
    )


@require_POST
@login_required
def outbox_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        outbox_retry(actor=_user(request), message_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Message #%(id)s was queued for delivery again.") % {"id": pk})
    return _back(request, "core:outbox")


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = InboxFilterForm(request.GET)
    v = form.values()
    unread_only = v["unread"] == "1"
    groups = selectors.inbox_groups(actor=user, unread_only=unread_only, before_id=v["before"], limit=PAGE_SIZE + 1)
    next_before = None
    if len(groups) > PAGE_SIZE:
        groups = groups[:PAGE_SIZE]
        next_before = groups[-1].latest.pk
    return render(
        request,
        "core/inbox.html",
        {
            "groups": groups,
            "next_before": next_before,
            "unread_only": unread_only,
            "paged": v["before"] is not None,
            "form": form,
        },
    )


MENU_SIZE = 8


@require_GET
@login_required
def inbox_menu(request: HttpRequest) -> HttpResponse:
    """The navbar's notification menu (loaded when it is opened): the newest rows of the inbox."""
    groups = selectors.inbox_groups(actor=_user(request), limit=MENU_SIZE)
    return render(request, "core/_inbox_menu.html", {"groups": groups})


@require_GET
@login_required
def inbox_group(request: HttpRequest, pk: int) -> HttpResponse:
    """Every notification of one inbox row (htmx, when the row is expanded)."""
    rows = selectors.inbox_group_messages(actor=_user(request), message_id=pk)
    if not rows:
        raise Http404
    return render(request, "core/_inbox_group.html", {"rows": rows})


@require_GET
@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open what a notification is about: it (and its group) is read, and the reader goes to the
    object's page if they may still see it; if not, back to the inbox without it."""
    user = _user(request)
    try:
        message = inbox_mark_read(actor=user, message_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    subject = subjects_shown(actor=user, topics=[message.topic]).get(message.topic) if message.topic else None
    if subject is None:
        messages.info(request, _("This notification links to nothing you can open now."))
        return redirect("core:inbox")
    return HttpResponseRedirect(subject.url)


@require_POST
@login_required
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        inbox_mark_read(actor=_user(request), message_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    return _back(request, "core:inbox")


@require_POST
@login_required
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = inbox_mark_all_read(actor=_user(request))
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request, "core:inbox")
