"""Keyset pagination refuses a cursor it did not make before it reaches the database (SPEC
cross-cutting: bad input gets a clear message, never a 500): ``invalid_cursor``, whatever the
sort field's type — integers, texts, times."""

from __future__ import annotations

import base64
import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.pagination import InvalidCursor, keyset_page
from aftersales.customers.models import Customer
from aftersales.workorders.models import WorkOrder
from tests.factories import CustomerFactory, UserFactory, make_work_order

pytestmark = pytest.mark.django_db


def forged(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# Each sort field type, with values of the wrong type or out of the column's range.
FORGED = [
    forged("[null,1]"),
    forged("[1e999,1]"),
    forged("[NaN,1]"),
    forged("[-1e308,-9223372036854775809]"),
    forged([1, 0]),
    forged([1, True]),
    forged([1, 2**63]),
    forged([2**64, 1]),
    forged([1.5, 1]),
    forged([[1], 1]),
    forged([{"dt": "2026-01-01T00:00:00"}, 1]),  # no time zone
    forged([{"dt": "0001-01-01T00:00:00+14:00"}, 1]),  # overflows in UTC
    forged([{"dt": "9999-12-31T23:59:59-14:00"}, 1]),
    forged([{"dt": 5}, 1]),
    forged([{"dt": "x", "y": 1}, 1]),
    forged(["\u0000", 1]),
    forged(["\ud800", 1]),
    forged(["x" * 100, 1]),
    forged([1]),
    forged([1, 2, 3]),
    forged({"a": 1, "b": 2}),
    forged('"x"'),
    forged("[" * 10000 + "]" * 10000),
    "!!!",
    "W10",
    "x" * 600,
    "",
]


@pytest.fixture
def rows():
    agent = UserFactory(role="agent")
    return [make_work_order(agent) for _ in range(3)]


@pytest.mark.parametrize("sort_field", ["id", "number", "received_at"])
@pytest.mark.parametrize("cursor", [c for c in FORGED if c])
def test_a_forged_cursor_is_invalid_cursor(rows, sort_field, cursor):
    with pytest.raises(InvalidCursor) as caught:
        keyset_page(WorkOrder.objects.all(), sort_field=sort_field, descending=True, cursor=cursor, page_size=2)
    assert caught.value.code == "invalid_cursor"
    assert caught.value.status == 422
    assert "cursor" in caught.value.fields


@pytest.mark.parametrize("sort_field", ["id", "number", "received_at", "priority"])
@pytest.mark.parametrize("descending", [True, False])
def test_a_cursor_the_server_made_gives_the_next_page(rows, sort_field, descending):
    qs = WorkOrder.objects.all()
    first = keyset_page(qs, sort_field=sort_field, descending=descending, cursor=None, page_size=2)
    second = keyset_page(qs, sort_field=sort_field, descending=descending, cursor=first.next_cursor, page_size=2)
    assert len(first.items) + len(second.items) == 3
    assert {wo.pk for wo in first.items}.isdisjoint({wo.pk for wo in second.items})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80) | st.binary(max_size=60).map(lambda b: base64.urlsafe_b64encode(b).decode()))
def test_any_cursor_pages_or_is_refused_never_fails(text):
    CustomerFactory()
    for sort_field in ("id", "code", "created_at"):
        with contextlib.suppress(InvalidCursor):
            keyset_page(Customer.objects.all(), sort_field=sort_field, descending=True, cursor=text, page_size=1)
