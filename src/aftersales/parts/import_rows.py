"""Reading and checking the rows of a parts import (R-7.1): the parts catalogue or opening stock,
from an Excel workbook (.xlsx) or a CSV file.

A CSV file from a Chinese Excel is GBK unless saved as "CSV UTF-8" (which adds a byte-order mark):
the encoding is found by trying UTF-8 with and without the mark, then GB18030 (which GBK is part
of). What a file is, is read from its bytes, not its name.

Every finding is a ``RowError``: the sheet's row number as Excel shows it (the header is row 1),
the column and a code with its parameters; ``MESSAGES`` words it in the reader's language
("第 12 行 成本单价：不是数字"). Checking never writes: the dry run and the confirmed import
run the same ``check_rows``, against the database as it is at that moment.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import DomainError
from aftersales.parts.models import Part, StockBalance, Warehouse
from aftersales.parts.models.imports import PartsImport

Kind = PartsImport.Kind
MAX_ROWS = 20_000
MAX_ERRORS = 1_000  # kept and shown; the count says how many more there were
MAX_QUANTITY = 1_000_000
MAX_AMOUNT = Decimal("1e10")
YES = {"是", "y", "yes", "true", "1", "√", "✓", "认证", "启用"}
NO = {"否", "n", "no", "false", "0", "", "×", "未认证", "停用"}
MODEL_SEPARATORS = str.maketrans({c: "," for c in "，;；、/ \n\t"})


class ImportErrorCode:
    FILE_TYPE = "import_file_type"
    ENCODING = "import_encoding"
    EMPTY = "import_empty"
    TOO_MANY_ROWS = "import_too_many_rows"
    NOT_READY = "import_not_ready"
    HAS_ERRORS = "import_has_errors"


# Each row finding's code and its message (parameters from RowError.params).
MESSAGES: dict[str, Promise | str] = {
    "required": _("Required."),
    "not_a_number": _("Not a number."),
    "amount": _("Enter an amount of 0 or more with at most two decimals."),
    "whole_number": _("Enter a whole number of units greater than 0."),
    "whole_number_or_zero": _("Enter a whole number, 0 or more."),
    "too_long": _("At most %(max)d characters."),
    "yes_no": _("Enter 是 or 否 (yes or no)."),
    "duplicate": _("Also in row %(row)d."),
    "unknown_models": _("Unknown product model: %(codes)s."),
    "unknown_part": _("No part with this part number."),
    "part_inactive": _("This part is no longer used."),
    "unknown_warehouse": _("No warehouse with this code."),
    "warehouse_closed": _("This warehouse is closed."),
    "stock_exists": _("This part already has stock in this warehouse; opening stock is imported only once."),
    "missing_column": _("This column is missing from the first row."),
    "no_rows": _("The file has no rows to import."),
    "too_many_rows": _("At most %(max)d rows in one file."),
    "refused": "%(message)s",  # a service's own (translated) refusal
}


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: Promise | str = ""


COLUMNS: dict[str, list[Column]] = {
    Kind.CATALOGUE: [
        Column("code", _("Part number"), True, ("备件编号", "编码", "备件编码", "料号", "code", "part number")),
        Column("name", pgettext_lazy("part", "Name"), True, ("名称", "备件名称", "name")),
        Column("specification", _("Specification"), False, ("规格", "规格型号", "specification")),
        Column("unit", _("Unit"), False, ("单位", "unit"), _("pcs when empty")),
        Column("unit_cost", _("Unit cost"), True, ("成本单价", "成本", "成本价", "unit cost", "unit_cost")),
        Column(
            "customer_price",
            _("Customer price"),
            True,
            ("客户单价", "客户价", "售价", "customer price", "customer_price"),
        ),
        Column("certified", _("Certified"), False, ("认证", "是否认证", "certified"), _("是 or 否; 否 when empty")),
        Column(
            "compatible_models",
            _("Compatible models"),
            False,
            ("适用机型", "适用型号", "compatible models"),
            _("model numbers separated by commas"),
        ),
        Column("active", _("Active"), False, ("启用", "是否启用", "active"), _("是 or 否; 是 when empty")),
    ],
    Kind.OPENING_STOCK: [
        Column("part", _("Part number"), True, ("备件编号", "编码", "备件编码", "料号", "part", "part number")),
        Column("warehouse", _("Warehouse code"), True, ("仓库", "仓库编码", "warehouse", "warehouse code")),
        Column("quantity", _("Quantity"), True, ("数量", "库存", "期初数量", "quantity")),
        Column("minimum", _("Minimum level"), False, ("最低库存", "安全库存", "minimum", "minimum level")),
    ],
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}


def column_label(kind: str, key: str) -> str:
    for column in COLUMNS.get(kind, []):
        if column.key == key:
            return str(column.label)
    return key


def error_text(kind: str, error: dict[str, Any]) -> str:
    """One finding as the page shows it: "第 12 行 成本单价：不是数字"."""
    message = str(MESSAGES.get(error["code"], error["code"]))
    params = error.get("params") or {}
    message = message % params if params else message.replace("%%", "%")
    if not error.get("row"):  # about the whole file
        return message
    if not error.get("column"):
        return str(_("Row %(row)d: %(message)s") % {"row": error["row"], "message": message})
    return str(
        _("Row %(row)d, %(column)s: %(message)s")
        % {"row": error["row"], "column": column_label(kind, error["column"]), "message": message}
    )


# ---- reading the file ---------------------------------------------------------------------


def _refused(code: str, message: Any) -> DomainError:
    return DomainError(code, message, {"file": message}, status=422)


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without its byte-order mark) or GBK/GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refused(  # pragma: no cover - GB18030 decodes almost any bytes; kept for safety
        ImportErrorCode.ENCODING, _("The file's text encoding was not recognised; save it as CSV UTF-8.")
    )


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return False
    return "xl/workbook.xml" in names


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise _refused(
            ImportErrorCode.FILE_TYPE, _("The workbook could not be read; the file may be damaged.")
        ) from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = decode_csv(data)
    if "\x00" in text:
        raise _refused(ImportErrorCode.FILE_TYPE, _("Upload an Excel workbook (.xlsx) or a CSV file."))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def read_table(data: bytes) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """The header row and the other non-empty rows, each with its row number (the header is 1)."""
    if not data:
        raise _refused(ImportErrorCode.EMPTY, _("The file has no content."))
    if data.startswith(b"PK\x03\x04"):
        if not _is_xlsx(data):
            raise _refused(ImportErrorCode.FILE_TYPE, _("Upload an Excel workbook (.xlsx) or a CSV file."))
        rows: Iterator[list[Any]] = _xlsx_rows(data)
    elif data.startswith((b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8")):
        raise _refused(
            ImportErrorCode.FILE_TYPE,
            _("Upload an Excel workbook (.xlsx) or a CSV file (an old .xls workbook: save it as .xlsx first)."),
        )
    else:
        rows = _csv_rows(data)
    header: list[Any] | None = None
    body: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(rows, start=1):
        if header is None:
            header = values
            continue
        if any(_blank(v) is False for v in values):
            body.append((number, values))
            if len(body) > MAX_ROWS:
                raise _refused(ImportErrorCode.TOO_MANY_ROWS, MESSAGES["too_many_rows"] % {"max": MAX_ROWS})
    return header or [], body


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_key(text: Any) -> str:
    return str(text or "").strip().strip("*＊").strip().lower()


def map_columns(kind: str, header: list[Any]) -> tuple[dict[str, int], list[RowError]]:
    """Which position holds which column, by the header's names (Chinese or English, any order;
    other columns are left alone); a missing required column is an error of row 1."""
    found: dict[str, int] = {}
    names = [_header_key(h) for h in header]
    for column in COLUMNS[kind]:
        wanted = {_header_key(column.label), column.key, *(_header_key(a) for a in column.aliases)}
        for index, name in enumerate(names):
            if name and name in wanted and column.key not in found:
                found[column.key] = index
    errors = [RowError(1, c.key, "missing_column") for c in COLUMNS[kind] if c.required and c.key not in found]
    return found, errors


# ---- checking values ------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def text(value: Any, max_length: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a part number Excel stored as a number: 10023, not 10023.0
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    result = str(value).strip()
    if len(result) > max_length:
        raise _Bad("too_long", max=max_length)
    return result


def amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _Bad("not_a_number")
    raw = str(value).strip().replace(",", "").replace("¥", "").replace("￥", "")
    try:
        result = Decimal(raw) if not isinstance(value, float) else Decimal(str(round(value, 6)))
    except (InvalidOperation, ValueError):
        raise _Bad("not_a_number") from None
    if not result.is_finite():
        raise _Bad("not_a_number")
    if result < 0 or result >= MAX_AMOUNT or result != result.quantize(Decimal("0.01")):
        raise _Bad("amount")
    return result.quantize(Decimal("0.01"))


def whole(value: Any, *, zero: bool = False) -> int:
    code = "whole_number_or_zero" if zero else "whole_number"
    if isinstance(value, bool):
        raise _Bad(code)
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad(code)
        value = int(value)
    if isinstance(value, str):
        raw = value.strip().replace(",", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise _Bad("not_a_number") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise _Bad(code)
        value = int(number)
    if not isinstance(value, int) or value < (0 if zero else 1) or value > MAX_QUANTITY:
        raise _Bad(code)
    return value


def yes_no(value: Any, *, default: bool) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    key = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise _Bad("yes_no")


# ---- the checked rows -------------------------------------------------------------------------


@dataclass
class Checked:
    """What a check found: the rows ready to write (when there are no errors) and the errors."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    total: int = 0
    new: int = 0
    existing: int = 0

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)


