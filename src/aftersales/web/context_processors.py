"""The navigation every page shows, filtered by what the user may do.

Contract (templates rely on it):
- ``nav_links``: list of ``NavLink(label, url_name, icon, url, active)`` for the staff navbar.
  ``NavLink`` is a tuple, so ``for label, url_name, icon, url, active in nav_links`` works.
- ``nav_menu``: the staff navbar's entries in order: each a ``NavLink``, or a ``NavGroup(label,
  icon, links, active)`` shown as a dropdown (the rarely used administration pages, so the menu
  fits on one row at 1280 px; a group of one is shown as its link).
- ``portal_links``: the same for the customer portal navbar.
- ``navigation``: alias of the list that fits the user (portal links for a customer user).
- ``inbox_link``: the staff's notifications (a bell menu beside the user menu), or None;
  ``unread_notifications``: a callable, read only when a page shows it, at most once a request
  (one indexed COUNT, ``core.selectors.inbox_unread_count``).
- ``product_name``: the translated product name.

A link whose URL name does not resolve (its app is not built yet) is left out rather than
breaking every page. Permission checks use ``user.has_perm`` so an administrator can change
what a role sees by editing the group, without touching code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, NamedTuple

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.fieldservice import nav as fieldservice_nav
from aftersales.fieldservice import visit_vocabulary
from aftersales.surveys import nav as surveys_nav


class NavLink(NamedTuple):
    label: str | Promise
    url_name: str
    icon: str
    url: str
    active: bool


def _is_staff_user(user: Any) -> bool:
    return not getattr(user, "is_customer_user", False)


def _is_customer_user(user: Any) -> bool:
    return bool(getattr(user, "is_customer_user", False))


def _has_role(user: Any, *roles: str) -> bool:
    has_role = getattr(user, "has_role", None)
    return bool(has_role and has_role(*roles))


class NavGroup(NamedTuple):
    label: str | Promise
    icon: str
    links: list[NavLink]
    active: bool


ADMIN_GROUP = "admin"
FEEDBACK_GROUP = "feedback"
PARTS_GROUP = "parts"  # stock, customer property and the repair shop: one entry, so the menu fits 1280 px
FIELD_GROUP = "field"  # dispatch, the board, the day's jobs and the reports to review: one entry too
GROUPS = {
    FIELD_GROUP: (pgettext_lazy("navigation", "Field service"), "truck"),
    ADMIN_GROUP: (pgettext_lazy("navigation", "Manage"), "grid"),
    PARTS_GROUP: (pgettext_lazy("navigation", "Parts and repairs"), "gear-wide-connected"),
    FEEDBACK_GROUP: (pgettext_lazy("navigation", "Feedback"), "megaphone"),
}


@dataclass(frozen=True)
class _Item:
    label: str | Promise
    url_name: str
    icon: str  # a Bootstrap Icons name without the "bi-" prefix
    visible: Callable[[Any], bool]
    group: str = ""  # a key of GROUPS: shown in that dropdown


def _perm(name: str) -> Callable[[Any], bool]:
    return lambda user: _is_staff_user(user) and user.has_perm(name)


# Order is the order in the navbar. Superusers pass every has_perm check.
STAFF_ITEMS: list[_Item] = [
    _Item(_("Work orders"), "workorders:list", "list-check", _perm("workorders.view_workorder")),
    _Item(_("New request"), "workorders:intake", "telephone-plus", _perm("workorders.add_workorder")),
    _Item(_("Dispatch"), "dispatch:queue", "signpost-split", _perm("workorders.assign_workorder"), FIELD_GROUP),
    _Item(_("Customers"), "customers:list", "people", _perm("customers.view_customer")),
    _Item(_("Spare parts"), "parts:list", "gear-wide-connected", _perm("parts.view_part"), PARTS_GROUP),
    _Item(_("Customer property"), "property:list", "box-seam", _perm("parts.view_customerproperty"), PARTS_GROUP),
    _Item(
        pgettext_lazy("navigation", "SLA compliance"), "sla:compliance", "speedometer2", _perm("sla.view_compliance")
    ),
    _Item(_("Repair shop"), "repairs:list", "tools", _perm("repairs.view_repairorder"), PARTS_GROUP),
    # Field service: the dispatcher's week board; a technician's jobs of the day.
    _Item(
        fieldservice_nav.BOARD,
        "fieldservice:board",
        "calendar-week",
        _perm("fieldservice.view_all_appointments"),
        FIELD_GROUP,
    ),
    _Item(
        fieldservice_nav.TODAY,
        "fieldservice:today",
        "phone",
        lambda user: _is_staff_user(user) and _has_role(user, "technician"),
        FIELD_GROUP,
    ),
    # Service reports to review: supervisors.
    _Item(
        visit_vocabulary.REPORTS_MENU,
        "fieldservice:reports",
        "file-earmark-check",
        _perm("fieldservice.review_visit"),
        FIELD_GROUP,
    ),
    # Complaints and feedback: batch-fault incidents, quality feedback, opinions and praise.
    _Item(
        pgettext_lazy("navigation", "Batch incidents"),
        "feedback:incidents",
        "exclamation-octagon",
        _perm("feedback.view_incident"),
        FEEDBACK_GROUP,
    ),
    _Item(
        pgettext_lazy("navigation", "Quality feedback"),
        "feedback:quality_list",
        "clipboard-pulse",
        lambda user: _perm("feedback.view_qualityfeedback")(user) or _perm("feedback.raise_qualityfeedback")(user),
        FEEDBACK_GROUP,
    ),
    _Item(
        pgettext_lazy("navigation", "Opinions and praise"),
        "feedback:opinions",
        "chat-heart",
        _perm("feedback.view_opinion"),
        FEEDBACK_GROUP,
    ),
    # Customer satisfaction: the scores and the phone survey (电话回访).
    _Item(surveys_nav.SCORES, "surveys:dashboard", "graph-up", _perm("surveys.view_scores"), FEEDBACK_GROUP),
    _Item(
        surveys_nav.PHONE_SURVEY,
        "surveys:phone",
        "telephone-inbound",
        _perm("surveys.record_phone_survey"),
        FEEDBACK_GROUP,
    ),
    _Item(surveys_nav.SAMPLES, "surveys:samples", "shuffle", _perm("surveys.view_scores"), FEEDBACK_GROUP),
    _Item(surveys_nav.MEETINGS, "surveys:meetings", "people", _perm("surveys.view_scores"), FEEDBACK_GROUP),
    _Item(
        surveys_nav.FOLLOW_UP_CALLS,
        "surveys:calls",
        "telephone-outbound",
        _perm("surveys.make_follow_up_call"),
        FEEDBACK_GROUP,
    ),
    _Item(_("Staff and certifications"), "staff:list", "person-badge", _perm("staff.view_staffprofile"), ADMIN_GROUP),
    _Item(_("Work calendar"), "sla:calendar", "calendar3", _perm("sla.change_calendarday"), ADMIN_GROUP),
    _Item(_("SLA policies"), "sla:policies", "stopwatch", _perm("sla.change_slapolicy"), ADMIN_GROUP),
    _Item(
        _("Import and export of parts"),
        "parts_data:hub",
        "file-earmark-spreadsheet",
        lambda user: _perm("parts.import_parts")(user) or _perm("parts.export_stock")(user),
        ADMIN_GROUP,
    ),
    _Item(_("Audit log"), "audit:log", "shield-check", _perm("audit.view_accesslog"), ADMIN_GROUP),
    _Item(_("Outbox"), "core:outbox", "send", _perm("core.view_outbox"), ADMIN_GROUP),
    _Item(_("Log-in lock-outs"), "accounts:lockouts", "shield-lock", _perm("axes.view_accessattempt"), ADMIN_GROUP),
    _Item(
        pgettext_lazy("navigation", "Administration"),
        "admin:index",
        "gear",
        lambda user: user.is_staff and (user.is_superuser or _has_role(user, "admin")),
        ADMIN_GROUP,
    ),
]

# Beside the user menu, with the unread count and the newest notifications as links.
INBOX_ITEM = _Item(_("Notifications"), "core:inbox", "bell", _is_staff_user)

PORTAL_ITEMS: list[_Item] = [
    _Item(_("My requests"), "portal:home", "card-list", _is_customer_user),
    _Item(_("New request"), "portal:request_create", "plus-circle", _is_customer_user),
    _Item(_("My items in your care"), "portal:property", "box-seam", _is_customer_user),
]


def _links(request: HttpRequest, items: list[_Item]) -> list[NavLink]:
    user = request.user
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    current_ns = match.namespace if match else ""
    links = []
    for item in items:
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        namespace = item.url_name.split(":", 1)[0]
        # The list page of an app stays highlighted on its detail pages; other links only on
        # their own page, so "New request" does not light up "Work orders" too.
        active = current == item.url_name or (
            item.url_name.endswith((":list", ":home"))
            and current_ns == namespace
            and not any(current == other.url_name for other in items if other is not item)
        )
        links.append(NavLink(item.label, item.url_name, item.icon, url, active))
    return links


def _menu(links: list[NavLink]) -> list[NavLink | NavGroup]:
    """The navbar's entries: the ungrouped links, and each group as one dropdown where its first
    link would be."""
    group_of = {item.url_name: item.group for item in STAFF_ITEMS}
    grouped: dict[str, list[NavLink]] = {}
    for link in links:
        if group_of.get(link.url_name):
            grouped.setdefault(group_of[link.url_name], []).append(link)
    menu: list[NavLink | NavGroup] = []
    for link in links:
        group = group_of.get(link.url_name, "")
        members = grouped.get(group, [])
        if not group or len(members) == 1:
            menu.append(link)
        elif link is members[0]:
            label, icon = GROUPS[group]
            menu.append(NavGroup(label, icon, members, any(member.active for member in members)))
    return menu


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    context: dict[str, object] = {"product_name": _("After-sales service")}
    if user is None or not user.is_authenticated:
        context.update(nav_links=[], nav_menu=[], portal_links=[], navigation=[])
        return context
    nav_links = _links(request, STAFF_ITEMS)
    portal_links = _links(request, PORTAL_ITEMS)
    inbox = _links(request, [INBOX_ITEM])
    context.update(
        nav_links=nav_links,
        nav_menu=_menu(nav_links),
        portal_links=portal_links,
        navigation=portal_links if _is_customer_user(user) else nav_links,
        inbox_link=inbox[0] if inbox else None,
    )
    if inbox:
        from aftersales.core.selectors import inbox_unread_count

        context["unread_notifications"] = cache(partial(inbox_unread_count, actor=user))
    if not _is_customer_user(user) and user.has_perm("sla.change_calendarday"):
        # A year without its official calendar makes every deadline wrong around holidays:
        # those who can fix it see it on every page (a callable: read only when shown).
        from aftersales.sla.selectors import calendar_warnings

        context["calendar_warnings"] = calendar_warnings
    return context
