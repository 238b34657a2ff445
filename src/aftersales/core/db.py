"""``insert``: new rows of one model in one ``INSERT … RETURNING id``, statement built once;
``Statement``: a read by id compiled once; ``plain_rows``: a large read without the per-value
converters.

Intake (R-3.1) writes a work order, its timeline event, its access-log row and its SLA targets in
every request. The ORM composes each INSERT anew — per field a placeholder, a quoting, a
preparation — and at intake that composing cost more than the database spent running the
statements. ``insert`` keeps the statement text per model and row count and prepares each value
exactly as the ORM's INSERT does: the field's ``pre_save(obj, add=True)`` (``auto_now_add``) then
``get_db_prep_save`` (JSON, time zones, foreign keys) — except for the values that preparation
returns unchanged (``_plain_types``: None of most fields, a ``str`` of a text field, a ``bool``, an
``int`` where the database takes integers as they are), which are written as they are: a work
order's row holds some 60 values, most of them such, and preparing each cost more than the
statement (bench/README.md).

Like ``bulk_create`` it sends no ``pre_save``/``post_save`` signals and does not call the model's
``save()``: use it for append-only rows whose ``save()`` adds no behaviour (the project has no
model signals; ``AccessLog.save`` only refuses updates, which this never does).

``skip_conflicts_on`` names a unique column: rows whose value is already there are skipped by the
database (``ON CONFLICT DO NOTHING``, the same on SQLite and PostgreSQL) and stay unsaved, still in
the same one statement, so a repeated write neither duplicates nor breaks the caller's
transaction (the outbox's de-duplication keys).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.query import get_related_populators

if TYPE_CHECKING:
    Fields = list[tuple[models.Field[Any, Any], tuple[type, ...]]]
_statements: dict[tuple[str, type[models.Model], int, str], tuple[str, Fields]] = {}
_NONE = type(None)
_MISSING = object()  # a value not set on the instance: prepared, as the ORM would
# Exact classes (a subclass may prepare differently) whose preparation gives None for None.
_NONE_AS_IS = (
    models.CharField,
    models.TextField,
    models.DateTimeField,
    models.DateField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.FloatField,
)
_INTEGERS = (models.ForeignKey, models.IntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField)


def _plain_types(field: models.Field[Any, Any]) -> tuple[type, ...]:
    """The types of value that ``field``'s ``pre_save`` and ``get_db_prep_save`` return unchanged
    on this connection: ``insert`` writes those as they are, and prepares every other value."""
    kind = type(field)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) or kind not in _NONE_AS_IS:
        return (bool, _NONE) if kind is models.BooleanField else ()
    if kind in (models.CharField, models.TextField):
        return (str, _NONE)  # to_python keeps a str (a lazy or enum string is prepared)
    ops = type(connection.ops)
    as_is = BaseDatabaseOperations.adapt_integerfield_value, BaseDatabaseOperations.validate_autopk_value
    if kind in _INTEGERS and (ops.adapt_integerfield_value, ops.validate_autopk_value) == as_is:
        target = field.target_field if isinstance(field, models.ForeignKey) else field
        if type(target) in (models.AutoField, models.BigAutoField, *_INTEGERS):
            return (int, _NONE)  # SQLite takes an int as it is (PostgreSQL's driver types it)
    return (_NONE,)


def _statement(model: type[models.Model], rows: int, skip_conflicts_on: str = "") -> tuple[str, Fields]:
    key = (connection.vendor, model, rows, skip_conflicts_on)
    found = _statements.get(key)
    if found is None:
        meta = model._meta
        if not isinstance(meta.pk, models.AutoField):
            raise TypeError(f"insert() needs a model with an automatic id, not {model.__name__}")
        fields: Fields = [(field, _plain_types(field)) for field in meta.concrete_fields if not field.primary_key]
        if any(hasattr(field, "get_placeholder") for field, _types in fields):
            raise TypeError(f"insert() cannot write {model.__name__}: a field needs its own placeholder")
        quote = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        returning = quote(meta.pk.column or "id")
        conflict = ""
        if skip_conflicts_on:
            unique = meta.get_field(skip_conflicts_on)
            if not isinstance(unique, models.Field) or not unique.unique:
                raise TypeError(f"insert() skips conflicts on a unique column, not {skip_conflicts_on!r}")
            conflict = " ON CONFLICT DO NOTHING"
            returning += f", {quote(str(unique.column))}"
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(field.column)) for field, _types in fields)}) "  # noqa: S608 - model metadata
            f"VALUES {', '.join([row] * rows)}{conflict} RETURNING {returning}"
        )
        found = _statements[key] = (sql, fields)
    return found


def insert(objs: Sequence[models.Model], *, skip_conflicts_on: str = "") -> list[models.Model]:
    """Write ``objs`` (new instances of one model), set their ids and return the rows written:
    all of them, or with ``skip_conflicts_on`` those whose value of that column was not there."""
    if not objs:
        return []
    model = type(objs[0])
    if any(type(obj) is not model or not obj._state.adding for obj in objs):
        raise TypeError("insert() takes new, unsaved instances of one model")
    sql, fields = _statement(model, len(objs), skip_conflicts_on)
    params: list[Any] = []
    for obj in objs:
        values = obj.__dict__
        for field, plain in fields:
            value = values.get(field.attname, _MISSING)
            if type(value) in plain:
                params.append(value)
            else:
                params.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    if skip_conflicts_on:
        # A written row is known by its unique value; rows without one (NULL never conflicts)
        # are all written, and take the remaining ids in row order, as below.
        by_value = {row[1]: row[0] for row in returned if row[1] is not None}
        written: list[models.Model] = []
        anonymous = iter(sorted(row[0] for row in returned if row[1] is None))
        for obj in objs:
            value = getattr(obj, skip_conflicts_on)
            pk = next(anonymous) if value is None else by_value.pop(value, None)
            if pk is not None:
                _saved(obj, pk)
                written.append(obj)
        return written
    # Ids are handed out in row order; sorted, they match ``objs`` whatever order RETURNING uses.
    for obj, pk in zip(objs, sorted(row[0] for row in returned), strict=True):
        _saved(obj, pk)
    return list(objs)


def _saved(obj: models.Model, pk: Any) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias


class Statement:
    """A queryset's SELECT compiled once and run again with other values in the places of its
    ``markers``: ``one(*values)`` gives the first row's model instance, its ``select_related``
    objects attached, built exactly as the ORM's own iteration builds them (its converters, its
    populators). The ORM compiles a query for every evaluation; for intake's read of a product
    with its model, line, customer, region and category that took seven times as long as the
    database (bench/README.md). Markers are values no real parameter takes; each must appear
    once among the compiled parameters."""

    def __init__(self, queryset: models.QuerySet[Any], markers: Sequence[int]) -> None:
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        if any(self.params.count(marker) != 1 for marker in markers):
            raise ValueError("each marker must be one parameter of the statement")
        self.positions = [self.params.index(marker) for marker in markers]
        klass_info = compiler.klass_info
        if klass_info is None:
            raise TypeError("a Statement reads model instances, not values")
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_slice = slice(start, end)
        self.init_list = [column[0].target.attname for column in compiler.select[start:end]]
        self.populators = get_related_populators(klass_info, compiler.select, self.db)  # type: ignore[call-arg]  # stubs of Django 6
        self.compiler = compiler
        self.converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])

    def one(self, *values: Any) -> Any:
        params = list(self.params)
        for position, value in zip(self.positions, values, strict=True):
            params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = next(iter(self.compiler.apply_converters([row], self.converters)))
        obj = self.model.from_db(self.db, self.init_list, row[self.model_slice])
        for populator in self.populators:
            populator.populate(row, obj)
        return obj


def plain_rows(qs: models.QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset as the database driver gives them, past the ORM's
    per-value converters (which, on SQLite, parse every date and time: 6 µs a value, most of a
    7,500-row read). Times come as the driver's: read them with ``moment``."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def moment(value: Any) -> dt.datetime:
    """An aware datetime from a time column of ``plain_rows``: PostgreSQL's driver gives one
    already; SQLite's gives the UTC time Django stored, naive (or as text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]
    return value  # type: ignore[no-any-return]
