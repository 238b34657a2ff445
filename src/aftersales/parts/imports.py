"""Importing the parts catalogue and opening stock (R-7.1): upload → dry run → confirm → import.

- ``parts_import_upload`` keeps the file (storage API) and checks every row without writing:
  the dry run, whose findings the page lists by row and column.
- ``parts_import_confirm`` starts the import of a file without findings: a small one at once, a
  large one in the worker (``parts.tasks.parts_import_task``), the page following its progress.
- ``parts_import_run`` checks the rows again (the database may have changed since the dry run)
  and writes them all in ONE transaction: any finding, any refusal, and nothing is imported.

The catalogue is written in bulk (10,000 rows in seconds; the rules are ``import_rows``'), opening
stock through the stock engine's receipt (``parts.services.stock_receive``) row by row, so every
unit enters through a ledger move with its balance and ``parts_check`` stays green.

Progress: the check updates the import's row as it goes (committed, so the page sees it); while
the rows are written inside the transaction the page cannot see uncommitted rows, so the writer
also posts its count to the worker's key-value store (Huey's storage: SQLite file or Redis),
which the page reads.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied
from aftersales.parts.import_rows import COLUMNS, Checked, ImportErrorCode, RowError, check_rows, error_text
from aftersales.parts.models import Part
from aftersales.parts.models.imports import PartsImport
from aftersales.workorders.attachments import display_name, max_bytes, too_large

logger = logging.getLogger(__name__)
Kind, Status = PartsImport.Kind, PartsImport.Status
PERM_IMPORT = "parts.import_parts"
# Files with more rows than this are imported by the worker, the page showing the progress.
SYNC_ROWS = 500
_PROGRESS_EVERY = 250
_NEEDS: dict[str, tuple[str, ...]] = {
    Kind.CATALOGUE: ("parts.add_part", "parts.change_part"),
    Kind.OPENING_STOCK: ("parts.move_stock",),
}


def may_import(actor: Any, kind: str = "") -> bool:
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "is_customer_user", True):
        return False
    needs = _NEEDS.get(kind, ()) if kind else ()
    return actor.has_perm(PERM_IMPORT) and all(actor.has_perm(p) for p in needs)


def _require(actor: Any, kind: str = "") -> None:
    if not may_import(actor, kind):
        raise PermissionDenied()


def parts_import_scope(*, actor: Any) -> QuerySet[PartsImport]:
    if not may_import(actor):
        return PartsImport.objects.none()
    return PartsImport.objects.all()


def parts_import_get(*, actor: Any, import_id: int) -> PartsImport:
    found = parts_import_scope(actor=actor).filter(pk=import_id).first()
    if found is None:
        raise NotFound()
    return found


def _errors(checked: Checked) -> list[dict[str, Any]]:
    listed = [e.as_dict() for e in checked.errors]
    if checked.error_count > len(listed):
        listed.append({"row": 0, "column": "", "code": "more", "params": {"count": checked.error_count - len(listed)}})
    return listed


def parts_import_upload(*, actor: Any, kind: str, file: File[Any], now: dt.datetime | None = None) -> PartsImport:
    """Keep the file and check its rows (the dry run); nothing of the catalogue or the stock is
    written. The import says whether it is ready or which rows are wrong."""
    if kind not in Kind.values:
        raise DomainError(
            "validation_error", _("Choose what to import."), {"kind": _("Choose what to import.")}, status=422
        )
    _require(actor, kind)
    file.seek(0)
    data = file.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise too_large()
    checked = check_rows(kind, data)
    name = str(file.name or "import")
    extension = ".xlsx" if data.startswith(b"PK") else ".csv"
    shown = display_name(name, "xlsx") if extension == ".xlsx" else (name.rsplit("/", 1)[-1][:120] or "import.csv")
    stored = default_storage.save(f"parts-imports/{uuid.uuid4().hex}{extension}", ContentFile(data))
    try:
        return PartsImport.objects.create(
            kind=kind,
            status=Status.INVALID if checked.error_count else Status.READY,
            file=stored,
            name=shown,
            rows_total=checked.total,
            errors=_errors(checked),
            created=checked.new,
            updated=checked.existing,
            created_by=actor,
            created_at=now or timezone.now(),
        )
    except BaseException:
        default_storage.delete(stored)
        raise


def parts_import_confirm(*, actor: Any, import_id: int) -> PartsImport:
    """Start the import of a checked file without findings: at once when small, else in the worker."""
    job = parts_import_get(actor=actor, import_id=import_id)
    _require(actor, job.kind)
    if job.status == Status.INVALID:
        raise DomainError(
            ImportErrorCode.HAS_ERRORS, _("Correct the rows with errors and upload the file again."), status=409
        )
    # One confirm starts it: a second (a double click, a retry) finds it no longer ready.
    if not PartsImport.objects.filter(pk=job.pk, status=Status.READY).update(status=Status.QUEUED):
        raise DomainError(ImportErrorCode.NOT_READY, _("This import was already started."), status=409)
    job.status = Status.QUEUED
    if job.rows_total <= SYNC_ROWS:
        return parts_import_run(import_id=job.pk, actor_id=actor.pk)
    from aftersales.parts.tasks import parts_import_task

    transaction.on_commit(lambda: parts_import_task(job.pk, actor.pk))
    return job


def _progress_key(import_id: int) -> str:
    return f"parts-import-progress:{import_id}"


def _post_progress(import_id: int, written: int) -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.put(_progress_key(import_id), written)


def written_so_far(job: PartsImport) -> int:
    """How many rows the running import has written (its uncommitted transaction's count)."""
    if job.status != Status.RUNNING:
        return 0
    from huey.contrib.djhuey import HUEY

    value = HUEY.get(_progress_key(job.pk), peek=True)
    return int(value) if isinstance(value, int) else 0


def progress_percent(job: PartsImport) -> int:
    """Checking is the first half of the work, writing the second."""
    if job.status == Status.DONE:
        return 100
    if not job.rows_total:
        return 0
    done = job.rows_done + written_so_far(job)
    return min(99, done * 50 // job.rows_total)


def _set_checked(job: PartsImport, done: int) -> None:
    PartsImport.objects.filter(pk=job.pk).update(rows_done=done)


def parts_import_run(*, import_id: int, actor_id: int | None = None) -> PartsImport:
    """Check the file again and import every row in one transaction, or nothing. Safe to run
    twice: only a queued import starts."""
    from django.contrib.auth import get_user_model

    if not PartsImport.objects.filter(pk=import_id, status=Status.QUEUED).update(status=Status.RUNNING, rows_done=0):
        return PartsImport.objects.get(pk=import_id)
    job = PartsImport.objects.get(pk=import_id)
    actor = get_user_model().objects.get(pk=actor_id or job.created_by_id)
    try:
        with default_storage.open(str(job.file.name), "rb") as handle:
            data = handle.read()
        checked = check_rows(job.kind, data, progress=lambda done: _set_checked(job, done))
        _set_checked(job, job.rows_total)
        if not checked.error_count and not may_import(actor, job.kind):
            checked.add(RowError(0, "", "refused", {"message": str(PermissionDenied().message)}))
        if not checked.error_count:
            _write(job, actor, checked)
    except DomainError as error:
        checked = Checked(job.kind)
        checked.add(RowError(0, "", "refused", {"message": str(error.message)}))
    except Exception:
        logger.exception("parts import %s failed", import_id)
        PartsImport.objects.filter(pk=job.pk).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            errors=[{"row": 0, "column": "", "code": "refused", "params": {"message": str(_("The import failed."))}}],
        )
        raise
    finished = timezone.now()
    if checked.error_count:
        PartsImport.objects.filter(pk=job.pk).update(
            status=Status.FAILED, errors=_errors(checked), finished_at=finished
        )
    else:
        PartsImport.objects.filter(pk=job.pk).update(
            status=Status.DONE, created=checked.new, updated=checked.existing, finished_at=finished
        )
    return PartsImport.objects.get(pk=job.pk)


class _RowRefused(Exception):
    def __init__(self, row: int, column: str, error: DomainError) -> None:
        super().__init__(str(error.message))
        self.error = RowError(row, column, "refused", {"message": str(error.message)})


def _write(job: PartsImport, actor: Any, checked: Checked) -> None:
    try:
        with transaction.atomic():
            if job.kind == Kind.CATALOGUE:
                _write_catalogue(job, checked)
            else:
                _write_opening_stock(job, actor, checked)
            record(
                actor=actor,
                action="create",
                verb="parts_import",
                obj=job,
                detail={"kind": job.kind, "rows": checked.total, "created": checked.new, "updated": checked.existing},
            )
    except _RowRefused as refused:
        checked.add(refused.error)
    finally:
        from huey.contrib.djhuey import HUEY

        HUEY.delete(_progress_key(job.pk))


_PART_FIELDS = ("name", "specification", "unit", "unit_cost", "customer_price", "certified", "active")


def _write_catalogue(job: PartsImport, checked: Checked) -> None:
    """New parts in bulk; an existing part is updated only when a value differs (PostgreSQL: in
    batches; SQLite: one UPDATE each, its CASE-per-row batch update being far slower at thousands
    of rows), and its compatible models replaced only when they differ."""
    rows = checked.rows
    new = [Part(code=r["code"], **{f: r[f] for f in _PART_FIELDS}) for r in rows if not r["part_id"]]
    Part.objects.bulk_create(new, batch_size=500)
    ids = {p.code: p.pk for p in new}
    _post_progress(job.pk, len(new))
    existing = [r for r in rows if r["part_id"]]
    through = Part.compatible_models.through
    current: dict[int, tuple[Any, ...]] = {}
    links_now: dict[int, set[int]] = {}
    for start in range(0, len(existing), 500):
        chunk = [r["part_id"] for r in existing[start : start + 500]]
        current.update((row[0], row[1:]) for row in Part.objects.filter(pk__in=chunk).values_list("pk", *_PART_FIELDS))
        for part_id, model_id in through.objects.filter(part_id__in=chunk).values_list("part_id", "productmodel_id"):
            links_now.setdefault(part_id, set()).add(model_id)
    relink: list[int] = []
    changed: list[Part] = []
    for r in existing:
        values = tuple(r[f] for f in _PART_FIELDS)
        if current.get(r["part_id"]) != values:
            changed.append(Part(pk=r["part_id"], **dict(zip(_PART_FIELDS, values, strict=True))))
        if links_now.get(r["part_id"], set()) != set(r["model_ids"]):
            relink.append(r["part_id"])
    if connection.vendor == "postgresql":  # one UPDATE … FROM (VALUES …) per 1,000 rows
        for start in range(0, len(changed), 1000):
            _update_from_values(changed[start : start + 1000])
            _post_progress(job.pk, len(new) + start + 1000)
    else:  # SQLite: one UPDATE per row, in the same transaction (no round trip to pay)
        for done, part in enumerate(changed, start=1):
            Part.objects.filter(pk=part.pk).update(**{f: getattr(part, f) for f in _PART_FIELDS})
            if done % _PROGRESS_EVERY == 0:
                _post_progress(job.pk, len(new) + done)
    for start in range(0, len(relink), 500):
        through.objects.filter(part_id__in=relink[start : start + 500]).delete()
    again = set(relink)
    links = [
        through(part_id=r["part_id"] or ids[r["code"]], productmodel_id=model_id)
        for r in rows
        if not r["part_id"] or r["part_id"] in again
        for model_id in r["model_ids"]
    ]
    through.objects.bulk_create(links, batch_size=1000)


def _update_from_values(parts: list[Part]) -> None:
    """PostgreSQL: the parts' catalogue fields in one statement (Django's bulk_update builds a CASE
    per row and column, which PostgreSQL plans slowly at a thousand rows)."""
    table = Part._meta.db_table
    row = "(%s::bigint, %s, %s, %s, %s::numeric, %s::numeric, %s::boolean, %s::boolean)"
    columns = ", ".join(f"{f} = v.column{i}" for i, f in enumerate(_PART_FIELDS, start=2))
    sql = (
        f"UPDATE {table} SET {columns} FROM (VALUES {', '.join([row] * len(parts))}) AS v WHERE {table}.id = v.column1"  # noqa: S608 - our table and columns; values are parameters
    )
    params = [value for part in parts for value in (part.pk, *(getattr(part, f) for f in _PART_FIELDS))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _write_opening_stock(job: PartsImport, actor: Any, checked: Checked) -> None:
    from aftersales.parts.services import stock_minimum_set, stock_receive

    reason = str(_("Opening stock (import %(number)d)") % {"number": job.pk})
    for done, r in enumerate(checked.rows, start=1):
        try:
            stock_receive(
                actor=actor, part_id=r["part_id"], warehouse_id=r["warehouse_id"], quantity=r["quantity"], reason=reason
            )
            if r["minimum"] is not None:
                stock_minimum_set(
                    actor=actor, part_id=r["part_id"], warehouse_id=r["warehouse_id"], minimum=r["minimum"]
                )
        except DomainError as error:
            raise _RowRefused(r["row"], "quantity", error) from None
        if done % _PROGRESS_EVERY == 0:
            _post_progress(job.pk, done)


def shown_errors(job: PartsImport) -> list[str]:
    """The import's findings as the page and the API word them."""
    shown = []
    for error in job.errors:
        if error.get("code") == "more":
            shown.append(str(_("… and %(count)d more errors.") % error["params"]))
        else:
            shown.append(error_text(job.kind, error))
    return shown


def template_workbook(kind: str) -> bytes:
    """An empty workbook with the columns of ``kind`` in the first row (required ones marked *),
    and a second sheet explaining each column."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    if kind not in COLUMNS:
        raise NotFound()
    book = Workbook()
    sheet = book.active
    sheet.title = str(Kind(kind).label)[:31]
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS[kind], start=1):
        cell = sheet.cell(row=1, column=index, value=f"{column.label}{' *' if column.required else ''}")
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[cell.column_letter].width = 18
    notes = book.create_sheet(str(_("Columns")))
    notes.append([str(_("Column")), str(_("Required")), str(_("Notes"))])
    for column in COLUMNS[kind]:
        notes.append([str(column.label), str(_("yes") if column.required else _("no")), str(column.help)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
