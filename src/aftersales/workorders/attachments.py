"""Attachments on work orders: photos and documents of the customer and of staff (ARCHITECTURE
"Files"; scope R-13.1).

What a file is, is read from its bytes, never from its name or the content type the client
sent: JPEG, PNG and WebP are opened by Pillow, decoded and encoded again (which drops EXIF,
the camera's location among it, and anything hidden after the picture), PDF by its ``%PDF-``
header, Excel and Word files by the parts a zip must hold to be one. Anything else is refused,
and so is a file over ``ATTACHMENT_MAX_MB``, an empty one and a picture of more pixels than
``MAX_PIXELS`` (a "decompression bomb": a few kilobytes that decode into gigabytes).

The file and its thumbnail (made once, here) go through Django's storage API under names the
server chooses. They are written inside the transaction that records the attachment and
deleted again when it does not commit, so a refused or failed upload leaves no file behind.
Files leave the storage only through ``attachment_response``, after a scoped selector found the
attachment (``selectors.work_order_attachment``).
"""

from __future__ import annotations

import io
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, ErrorCode, NotFound
from aftersales.workorders.errors import WorkOrderErrorCode
from aftersales.workorders.models import Attachment, WorkOrderEvent
from aftersales.workorders.selectors import (
    ShownAttachment,
    is_portal_user,
    work_order_attachment,
    work_order_scope,
)
from aftersales.workorders.services import ATTACH, action_refusal, work_order_lock
from aftersales.workorders.services.common import _event

Kind = Attachment.Kind

# A 50-megapixel phone photo passes; decoding is width × height × 4 bytes of memory.
MAX_PIXELS = 60_000_000
THUMBNAIL_SIZE = (320, 320)
MAX_NAME = 120

CONTENT_TYPES: dict[str, str] = {
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.WEBP: "image/webp",
    Kind.PDF: "application/pdf",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS: dict[str, tuple[str, ...]] = {
    Kind.JPEG: (".jpg", ".jpeg"),
    Kind.PNG: (".png",),
    Kind.WEBP: (".webp",),
    Kind.PDF: (".pdf",),
    Kind.XLSX: (".xlsx",),
    Kind.DOCX: (".docx",),
}
# What a file input offers (a hint for the picker only; the bytes decide).
ACCEPT = ",".join([*CONTENT_TYPES.values(), *(ext for exts in EXTENSIONS.values() for ext in exts)])
_PILLOW_FORMATS: dict[str, str] = {Kind.JPEG: "JPEG", Kind.PNG: "PNG", Kind.WEBP: "WEBP"}
# Word parts a zip must hold to be this kind; a macro project makes it something else.
_OFFICE_PARTS: dict[str, str] = {Kind.XLSX: "xl/workbook.xml", Kind.DOCX: "word/document.xml"}


def max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_MB) * 1024 * 1024


def too_large() -> DomainError:
    """A file over the limit (a whole request over it is refused before it is read:
    web.middleware.RequestTooLargeMiddleware)."""
    message = _("The file is larger than %(max)d MB.") % {"max": settings.ATTACHMENT_MAX_MB}
    return DomainError(ErrorCode.PAYLOAD_TOO_LARGE, message, {"file": message}, status=413)


@dataclass(frozen=True)
class Checked:
    """A file as it will be stored: its kind, its content (an image encoded again) and, for an
    image, the thumbnail."""

    kind: str
    content: bytes
    thumbnail: bytes


def _refused(code: str, message: Any, status: int = 422) -> DomainError:
    return DomainError(code, message, {"file": message}, status=status)


def _not_allowed() -> DomainError:
    return _refused(
        WorkOrderErrorCode.ATTACHMENT_TYPE,
        _("This kind of file cannot be attached. Attach a photo (JPEG, PNG, WebP), a PDF, or an Excel or Word file."),
    )


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Kind.WEBP
    if data.startswith(b"%PDF-"):
        return Kind.PDF
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return None


