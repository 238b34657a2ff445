"""URL helpers for list pages.

{% load web_urls %}
<a href="{% query_replace cursor=page.next_cursor %}">   the current query string with
                                                          "cursor" replaced ("?q=abc&cursor=...")
{% query_replace cursor=None %}                           drops "cursor"
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **changes: Any) -> str:
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
