"""Types shared by every router: the error body, safe ids, texts, times and dates.

Each guard here turns input that would otherwise fail deep in the database (an id beyond
64 bits, a NUL character PostgreSQL refuses, a time that overflows when converted to UTC, a
date that breaks warranty arithmetic) into a 422 that names the field.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated, Any

from django.db import models
from django.http import HttpResponse
from ninja import Path, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import AfterValidator, AwareDatetime, Field, Strict

from aftersales.core.limits import MAX_DAY, MAX_ID, MIN_DAY


def named_choices(name: str, choices: type[models.TextChoices]) -> type[StrEnum]:
    """A model's choices as an enum named ``name`` in the OpenAPI document.

    Django names choices after the field they belong to (``Customer.Kind``, ``Communication.Kind``)
    while the document has one namespace for them all, where the second ``Kind`` silently replaced
    the first. Each enum of the API is made here once, under a name of its own; the values are the
    model's (tests/api/test_openapi_enums.py checks both)."""
    return StrEnum(name, {member.name: member.value for member in choices})


class ErrorOut(Schema):
    code: str = Field(description="Stable machine code, e.g. validation_error, not_found, illegal_transition.")
    message: str = Field(description="Human text in the request's language.")
    fields: dict[str, str] = Field(description="Field name → what is wrong with it.")


def _clean_text(value: str) -> str:
    # PostgreSQL refuses NUL in text; lone surrogates cannot be encoded as UTF-8.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("must be valid Unicode text")
    return value


def _in_range_moment(value: dt.datetime) -> dt.datetime:
    if not MIN_DAY.year <= value.year <= MAX_DAY.year:
        raise ValueError(f"must be between {MIN_DAY.year} and {MAX_DAY.year}")
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("out of range") from None


def _in_range_day(value: dt.date) -> dt.date:
    if not MIN_DAY <= value <= MAX_DAY:
        raise ValueError(f"must be between {MIN_DAY.isoformat()} and {MAX_DAY.isoformat()}")
    return value


def Text(max_length: int, min_length: int = 0) -> Any:  # noqa: N802 - reads as a type in schemas
    """A string of at most ``max_length`` characters without NUL or lone surrogates."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_clean_text)]


# In a JSON body an id is a JSON integer: true, 1.0 and "1" are refused (pydantic's lax mode
# would read true as the id 1).
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# In a query string every value is text: "5" is the id 5 (and "true" is no integer).
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
# Aware only: a naive time is ambiguous (Asia/Shanghai or UTC?) and answered with 422.
Moment = Annotated[AwareDatetime, AfterValidator(_in_range_moment)]
Day = Annotated[dt.date, AfterValidator(_in_range_day)]

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    503: ErrorOut,
}


def responses(ok: dict[int, Any]) -> dict[int, Any]:
    """``{status: schema}`` for an operation: its success plus the documented error bodies."""
    return {**ok, **ERRORS}


def json_answer(data: Any, status: int = 200) -> HttpResponse:
    """``data`` written straight to JSON with ninja's own encoder, past the response schema's
    validation: for a large answer the server builds field by field in that schema's shape, where
    the validation (a DjangoGetter round per nested object) took longer than building it (500
    dispatch proposals: 30 ms). The schema still documents it; its tests validate the answer
    against it."""
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
        status=status,
    )


class Ref(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)
