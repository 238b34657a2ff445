"""Keyset pagination: fast on any page at a million rows, no full COUNT.

The list is ordered by (sort field, id); the cursor carries the last row's values, and the
next page is "rows after that pair". Counts are capped (``COUNT_CAP``) so a list never counts
a million rows to print "1000+".
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q, QuerySet

from aftersales.core.errors import ValidationFailed

M = TypeVar("M", bound=models.Model)
COUNT_CAP = 1000


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None
    count: int
    count_capped: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def count_text(self) -> str:
        return f"{self.count}+" if self.count_capped else str(self.count)


def _encode(value: Any, pk: int) -> str:
    if isinstance(value, dt.datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if isinstance(value, dict) and "dt" in value:
            value = dt.datetime.fromisoformat(value["dt"])
        if not isinstance(pk, int):
            raise TypeError(pk)
    except (ValueError, TypeError, KeyError):
        raise ValidationFailed({"cursor": "invalid cursor"}) from None
    return value, pk


def _checked(qs: QuerySet[M], sort_field: str, value: Any, pk: int) -> Any:
    """A cursor comes from the client: a forged one must be refused, not reach the database."""
    field = qs.model._meta.get_field(sort_field)
    try:
        if not 1 <= pk <= 2**63 - 1 or isinstance(value, (list, dict)):
            raise ValueError(pk)
        value = field.to_python(value)  # type: ignore[union-attr]
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            raise ValueError(value)
    except (ValueError, TypeError, DjangoValidationError):
        raise ValidationFailed({"cursor": "invalid cursor"}) from None
    return value


def keyset_page(
    qs: QuerySet[M], *, sort_field: str, descending: bool, cursor: str | None, page_size: int, count: bool = True
) -> Page[M]:
    order = [f"-{sort_field}", "-id"] if descending else [sort_field, "id"]
    ordered = qs.order_by(*order)
    page_qs = ordered
    if cursor:
        value, pk = _decode(cursor)
        value = _checked(qs, sort_field, value, pk)
        if descending:
            page_qs = ordered.filter(Q(**{f"{sort_field}__lt": value}) | Q(**{sort_field: value, "id__lt": pk}))
        else:
            page_qs = ordered.filter(Q(**{f"{sort_field}__gt": value}) | Q(**{sort_field: value, "id__gt": pk}))
    # Pick the page's ids with a narrow query, then load just those rows with their joins:
    # when a filter matches thousands of rows that the database must sort, the joins and wide
    # rows are paid for one page, not for every match.
    ids = list(page_qs.values_list("pk", flat=True)[: page_size + 1])
    has_more = len(ids) > page_size
    by_id = qs.in_bulk(ids[:page_size]) if ids else {}
    rows = [by_id[pk] for pk in ids[:page_size]]
    next_cursor = None
    if has_more:
        last = rows[-1]
        next_cursor = _encode(getattr(last, sort_field), last.pk)
    total, capped = 0, False
    if count and not cursor and next_cursor is None:
        # The first page holds every match: its length is the count, and a rare filter does
        # not make the database walk the table a second time to count.
        total = len(rows)
    elif count:
        # Counted in the list's own order: the database walks the same index as for the page
        # and stops at the cap, instead of testing every table row (wide, slow) in rowid order.
        total = ordered[: COUNT_CAP + 1].count()
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    return Page(items=rows, next_cursor=next_cursor, count=total, count_capped=capped)
