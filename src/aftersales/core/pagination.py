"""Keyset pagination: fast on any page at a million rows, no full COUNT.

The list is ordered by (sort field, id), or by several sort fields and then id; the cursor
carries the last row's values, and the next page is "rows after those values". Counts are capped
(``COUNT_CAP``) so a list never counts a million rows to print "1000+".

Sort fields are NOT NULL where the list is sorted by them, unless the list asks for
``nulls_last``: then a row without a value comes after every row with one (before them, in the
descending order, which is the exact reverse), and the cursor may carry a null.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError, ErrorCode
from aftersales.core.limits import MAX_ID, day_in_range

M = TypeVar("M", bound=models.Model)
COUNT_CAP = 1000
# A cursor this server makes is about 60 characters; a longer one is not worth decoding.
MAX_CURSOR = 512


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


class InvalidCursor(DomainError):
    """A cursor that this server did not make (forged, truncated, from another list or an older
    version). The API answers 422 ``invalid_cursor``; a page shows the first page instead."""

    status = 422

    def __init__(self) -> None:
        super().__init__(
            ErrorCode.INVALID_CURSOR,
            _("This page link is invalid or out of date; start again from the first page."),
            {"cursor": _("Invalid cursor.")},
        )


def _encode(values: list[Any], pk: int) -> str:
    shown = [{"dt": value.isoformat()} if isinstance(value, dt.datetime) else value for value in values]
    raw = json.dumps([*shown, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _sort_value(field: models.Field[Any, Any], value: Any, *, nullable: bool = False) -> Any:
    """The cursor's sort value as the sort field holds it; ValueError for anything else.

    Every check keeps a value that cannot be in the column from the database: NULL (unless the
    list sorts with ``nulls_last``, no row has it: the lists never sort by a column while it is
    NULL), a float or a 65-bit integer for an integer, a time out of range or without its zone,
    text with NUL or lone surrogates."""
    if value is None and nullable and field.null:
        return None
    if isinstance(field, models.DateTimeField):
        if not (isinstance(value, dict) and value.keys() == {"dt"} and isinstance(value["dt"], str)):
            raise ValueError(value)
        moment = dt.datetime.fromisoformat(value["dt"])
        if moment.tzinfo is None or not day_in_range(moment):
            raise ValueError(value)
        return moment
    if isinstance(field, models.IntegerField):
        if type(value) is not int or not -MAX_ID - 1 <= value <= MAX_ID:
            raise ValueError(value)
        return value
    if isinstance(field, models.CharField):
        if not isinstance(value, str) or len(value) > (field.max_length or 0) or "\x00" in value:
            raise ValueError(value)
        value.encode()  # UnicodeEncodeError (a ValueError) for a lone surrogate
        return value
    raise ValueError(field)  # a sort field of a type cursors do not carry


def _decode(cursor: str, fields: list[models.Field[Any, Any]], *, nullable: bool = False) -> tuple[list[Any], int]:
    """(sort values, id) of a cursor made by ``_encode``; InvalidCursor for anything else."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError(cursor)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = json.loads(raw)
        if not (isinstance(decoded, list) and len(decoded) == len(fields) + 1):
            raise ValueError(decoded)
        *values, pk = decoded
        if type(pk) is not int or not 1 <= pk <= MAX_ID:
            raise ValueError(pk)
        return [_sort_value(f, v, nullable=nullable) for f, v in zip(fields, values, strict=True)], pk
    except (ValueError, TypeError, RecursionError):
        # binascii.Error, JSONDecodeError and UnicodeError are ValueErrors too.
        raise InvalidCursor() from None


def _after(names: tuple[str, ...], values: list[Any], pk: int, *, descending: bool, nulls_last: bool) -> Q:
    """The rows after (sort values, id) in the list's order: built from the last column out, each
    column "beyond the value, or equal and after on the columns that follow"."""
    beyond = "lt" if descending else "gt"
    after = Q(id__lt=pk) if descending else Q(id__gt=pk)
    for name, value in zip(reversed(names), reversed(values), strict=True):
        null = Q(**{f"{name}__isnull": True})
        if value is None:  # nulls_last: the nulls end the ascending order and start the descending one
            after = null & after
            if descending:
                after |= ~null
            continue
        later = Q(**{f"{name}__{beyond}": value})
        if nulls_last and not descending:
            later |= null
        after = later | (Q(**{name: value}) & after)
    return after


def keyset_page(
    qs: QuerySet[M],
    *,
    sort_field: str | tuple[str, ...],
    descending: bool,
    cursor: str | None,
    page_size: int,
    count: bool = True,
    nulls_last: bool = False,
) -> Page[M]:
    """One page of ``qs`` ordered by ``sort_field`` (a field, or several in turn) and then id."""
    names = (sort_field,) if isinstance(sort_field, str) else sort_field
    if nulls_last:
        keys: list[Any] = [
            F(name).desc(nulls_first=True) if descending else F(name).asc(nulls_last=True) for name in names
        ]
    else:
        keys = [f"-{name}" if descending else name for name in names]
    ordered = qs.order_by(*keys, "-id" if descending else "id")
    page_qs = ordered
    if cursor:
        fields = [qs.model._meta.get_field(name) for name in names]
        values, pk = _decode(cursor, fields, nullable=nulls_last)  # type: ignore[arg-type]
        page_qs = ordered.filter(_after(names, values, pk, descending=descending, nulls_last=nulls_last))
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
        next_cursor = _encode([getattr(last, name) for name in names], last.pk)
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