def _office(data: bytes) -> str | None:
    """xlsx or docx: a zip with the content-type list and the workbook or document part. Only
    the zip's directory is read; nothing is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names or any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    return next((kind for kind, part in _OFFICE_PARTS.items() if part in names), None)


def _image(data: bytes, kind: str) -> tuple[bytes, bytes]:
    """The picture encoded again without its metadata (turned upright first, as the camera's
    orientation tag said), and its thumbnail."""
    too_many_pixels = _refused(
        WorkOrderErrorCode.IMAGE_TOO_LARGE,
        _("The picture has too many pixels (at most %(max)d million).") % {"max": MAX_PIXELS // 1_000_000},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]]) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise too_many_pixels
                opened.load()
                picture = ImageOps.exif_transpose(opened)
                icc_profile = opened.info.get("icc_profile")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (OSError, SyntaxError, ValueError, EOFError):  # truncated, corrupt, not this format
        raise _refused(
            WorkOrderErrorCode.ATTACHMENT_DAMAGED, _("The picture could not be read; the file may be damaged.")
        ) from None
    return _encode(picture, kind, icc_profile), _thumbnail(picture)


def _encode(picture: Image.Image, kind: str, icc_profile: bytes | None) -> bytes:
    out = io.BytesIO()
    options: dict[str, Any] = {"icc_profile": icc_profile} if icc_profile else {}
    if kind == Kind.JPEG:
        if picture.mode not in ("L", "RGB", "CMYK"):
            picture = picture.convert("RGB")
        picture.save(out, "JPEG", quality=90, **options)
    elif kind == Kind.PNG:
        picture.save(out, "PNG", **options)
    else:
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha else "RGB")
        picture.save(out, "WEBP", quality=90, **options)
    return out.getvalue()


def _thumbnail(picture: Image.Image) -> bytes:
    small = picture.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    if small.mode != "RGB":  # transparency on white, as a page shows it
        rgba = small.convert("RGBA")
        small = Image.new("RGB", rgba.size, "white")
        small.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


def check_content(data: bytes) -> Checked:
    """What ``data`` is, by its bytes, as it will be stored; or the refusal to store it."""
    if not data:
        raise _refused(WorkOrderErrorCode.ATTACHMENT_EMPTY, _("The file is empty."))
    if len(data) > max_bytes():
        raise too_large()
    kind = _sniff(data)
    if kind is None:
        raise _not_allowed()
    if kind in _PILLOW_FORMATS:
        content, thumbnail = _image(data, kind)
        return Checked(kind, content, thumbnail)
    return Checked(kind, data, b"")


def display_name(name: str, kind: str) -> str:
    """The uploader's file name, for showing and downloading: no folders or control characters,
    at most MAX_NAME characters, and the extension of what the file is (``photo.png`` that is a
    JPEG becomes ``photo.jpg``)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    known = {ext for exts in EXTENSIONS.values() for ext in exts}
    if f".{extension.lower()}" in EXTENSIONS[kind]:
        return f"{stem[: MAX_NAME - len(extension) - 1]}.{extension}"
    if f".{extension.lower()}" not in known:
        stem = name
    stem = stem or str(_("attachment"))
    suffix = EXTENSIONS[kind][0]
    return stem[: MAX_NAME - len(suffix)] + suffix


def attachment_add(*, actor: Any, work_order_id: int, file: File[Any], visible_to_customer: bool = False) -> Attachment:
    """Attach ``file`` to the work order: for a customer, their own request's, and always
    visible to them; for staff, whoever may add a note (the handler, agents, supervisors),
    hidden from the customer unless ``visible_to_customer``. A timeline event records it."""
    wo = work_order_scope(actor=actor).filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound()
    refusal = action_refusal(actor=actor, action=ATTACH, wo=wo)
    if refusal is not None:  # refused before the file is read
        raise refusal
    file.seek(0)
    checked = check_content(file.read(max_bytes() + 1))
    name = display_name(str(file.name or ""), checked.kind)
    visible = True if is_portal_user(actor) else bool(visible_to_customer)

    stored: list[str] = []
    try:
        with transaction.atomic():
            wo = work_order_lock(actor=actor, work_order_id=work_order_id)
            refusal = action_refusal(actor=actor, action=ATTACH, wo=wo)  # asked again under the lock
            if refusal is not None:
                raise refusal
            base = f"attachments/{wo.pk}/{uuid.uuid4().hex}"
            stored.append(default_storage.save(base + EXTENSIONS[checked.kind][0], ContentFile(checked.content)))
            if checked.thumbnail:
                stored.append(default_storage.save(f"{base}-thumbnail.jpg", ContentFile(checked.thumbnail)))
            attachment = Attachment.objects.create(
                work_order=wo,
                file=stored[0],
                thumbnail=stored[1] if checked.thumbnail else "",
                name=name,
                kind=checked.kind,
                size=len(checked.content),
                visible_to_customer=visible,
                uploaded_by=actor,
            )
            _event(
                wo,
                actor,
                WorkOrderEvent.Kind.ATTACHMENT,
                text=name,
                data={"attachment": attachment.pk, "kind": checked.kind, "visible_to_customer": visible},
            )
            record(actor=actor, action="create", obj=attachment, detail={"work_order": wo.pk})
    except BaseException:
        for stored_name in stored:  # nothing was recorded: no file stays behind
            default_storage.delete(stored_name)
        raise
    return attachment


def attachment_download(*, actor: Any, work_order_id: int, attachment_id: int, thumbnail: bool = False) -> FileResponse:
    """The file (or its thumbnail) of an attachment ``actor`` may see (``work_order_attachment``:
    the work order's scope, and for a customer only what is visible to them; else 404), for the
    staff pages, the portal and the API alike. Opening the file is recorded in the access log
    (R-13.2); a thumbnail is part of the page that showed it."""
    shown = work_order_attachment(actor=actor, work_order_id=work_order_id, attachment_id=attachment_id)
    if not thumbnail:
        # The access log names the record by its type, id and name (an unsaved copy: no query).
        record(actor=actor, action="view", obj=Attachment(pk=shown.id, name=shown.name))
    return attachment_response(shown, thumbnail=thumbnail)


def attachment_response(attachment: ShownAttachment, *, thumbnail: bool = False) -> FileResponse:
    """The stored file (or its thumbnail) of an attachment a scoped selector found: pictures
    shown in the page, documents downloaded, with the name in RFC 5987 form for Chinese names.
    The answer may run no script and the browser may not guess another type."""
    if thumbnail:
        if not attachment.thumbnail:
            raise NotFound()
        stored, content_type, inline, name = attachment.thumbnail, "image/jpeg", True, attachment.name
    else:
        stored, content_type = attachment.file, CONTENT_TYPES[attachment.kind]
        inline, name = attachment.is_image, attachment.name
    try:
        handle = default_storage.open(stored.name, "rb")
    except FileNotFoundError:
        raise NotFound() from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, name) or ""
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
