"""The files of a visit leave the storage only here, after the scoped selector found the visit:
photos and their thumbnails, the signature, and the service report's PDF (WeasyPrint, Noto
Sans CJK SC; pictures embedded as data URIs, so the renderer fetches nothing)."""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from PIL import Image

from aftersales.audit.services import record
from aftersales.core.errors import NotFound
from aftersales.fieldservice import visit_selectors as selectors
from aftersales.fieldservice import visit_services as services
from aftersales.fieldservice.models import Visit, VisitPhoto


def _secure(response: HttpResponse | FileResponse) -> HttpResponse | FileResponse:
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def photo_response(*, actor: Any, visit_id: int, photo_id: int, thumbnail: bool = False) -> FileResponse:
    photo = selectors.visit_photo_get(actor=actor, visit_id=visit_id, photo_id=photo_id)
    stored = photo.thumbnail if thumbnail else photo.file
    name = str(stored.name or "")
    if not name:
        raise NotFound()
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise NotFound() from None
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    return _secure(response)  # type: ignore[return-value]


def signature_response(*, actor: Any, visit_id: int) -> FileResponse:
    visit = selectors.visit_get(actor=actor, visit_id=visit_id)
    if not visit.signature:
        raise NotFound()
    try:
        handle = default_storage.open(str(visit.signature.name), "rb")
    except FileNotFoundError:
        raise NotFound() from None
    return _secure(FileResponse(handle, content_type="image/png"))  # type: ignore[return-value]


def _data_uri(name: str | None, content_type: str) -> str:
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return ""
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


PRINT_SIDE = 800  # px: the report prints a photo 42 mm wide (report_pdf.html), about 480 dpi


def _print_uri(name: str) -> str:
    """A photo as the report prints it: a JPEG at most ``PRINT_SIDE`` px, not the stored one (up to
    ``FIELD_PHOTO_MAX_SIDE``, 2048 px): a fraction of the PDF's size. A JPEG is decoded at a
    reduced scale (``draft``), so making it costs less than the full picture would in the PDF."""
    try:
        with default_storage.open(name, "rb") as handle, Image.open(handle) as picture:
            width, height = picture.size
            ratio = PRINT_SIDE / max(width, height)
            if ratio < 1:
                size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
                picture.draft("RGB", size)
                picture.thumbnail(size)
            out = io.BytesIO()
            picture.convert("RGB").save(out, "JPEG", quality=85)
    except (OSError, Image.DecompressionBombError):  # gone or damaged in the storage: its place stays empty
        return ""
    return f"data:image/jpeg;base64,{base64.b64encode(out.getvalue()).decode()}"


def report_context(visit: Visit) -> dict[str, Any]:
    lines = list(visit.parts.select_related("part", "warehouse").order_by("pk"))
    totals = [(line.unit_price * line.quantity).quantize(Decimal("0.01")) for line in lines]
    parts = [{"line": line, "total": total} for line, total in zip(lines, totals, strict=True)]
    photos = [
        {
            "stage": p.get_stage_display(),
            "uri": _print_uri(p.file.name) if p.file.name else "",
        }
        for p in sorted(
            visit.photos.exclude(stage=VisitPhoto.Stage.SEAL), key=lambda p: (p.stage != VisitPhoto.Stage.BEFORE, p.pk)
        )
    ]
    return {
        "visit": visit,
        "wo": visit.work_order,
        "parts": parts,
        "parts_total": sum(totals, Decimal("0.00")),
        "photos": photos,
        "signature_uri": _data_uri(visit.signature.name, "image/png") if visit.signature else "",
        "seal_uri": _print_uri(visit.seal.name) if visit.seal.name else "",
        "intact": services.content_intact(visit),
        "printed_at": timezone.localtime(),
    }


def weasyprint_html() -> Any:
    """WeasyPrint's ``HTML``. Importing WeasyPrint sets Pillow's process-wide
    LOAD_TRUNCATED_IMAGES, which would let a truncated photo through the attachments' damage check
    (workorders/attachments.py) from then on: it is switched back; every picture a report embeds
    has passed that check already."""
    from PIL import ImageFile
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML


def report_pdf(visit: Visit) -> bytes:
    HTML = weasyprint_html()  # noqa: N806 — WeasyPrint's class
    html = render_to_string("fieldservice/report_pdf.html", report_context(visit))
    return bytes(HTML(string=html).write_pdf())


def report_pdf_response(*, actor: Any, visit_id: int) -> HttpResponse:
    """The PDF of a signed report (404 outside the scope or while unsigned); its download is in the
    access log (R-13.2)."""
    visit = selectors.visit_get(actor=actor, visit_id=visit_id)
    if not visit.is_signed:
        raise NotFound()
    record(actor=actor, action="view", obj=visit)
    response = HttpResponse(report_pdf(visit), content_type="application/pdf")
    name = f"{visit.archive_number or visit.work_order.number}-service-report.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return _secure(response)  # type: ignore[return-value]