Progress = Callable[[int], None]


def _cells(columns: dict[str, int], values: list[Any]) -> dict[str, Any]:
    return {key: values[index] if index < len(values) else None for key, index in columns.items()}


def _field(checked: Checked, row: int, key: str, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return parse(*args, **kwargs)
    except _Bad as bad:
        checked.add(RowError(row, key, bad.code, bad.params))
        return None


def _required(checked: Checked, row: int, cells: dict[str, Any], key: str) -> bool:
    if _blank(cells.get(key)):
        checked.add(RowError(row, key, "required"))
        return False
    return True


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def check_catalogue(columns: dict[str, int], body: list[tuple[int, list[Any]]], progress: Progress) -> Checked:
    checked = Checked(Kind.CATALOGUE, total=len(body))
    seen: dict[str, int] = {}
    model_codes: set[str] = set()
    parsed = []
    for done, (row, values) in enumerate(body, start=1):
        cells = _cells(columns, values)
        line: dict[str, Any] = {"row": row}
        for key in ("code", "name", "unit_cost", "customer_price"):
            _required(checked, row, cells, key)
        limits = {"code": 64, "name": 128, "specification": 255, "unit": 16}
        for key, limit in limits.items():
            line[key] = _field(checked, row, key, text, cells.get(key), limit)
        for key in ("unit_cost", "customer_price"):
            if not _blank(cells.get(key)):
                line[key] = _field(checked, row, key, amount, cells[key])
        line["certified"] = _field(checked, row, "certified", yes_no, cells.get("certified"), default=False)
        line["active"] = _field(checked, row, "active", yes_no, cells.get("active"), default=True)
        models_text = text(cells.get("compatible_models"), 10_000) if "compatible_models" in cells else ""
        line["models"] = [c for c in models_text.translate(MODEL_SEPARATORS).split(",") if c]
        model_codes.update(line["models"])
        code = line.get("code") or ""
        if code:
            if code in seen:
                checked.add(RowError(row, "code", "duplicate", {"row": seen[code]}))
            else:
                seen[code] = row
        line["unit"] = line.get("unit") or "pcs"
        parsed.append(line)
        if done % 1000 == 0:
            progress(done)
    known_models: dict[str, int] = {}
    for chunk in _chunks(sorted(model_codes)):
        known_models.update(ProductModel.objects.filter(code__in=chunk).values_list("code", "pk"))
    existing: dict[str, int] = {}
    for chunk in _chunks(sorted(seen)):
        existing.update(Part.objects.filter(code__in=chunk).values_list("code", "pk"))
    for line in parsed:
        unknown = [c for c in line["models"] if c not in known_models]
        if unknown:
            codes = "、".join(unknown[:5]) + ("…" if len(unknown) > 5 else "")
            checked.add(RowError(line["row"], "compatible_models", "unknown_models", {"codes": codes}))
        line["model_ids"] = sorted({known_models[c] for c in line["models"] if c in known_models})
        line["part_id"] = existing.get(line.get("code") or "")
    checked.existing = sum(1 for line in parsed if line["part_id"])
    checked.new = len(parsed) - checked.existing
    checked.rows = parsed if not checked.error_count else []
    progress(len(body))
    return checked


def check_opening_stock(columns: dict[str, int], body: list[tuple[int, list[Any]]], progress: Progress) -> Checked:
    checked = Checked(Kind.OPENING_STOCK, total=len(body))
    parsed = []
    for done, (row, values) in enumerate(body, start=1):
        cells = _cells(columns, values)
        line: dict[str, Any] = {"row": row}
        for key in ("part", "warehouse", "quantity"):
            _required(checked, row, cells, key)
        line["part"] = _field(checked, row, "part", text, cells.get("part"), 64)
        line["warehouse"] = _field(checked, row, "warehouse", text, cells.get("warehouse"), 32)
        if not _blank(cells.get("quantity")):
            line["quantity"] = _field(checked, row, "quantity", whole, cells["quantity"])
        line["minimum"] = None
        if not _blank(cells.get("minimum")):
            line["minimum"] = _field(checked, row, "minimum", whole, cells["minimum"], zero=True)
        parsed.append(line)
        if done % 1000 == 0:
            progress(done)
    part_codes = sorted({line["part"] for line in parsed if line["part"]})
    parts: dict[str, tuple[int, bool]] = {}
    for chunk in _chunks(part_codes):
        parts.update(
            (code, (pk, active))
            for code, pk, active in Part.objects.filter(code__in=chunk).values_list("code", "pk", "active")
        )
    warehouses = {code: (pk, active) for code, pk, active in Warehouse.objects.values_list("code", "pk", "active")}
    stocked: set[tuple[int, int]] = set()
    part_ids = [pk for pk, _active in parts.values()]
    for start in range(0, len(part_ids), 500):
        stocked.update(
            StockBalance.objects.filter(part_id__in=part_ids[start : start + 500])
            .exclude(on_hand=0, reserved=0)
            .values_list("part_id", "warehouse_id")
        )
    seen: dict[tuple[int, int], int] = {}
    for line in parsed:
        row = line["row"]
        part, warehouse = parts.get(line["part"] or ""), warehouses.get(line["warehouse"] or "")
        if line["part"] and part is None:
            checked.add(RowError(row, "part", "unknown_part"))
        elif part is not None and not part[1]:
            checked.add(RowError(row, "part", "part_inactive"))
        if line["warehouse"] and warehouse is None:
            checked.add(RowError(row, "warehouse", "unknown_warehouse"))
        elif warehouse is not None and not warehouse[1]:
            checked.add(RowError(row, "warehouse", "warehouse_closed"))
        if part is None or warehouse is None:
            continue
        pair = (part[0], warehouse[0])
        line["part_id"], line["warehouse_id"] = pair
        if pair in seen:
            checked.add(RowError(row, "part", "duplicate", {"row": seen[pair]}))
        else:
            seen[pair] = row
        if pair in stocked:
            checked.add(RowError(row, "quantity", "stock_exists"))
    checked.new = len(parsed)
    checked.rows = parsed if not checked.error_count else []
    progress(len(body))
    return checked


def check_rows(kind: str, data: bytes, progress: Progress | None = None) -> Checked:
    """Read ``data`` and check every row; nothing is written."""
    header, body = read_table(data)
    columns, missing = map_columns(kind, header)
    if missing:
        checked = Checked(kind, total=len(body))
        for error in missing:
            checked.add(error)
        return checked
    if not body:
        checked = Checked(kind)
        checked.add(RowError(2, "", "no_rows"))
        return checked
    check = check_catalogue if kind == Kind.CATALOGUE else check_opening_stock
    checked = check(columns, body, progress or (lambda _done: None))
    checked.errors.sort(key=lambda error: error.row)  # in the sheet's order (stable within a row)
    return checked
