"""The service notice as a document (R-5.3): one A4 page in Chinese, rendered by WeasyPrint with
Noto Sans CJK SC through the same helper as the service report's PDF; the same body serves the
page. Its QR code (segno, an SVG data URI: the renderer fetches nothing) holds the absolute URL of
the work order's page on the technician's phone."""

from __future__ import annotations

from typing import Any

import segno
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header

from aftersales.audit.services import record
from aftersales.dispatch import notices
from aftersales.dispatch.models import ServiceNotice
from aftersales.dispatch.notice_notifications import technician_work_order_url
from aftersales.fieldservice.visit_files import weasyprint_html


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def notice_context(notice: ServiceNotice, *, reader: Any) -> dict[str, Any]:
    url = technician_work_order_url(notice.work_order_id)
    snapshot = notices.shown_snapshot(notice, reader)
    appt = snapshot.get("appointment")
    parts = snapshot.get("parts") or []
    half = (len(parts) + 1) // 2
    return {
        "notice": notice,
        "snap": snapshot,
        "lead": snapshot["technicians"][0],
        "helpers": snapshot["technicians"][1:],
        "appointment": appt,
        "parts_columns": [parts[:half], parts[half:]],
        "qr_uri": qr_data_uri(url),
        "qr_url": url,
        "printed_at": timezone.localtime(),
    }


def notice_pdf(notice: ServiceNotice, *, reader: Any) -> bytes:
    HTML = weasyprint_html()  # noqa: N806 — WeasyPrint's class
    html = render_to_string("dispatch/notice_pdf.html", notice_context(notice, reader=reader))
    return bytes(HTML(string=html).write_pdf())


def notice_pdf_response(*, actor: Any, notice_id: int) -> HttpResponse:
    """The PDF (404 outside the reader's scope); its download is in the access log (R-13.2)."""
    notice = notices.notice_get(actor=actor, notice_id=notice_id)
    record(actor=actor, action="view", obj=notice)
    response = HttpResponse(notice_pdf(notice, reader=actor), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{notice.number}.pdf") or ""
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
