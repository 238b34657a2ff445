"""Log-ins, failed log-ins and log-outs in the access log (R-13.2), from Django's own signals, so
every door writes them: the log-in page, the Django admin's log-in, ``POST /api/v1/auth/token``
(accounts.api sends ``user_logged_in`` when it hands out a token), and whatever is added
later. Connected in ``AuditConfig.ready``.

django-axes keeps its own failure rows, but only to throttle (accounts/throttle.py, ADR 6): they
are forgotten after the cool-off and when an administrator lifts a lock. The access log is the
lasting record of who logged in, from where, with what.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from aftersales.audit.models import AccessLog
from aftersales.audit.services import record

API_PREFIX = "/api/"  # aftersales.urls mounts the API here
AGENT_MAX = 64

# Browser families in the order their tokens must be tried: Edge and Opera also say "Chrome",
# Chrome also says "Safari", WeChat's browser says all of them.
_BROWSERS = [
    ("MicroMessenger", "WeChat"),
    ("EdgA?|EdgiOS", "Edge"),
    ("OPR", "Opera"),
    ("Firefox|FxiOS", "Firefox"),
    ("HeadlessChrome", "Headless Chrome"),
    ("Chrome|CriOS", "Chrome"),
    ("Version", "Safari"),  # Safari's own version number
]
_SYSTEMS = [
    ("HarmonyOS", "HarmonyOS"),
    ("iPhone|iPad|iPod", "iOS"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X|Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def short_user_agent(agent: str) -> str:
    """A User-Agent header as a person reads it: "Chrome 131 · Windows", "WeChat 8 · iOS"; an API
    client's first product token as it is ("python-requests/2.32.3"); at most 64 characters."""
    agent = agent.strip()
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, agent)), "")
    for pattern, name in _BROWSERS:
        found = re.search(rf"(?:{pattern})/(\d+)", agent)
        if found:
            return " · ".join(part for part in (f"{name} {found.group(1)}", system) if part)[:AGENT_MAX]
    return (agent.split(" ", 1)[0] if agent else "")[:AGENT_MAX]


def _door(request: HttpRequest | None) -> dict[str, Any]:
    """Where the log-in came from and with what (``detail`` of its row)."""
    if request is None:
        return {}
    match = getattr(request, "resolver_match", None)
    via = "admin" if match is not None and match.namespace == "admin" else "page"
    if request.path.startswith(API_PREFIX):
        via = "api"
    agent = short_user_agent(request.headers.get("User-Agent", ""))
    return {"via": via, **({"agent": agent} if agent else {})}


def logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(actor=user, action=AccessLog.Action.LOGIN, obj=user, detail=_door(request))


def logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:  # nobody was logged in: nothing happened
        record(actor=user, action=AccessLog.Action.LOGOUT, obj=user, detail=_door(request))


def login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """The account tried (when there is one by that name) and the name as typed; a try refused
    because axes had locked the account or address says so."""
    model = get_user_model()
    username = str(credentials.get(model.USERNAME_FIELD, "")).strip()
    account = model._default_manager.filter(**{model.USERNAME_FIELD: username}).only("pk").first() if username else None
    detail = _door(request)
    if getattr(request, "axes_locked_out", False):
        detail["locked"] = True
    if account is None:
        detail["unknown_account"] = True
    record(
        actor=None,
        action=AccessLog.Action.LOGIN_FAILED,
        object_type="user",
        object_id=account.pk if account is not None else "",
        object_repr=username,
        detail=detail,
    )
