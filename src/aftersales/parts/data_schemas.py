"""API schemas of the parts import and the stock export (R-7.1, R-13.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from aftersales.api.schemas import named_choices
from aftersales.parts import imports
from aftersales.parts.models.imports import PartsImport

ImportKind = named_choices("PartsImportKind", PartsImport.Kind)
ImportStatus = named_choices("PartsImportStatus", PartsImport.Status)


class RowErrorOut(Schema):
    row: int = Field(description="The sheet's row number (the column names are row 1); 0 for the whole file.")
    column: str = Field(description="The column's key (e.g. `unit_cost`); empty for the whole row or file.")
    code: str = Field(description="What is wrong: required, not_a_number, amount, duplicate, unknown_part, …")
    message: str = Field(description="Row, column and what is wrong, in the request's language.")


class ImportOut(Schema):
    id: int
    kind: ImportKind
    status: ImportStatus = Field(
        description="invalid (the dry run found errors), ready, queued, running, done, failed (nothing imported)."
    )
    name: str
    rows_total: int
    percent: int = Field(description="Progress of a queued or running import, 100 when done.")
    created: int = Field(description="New parts (catalogue) or stock rows (opening stock).")
    updated: int = Field(description="Existing parts that are (or were) updated.")
    errors: list[RowErrorOut]
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_percent(obj: Any) -> int:
        return imports.progress_percent(obj)

    @staticmethod
    def resolve_errors(obj: Any) -> list[dict[str, Any]]:
        return [{**error, "message": text} for error, text in zip(obj.errors, imports.shown_errors(obj), strict=True)]
