"""The parts import and the stock export in the API (R-7.1, R-13.2).

`POST /parts-imports` is the dry run: the file is checked row by row and nothing is imported;
`POST /parts-imports/{id}/confirm` imports a file without errors, all rows or none (a large file
in the background: follow `GET /parts-imports/{id}`). `GET /stock/export` answers the stock as
an Excel workbook; it needs `parts.export_stock` and is recorded in the access log.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from aftersales.api.schemas import PathId, QueryId, responses
from aftersales.parts import imports
from aftersales.parts.data_schemas import ImportKind, ImportOut
from aftersales.parts.stock_export import stock_export

router = Router(tags=["parts-import-export"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportFilter(Schema):
    warehouse_id: QueryId | None = Field(None, description="One warehouse; all the caller sees when absent.")


@router.post("/parts-imports", response=responses({201: ImportOut}))
def import_upload(request: HttpRequest, kind: Form[ImportKind], file: File[UploadedFile]) -> Any:  # type: ignore[valid-type]
    """Upload an `.xlsx` or `.csv` file (UTF-8 or GBK; `multipart/form-data`) of the parts
    catalogue or of opening stock: the dry run. `status` is `ready` or `invalid` with `errors`
    by row and column. Templates: the import page of the web interface."""
    return Status(201, imports.parts_import_upload(actor=request.user, kind=str(kind), file=file))


@router.post("/parts-imports/{import_id}/confirm", response=responses({202: ImportOut}))
def import_confirm(request: HttpRequest, import_id: PathId) -> Any:
    """Import a checked file without errors (409 `import_has_errors`, or `import_not_ready` when
    already started). The rows are checked again; any error and nothing is imported (`failed`)."""
    return Status(202, imports.parts_import_confirm(actor=request.user, import_id=import_id))


@router.get("/parts-imports/{import_id}", response=responses({200: ImportOut}))
def import_get(request: HttpRequest, import_id: PathId) -> Any:
    return imports.parts_import_get(actor=request.user, import_id=import_id)


@router.get(
    "/stock/export",
    response=responses({}),
    openapi_extra={
        "responses": {
            200: {"description": "The workbook.", "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}
        }
    },
)
def export(request: HttpRequest, filters: Query[ExportFilter]) -> HttpResponse:
    name, data = stock_export(actor=request.user, warehouse_id=filters.warehouse_id)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response
