"""Import of the parts catalogue and of opening stock (R-7.1): the dry run reports each row's
errors by row and column, nothing is imported when any row is wrong, the confirmed import checks
again and writes everything in one transaction; CSV in UTF-8, UTF-8 with BOM and GBK."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from aftersales.audit.models import AccessLog
from aftersales.core.errors import DomainError, PermissionDenied
from aftersales.parts.import_rows import decode_csv
from aftersales.parts.imports import (
    parts_import_confirm,
    parts_import_upload,
    shown_errors,
    template_workbook,
)
from aftersales.parts.models import Part, PartsImport, StockBalance, StockMove
from tests.factories import PartFactory, ProductModelFactory, UserFactory, WarehouseFactory, stock_in
from tests.workorders.attachment_samples import media

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]
HEADER = ["编码", "名称", "规格", "单位", "成本单价", "客户单价", "认证", "适用机型"]


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("备件.xlsx", out.getvalue())


def csv_file(rows: list[list[object]], encoding: str, header: list[str] = HEADER) -> SimpleUploadedFile:
    text = "\r\n".join(",".join(str(v) for v in row) for row in [header, *rows]) + "\r\n"
    return SimpleUploadedFile("备件.csv", text.encode(encoding))


def good_rows(n: int, start: int = 1) -> list[list[object]]:
    return [[f"P{i:05d}", f"电容{i}", "450V", "个", 12.5, "20.00", "是", ""] for i in range(start, start + n)]


@pytest.fixture
def admin():
    return UserFactory(role="admin")


def upload(admin, file, kind="catalogue"):
    return parts_import_upload(actor=admin, kind=kind, file=file)


def test_r7_1_dry_run_of_a_correct_file_imports_nothing_then_confirm_imports_all(admin):
    model = ProductModelFactory(code="KFR-35GW")
    rows = good_rows(3)
    rows[0][7] = "KFR-35GW"
    job = upload(admin, xlsx(rows))
    assert (job.status, job.rows_total, job.errors, job.created) == ("ready", 3, [], 3)
    assert Part.objects.count() == 0  # the dry run wrote nothing
    done = parts_import_confirm(actor=admin, import_id=job.pk)
    assert done.status == "done"
    part = Part.objects.get(code="P00001")
    assert (part.name, part.unit, part.unit_cost, part.customer_price, part.certified) == (
        "电容1",
        "个",
        Decimal("12.50"),
        Decimal("20.00"),
        True,
    )
    assert list(part.compatible_models.all()) == [model]
    assert Part.objects.count() == 3
    assert AccessLog.objects.filter(verb="parts_import", object_id=str(job.pk)).count() == 1


def test_r7_1_a_wrong_row_in_the_middle_imports_nothing(admin):
    rows = good_rows(5)
    rows[2][4] = "十二块"  # row 4 of the sheet: the unit cost is no number
    job = upload(admin, xlsx(rows))
    assert job.status == "invalid"
    assert shown_errors(job) == ["第 4 行 成本单价：不是数字。"]
    with pytest.raises(DomainError) as exc:
        parts_import_confirm(actor=admin, import_id=job.pk)
    assert exc.value.code == "import_has_errors"
    assert Part.objects.count() == 0


def test_r7_1_the_confirm_checks_again_and_rolls_back_everything(admin, django_capture_on_commit_callbacks):
    """Between the dry run and the confirm a product model disappears: the second check finds it,
    and none of the rows before it stay."""
    model = ProductModelFactory(code="GONE-1")
    rows = good_rows(600)  # large: runs as the worker's task (immediate in tests)
    rows[300][7] = "GONE-1"
    job = upload(admin, xlsx(rows))
    assert job.status == "ready"
    model.delete()
    with django_capture_on_commit_callbacks(execute=True):
        queued = parts_import_confirm(actor=admin, import_id=job.pk)
    assert queued.status == "queued"
    done = PartsImport.objects.get(pk=job.pk)
    assert done.status == "failed"
    assert shown_errors(done) == ["第 302 行 适用机型：未知的产品型号：GONE-1。"]
    assert Part.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["", "电容", "", "", 1, 2, "", ""], "第 2 行 备件编号：必填。"),
        (["P1", "", "", "", 1, 2, "", ""], "第 2 行 名称：必填。"),
        (["P1", "电容", "", "", "abc", 2, "", ""], "第 2 行 成本单价：不是数字。"),
        (["P1", "电容", "", "", -1, 2, "", ""], "第 2 行 成本单价：请输入 0 或以上、最多两位小数的金额。"),
        (["P1", "电容", "", "", 1, "1.005", "", ""], "第 2 行 客户单价：请输入 0 或以上、最多两位小数的金额。"),
        (["P1", "电容", "", "", 1, 2, "也许", ""], "第 2 行 认证：请填写“是”或“否”。"),
        (["P1", "电容", "", "", 1, 2, "", "NOPE"], "第 2 行 适用机型：未知的产品型号：NOPE。"),
        (["P" * 65, "电容", "", "", 1, 2, "", ""], "第 2 行 备件编号：最多 64 个字符。"),
    ],
)
def test_r7_1_each_error_names_its_row_and_column_in_chinese(admin, row, expected):
    job = upload(admin, xlsx([row]))
    assert shown_errors(job) == [expected]


def test_r7_1_duplicate_part_numbers_in_one_file_name_the_first_row(admin):
    job = upload(admin, xlsx([*good_rows(2), good_rows(1)[0]]))
    assert shown_errors(job) == ["第 4 行 备件编号：与第 2 行重复。"]


def test_r7_1_a_missing_required_column_is_an_error_of_the_first_row(admin):
    job = upload(admin, xlsx([["P1", "电容"]], header=["编码", "名称"]))
    assert shown_errors(job) == ["第 1 行 成本单价：第一行缺少这一列。", "第 1 行 客户单价：第一行缺少这一列。"]


def test_r7_1_existing_parts_are_updated(admin):
    PartFactory(code="P00001", name="旧名称", unit_cost="1.00")
    job = upload(admin, xlsx(good_rows(2)))
    assert (job.created, job.updated) == (1, 1)
    parts_import_confirm(actor=admin, import_id=job.pk)
    assert Part.objects.get(code="P00001").name == "电容1"
    assert Part.objects.count() == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_r7_1_csv_in_utf8_with_or_without_bom_and_gbk(admin, encoding):
    job = upload(admin, csv_file(good_rows(2), encoding))
    assert job.status == "ready", shown_errors(job)
    parts_import_confirm(actor=admin, import_id=job.pk)
    assert Part.objects.get(code="P00002").name == "电容2"


def test_r7_1_decoding_prefers_utf8_and_falls_back_to_gbk():
    assert decode_csv("名称".encode()) == "名称"
    assert decode_csv("\ufeff名称".encode()) == "名称"
    assert decode_csv("名称".encode("gbk")) == "名称"


def test_r7_1_a_file_that_is_neither_xlsx_nor_csv_is_refused(admin):
    with pytest.raises(DomainError) as exc:
        upload(admin, SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100))
    assert exc.value.code == "import_file_type"
    assert set(exc.value.fields) == {"file"}
    with pytest.raises(DomainError) as exc:
        upload(admin, SimpleUploadedFile("empty.csv", b""))
    assert exc.value.code == "import_empty"
    assert PartsImport.objects.count() == 0


def test_r7_1_only_who_may_import_uploads_or_confirms(admin):
    job = upload(admin, xlsx(good_rows(1)))
    for role in ("agent", "technician", "executive", "customer"):
        with pytest.raises(PermissionDenied):
            upload(UserFactory(role=role), xlsx(good_rows(1)))
        with pytest.raises(DomainError) as exc:  # another's import: not found
            parts_import_confirm(actor=UserFactory(role=role), import_id=job.pk)
        assert exc.value.status in (403, 404)
    assert Part.objects.count() == 0


def test_r7_1_a_second_confirm_is_refused(admin):
    job = upload(admin, xlsx(good_rows(1)))
    parts_import_confirm(actor=admin, import_id=job.pk)
    with pytest.raises(DomainError) as exc:
        parts_import_confirm(actor=admin, import_id=job.pk)
    assert exc.value.code == "import_not_ready"
    assert Part.objects.count() == 1


# ---- opening stock --------------------------------------------------------------------------

STOCK_HEADER = ["备件编码", "仓库编码", "数量", "最低库存"]


def test_r7_1_opening_stock_goes_through_the_ledger_and_keeps_parts_check_green(admin):
    a, b = PartFactory(code="A1"), PartFactory(code="B1")
    central, branch = WarehouseFactory(code="CEN"), WarehouseFactory(code="BR1", kind="branch")
    rows = [["A1", "CEN", 10, 2], ["A1", "BR1", 3, ""], ["B1", "CEN", "5", 8]]
    job = upload(admin, xlsx(rows, header=STOCK_HEADER), kind="opening_stock")
    assert job.status == "ready", shown_errors(job)
    done = parts_import_confirm(actor=admin, import_id=job.pk)
    assert done.status == "done"
    balances = {
        (s.part_id, s.warehouse_id): (s.on_hand, s.minimum, s.below_minimum) for s in StockBalance.objects.all()
    }
    assert balances == {
        (a.pk, central.pk): (10, 2, False),
        (a.pk, branch.pk): (3, 0, False),
        (b.pk, central.pk): (5, 8, True),
    }
    assert set(StockMove.objects.values_list("kind", flat=True)) == {"receipt"}
    assert StockMove.objects.filter(reason__contains=str(job.pk)).count() == 3
    call_command("parts_check")  # balance = ledger for every row (raises when not)


def test_r7_1_opening_stock_errors_and_nothing_received(admin):
    PartFactory(code="A1")
    WarehouseFactory(code="CEN")
    PartFactory(code="OLD", active=False)
    already = PartFactory(code="HAS")
    stock_in(already, WarehouseFactory(code="BR9", kind="branch"), 4)
    rows = [
        ["A1", "CEN", 2, ""],
        ["ZZZ", "CEN", 1, ""],
        ["A1", "NOWH", 1, ""],
        ["A1", "CEN", 0, ""],
        ["OLD", "CEN", 1, ""],
        ["HAS", "BR9", 1, ""],
        ["A1", "CEN", 1.5, "-1"],
    ]
    job = upload(admin, xlsx(rows, header=STOCK_HEADER), kind="opening_stock")
    assert shown_errors(job) == [
        "第 3 行 备件编号：没有这个备件编号的备件。",
        "第 4 行 仓库编码：没有这个编码的仓库。",
        "第 5 行 数量：请输入大于 0 的整数。",
        "第 5 行 备件编号：与第 2 行重复。",
        "第 6 行 备件编号：此备件已停用。",
        "第 7 行 数量：此备件在该仓库已有库存，期初库存只能导入一次。",
        "第 8 行 数量：请输入大于 0 的整数。",
        "第 8 行 最低库存：请输入 0 或以上的整数。",
        "第 8 行 备件编号：与第 2 行重复。",
    ]
    assert StockMove.objects.count() == 1  # only the earlier receipt of HAS


def test_r7_1_templates_name_the_columns_with_required_marks():
    book = load_workbook(io.BytesIO(template_workbook("catalogue")))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:2] == ["备件编号 *", "名称 *"]
    assert "成本单价 *" in header
    stock = load_workbook(io.BytesIO(template_workbook("opening_stock")))
    assert [c.value for c in stock.worksheets[0][1]] == ["备件编号 *", "仓库编码 *", "数量 *", "最低库存"]


def test_r7_1_the_template_itself_imports_after_filling_it(admin):
    book = load_workbook(io.BytesIO(template_workbook("catalogue")))
    sheet = book.worksheets[0]
    sheet.append(["T-1", "温控器", "", "", "30", "45", "否", "", "是"])
    out = io.BytesIO()
    book.save(out)
    job = upload(admin, SimpleUploadedFile("模板.xlsx", out.getvalue()))
    assert job.status == "ready", shown_errors(job)
