"""Every write on visits and service reports (R-6.2–R-6.4, R-6.7).

One rule decides what an actor may do with a visit (``visit_refusal``): the pages offer exactly
the actions it allows and every service asks it again under the lock. The work order is locked
before the visit (parent before child, ``workorders.services.work_order_lock``); each step is on
the work order's timeline and in the access log.

Settings (Django settings, defaults here):

- ``FIELD_REPORT_WORKING_DAYS`` (3): working days after the check-in to submit the report; a
  later submission is flagged ``late`` (R-6.4).
- ``FIELD_PHOTOS_REQUIRED`` (True): an on-site visit needs a photo before and one after to be
  signed and submitted.
- ``FIELD_PHOTO_MAX_MB`` (15) and ``FIELD_PHOTO_MAX_SIDE`` (2048 px): a photo's upload limit and
  the longest side it is stored at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
import warnings
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, ErrorCode, PermissionDenied, ValidationFailed
from aftersales.core.idempotency import idempotent
from aftersales.core.numbering import next_number
from aftersales.fieldservice.models import Visit, VisitKind, VisitPart, VisitPhoto, VisitStatus
from aftersales.fieldservice.visit_selectors import PERM_RECORD, PERM_REVIEW, visit_scope
from aftersales.workorders.attachments import check_content
from aftersales.workorders.attachments import max_bytes as attachments_max_bytes
from aftersales.workorders.models import WorkOrder
from aftersales.workorders.selectors import work_order_scope
from aftersales.workorders.services import work_order_event_record, work_order_lock
from aftersales.workorders.states import OPEN_STATUSES

TEXT_FIELDS = ("diagnosis", "work_done", "test_result", "advice", "remote_steps")
MAX_TEXT = 4000
MAX_OPINION = 500
MAX_NAME = 64
MAX_PHOTOS = 20


class VisitErrorCode(StrEnum):
    WORK_ORDER_NOT_OPEN = "work_order_not_open"
    NOT_ASSIGNED = "visit_not_assigned"
    VISIT_OPEN = "visit_already_open"
    REPORT_SIGNED = "report_signed"
    REPORT_UNSIGNED = "report_unsigned"
    REPORT_READ_ONLY = "report_read_only"
    ILLEGAL = "visit_illegal_transition"
    PHOTOS_REQUIRED = "photos_required"
    PHOTO_TYPE = "photo_type"
    TOO_MANY_PHOTOS = "too_many_photos"
    NOT_CHECKED_IN = "not_checked_in"
    SIGNATURE_OR_SEAL = "signature_or_seal"
    OWN_REPORT = "own_report"
    REPORT_NOT_APPROVED = "report_not_approved"


# Actions
CHECK_IN = "check_in"
EDIT = "edit"
SIGN = "sign"
SUBMIT = "submit"
REVIEW = "review"
EDITABLE = frozenset({VisitStatus.DRAFT, VisitStatus.RETURNED})


def report_working_days() -> int:
    return int(getattr(settings, "FIELD_REPORT_WORKING_DAYS", 3))


def photos_required() -> bool:
    return bool(getattr(settings, "FIELD_PHOTOS_REQUIRED", True))


def photo_max_bytes() -> int:
    return int(getattr(settings, "FIELD_PHOTO_MAX_MB", 15)) * 1024 * 1024


def photo_max_side() -> int:
    return int(getattr(settings, "FIELD_PHOTO_MAX_SIDE", 2048))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# ---------------------------------------------------------------------------------------
# who may do what


def visit_refusal(*, actor: Any, action: str, visit: Visit) -> DomainError | None:
    """Why ``actor`` may not do ``action`` on ``visit`` (None: allowed). The technician records,
    signs and submits his own visit; a supervisor reviews a submitted one, never his own."""
    if action == REVIEW:
        if not actor.has_perm(PERM_REVIEW):
            return PermissionDenied()
        if visit.technician_id == actor.pk:
            return DomainError(VisitErrorCode.OWN_REPORT, _("You cannot review your own report."), status=403)
        if visit.status != VisitStatus.SUBMITTED:
            return _illegal(visit)
        return None
    if not actor.has_perm(PERM_RECORD) or visit.technician_id != actor.pk:
        return PermissionDenied(_("Only the technician of this visit can change it."))
    if visit.status == VisitStatus.APPROVED:
        return DomainError(VisitErrorCode.REPORT_READ_ONLY, _("The report is approved and read-only."), status=409)
    if action in (EDIT, SIGN):
        if visit.status not in EDITABLE:
            return DomainError(
                VisitErrorCode.REPORT_SIGNED,
                _("The report is signed; its content can no longer be changed."),
                status=409,
            )
        return None
    if action == SUBMIT:
        if visit.status in EDITABLE:
            return DomainError(
                VisitErrorCode.REPORT_UNSIGNED,
                _("The customer has not signed the report (or no seal photo): it cannot be submitted."),
                status=409,
            )
        if visit.status != VisitStatus.SIGNED:
            return _illegal(visit)
        return None
    return _illegal(visit)


def available_visit_actions(*, actor: Any, visit: Visit) -> set[str]:
    return {a for a in (EDIT, SIGN, SUBMIT, REVIEW) if visit_refusal(actor=actor, action=a, visit=visit) is None}


def _illegal(visit: Visit) -> DomainError:
    return DomainError(
        VisitErrorCode.ILLEGAL,
        _("This cannot be done while the report is “%(status)s”.") % {"status": visit.get_status_display()},
        status=409,
    )


def _lock(actor: Any, visit_id: int, action: str) -> tuple[Visit, WorkOrder]:
    """The visit (scoped: 404 outside), its work order locked, then the visit locked, and the
    action's rule asked under the lock."""
    visit = visit_scope(actor=actor).filter(pk=visit_id).first() if isinstance(visit_id, int) else None
    if visit is None:
        from aftersales.core.errors import NotFound

        raise NotFound()
    wo = WorkOrder.objects.select_for_update().get(pk=visit.work_order_id)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    refusal = visit_refusal(actor=actor, action=action, visit=visit)
    if refusal is not None:
        raise refusal
    if wo.is_read_only:
        raise DomainError(VisitErrorCode.REPORT_READ_ONLY, _("Archived work orders are read-only."), status=409)
    return visit, wo


def _text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed({field: _("Enter text.")})
    text = str(value).strip()
    if len(text) > limit:
        raise ValidationFailed({field: _("At most %(max)d characters.") % {"max": limit}})
    if "\x00" in text:
        raise ValidationFailed({field: _("Enter text.")})
    return text


def _score(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValidationFailed({field: _("Give a score from 1 to 10.")})
    return value


# ---------------------------------------------------------------------------------------
# check-in and recording


@idempotent(scope="fieldservice.visit_check_in", model=Visit)
def visit_check_in(
    *,
    actor: Any,
    work_order_id: int,
    kind: str = VisitKind.ON_SITE,
    now: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Visit:
    """The assigned technician arrives (on site) or starts remote support: a visit with the
    arrival time the server reads (never the phone's). One open visit per technician and work
    order: a second check-in is refused ``visit_already_open``."""
    from aftersales.sla import clocks
    from aftersales.sla import targets as sla_targets

    if kind not in VisitKind.values:
        raise ValidationFailed({"kind": _("Choose on site or remote support.")})
    if not actor.has_perm(PERM_RECORD):
        raise PermissionDenied()
    at = _now(now)
    with transaction.atomic():
        wo = work_order_lock(actor=actor, work_order_id=work_order_id)  # 404 outside the scope
        if wo.assignee_id != actor.pk:
            raise DomainError(
                VisitErrorCode.NOT_ASSIGNED, _("Only the technician assigned to the work order can visit."), status=403
            )
        if wo.status not in OPEN_STATUSES:
            raise DomainError(VisitErrorCode.WORK_ORDER_NOT_OPEN, _("The work order is not open."), status=409)
        if Visit.objects.filter(work_order=wo, technician=actor, status__in=list(EDITABLE)).exists():
            raise DomainError(
                VisitErrorCode.VISIT_OPEN, _("You already have an open visit for this work order."), status=409
            )
        visit = Visit.objects.create(
            work_order=wo,
            technician=actor,
            kind=kind,
            checked_in_at=at,
            created_at=at,
            submit_due_at=clocks.add_working_days(at, report_working_days()),
        )
        if kind == VisitKind.ON_SITE:
            sla_targets.on_arrived(wo, at=at)
        work_order_event_record(
            actor=actor,
            work_order=wo,
            action="visit_check_in" if kind == VisitKind.ON_SITE else "remote_support",
            data={"visit": visit.pk},
            at=at,
        )
        record(actor=actor, action="create", obj=visit, detail={"work_order": wo.pk, "kind": kind})
    return visit


def visit_record(*, actor: Any, visit_id: int, data: dict[str, Any]) -> Visit:
    """The technician's notes: any of diagnosis, work done, test result, whether the fault was fixed
    (True/False/None, R-4.4), advice, remote steps, the customer's scores (1–10) and opinion. Only fields given are changed; refused once signed."""
    changes: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name, value in data.items():
        try:
            if name in TEXT_FIELDS:
                changes[name] = _text(value, name)
            elif name in ("product_score", "service_score"):
                changes[name] = _score(value, name)
            elif name == "opinion":
                changes[name] = _text(value, name, MAX_OPINION)
            elif name == "fixed":
                if value is not None and not isinstance(value, bool):
                    raise ValidationFailed({name: _("Choose fixed or not fixed.")})
                changes[name] = value
            else:
                errors[name] = _("Unknown field.")
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        visit, _wo = _lock(actor, visit_id, EDIT)
        for name, value in changes.items():
            setattr(visit, name, value)
        visit.save(update_fields=[*changes] or None)
        record(actor=actor, action="change", verb="visit_record", obj=visit, detail={"fields": sorted(changes)})
    return visit


@idempotent(scope="fieldservice.visit_use_part", model=VisitPart)
def visit_use_part(
    *,
    actor: Any,
    visit_id: int,
    part_id: int,
    warehouse_id: int,
    quantity: int,
    now: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> VisitPart:
    """A part used on the visit, taken from the technician's own van or a branch store through the
    parts ledger (``stock_issue``: certified parts only, never below zero)."""
    from aftersales.parts.models import Part, Warehouse
    from aftersales.parts.services import stock_issue

    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= 1000:
        raise ValidationFailed({"quantity": _("Give a whole number from 1 to 1000.")})
    for name, value in (("part_id", part_id), ("warehouse_id", warehouse_id)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise ValidationFailed({name: _("Not found.")})
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None or not (
        warehouse.kind == Warehouse.Kind.BRANCH
        or (warehouse.kind == Warehouse.Kind.VAN and warehouse.holder_id == actor.pk)
    ):
        raise ValidationFailed({"warehouse_id": _("Take parts from your own van or a branch store.")})
    at = _now(now)
    with transaction.atomic():
        visit, wo = _lock(actor, visit_id, EDIT)
        move = stock_issue(
            actor=actor,
            part_id=part_id,
            warehouse_id=warehouse.pk,
            quantity=quantity,
            reason=f"{wo.number} V{visit.pk}",
            work_order_id=wo.pk,
            now=at,
        )
        part = Part.objects.get(pk=part_id)
        line = VisitPart.objects.create(
            visit=visit,
            part=part,
            warehouse=warehouse,
            quantity=quantity,
            unit_price=part.customer_price,
            stock_move=move,
            used_at=at,
        )
        work_order_event_record(
            actor=actor,
            work_order=wo,
            action="visit_part",
            text=f"{part.code} {part.name} × {quantity}",
            data={"visit": visit.pk, "part": part.pk, "quantity": quantity, "warehouse": warehouse.pk},
            at=at,
        )
        record(actor=actor, action="change", verb="visit_part", obj=visit, detail={"part": part.pk, "qty": quantity})
    return line


# ---------------------------------------------------------------------------------------
# photos


def _photo_refused(message: Any, code: str = VisitErrorCode.PHOTO_TYPE, status: int = 422) -> DomainError:
    return DomainError(code, message, {"file": message}, status=status)


def _heic_to_jpeg(data: bytes) -> bytes:
    """An iPhone's HEIC/HEIF photo decoded (pillow-heif) and encoded as JPEG; the attachments'
    check then reads it like any JPEG (upright, without EXIF or GPS)."""
    import pillow_heif

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
            picture = heif.to_pillow()
    except Exception:
        raise _photo_refused(_("The picture could not be read; the file may be damaged.")) from None
    picture = ImageOps.exif_transpose(picture).convert("RGB")
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _resized(data: bytes, kind: str) -> bytes:
    side = photo_max_side()
    with Image.open(io.BytesIO(data)) as picture:
        if max(picture.size) <= side:
            return data
        picture.load()
        small = picture.copy()
    small.thumbnail((side, side))
    out = io.BytesIO()
    if kind == "png":
        small.save(out, "PNG")
    else:
        small.convert("RGB").save(out, "JPEG", quality=88)
    return out.getvalue()


def _is_heic(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc")


def check_photo(data: bytes) -> tuple[str, bytes, bytes]:
    """(kind "jpeg"/"png", stored bytes, thumbnail) of a visit photo, by its content: JPEG, PNG
    or HEIC, at most ``FIELD_PHOTO_MAX_MB``; decoded and encoded again without EXIF/GPS
    (``workorders.attachments.check_content``), at most ``FIELD_PHOTO_MAX_SIDE`` px."""
    if len(data) > photo_max_bytes():
        message = _("The photo is larger than %(max)d MB.") % {"max": photo_max_bytes() // (1024 * 1024)}
        raise _photo_refused(message, ErrorCode.PAYLOAD_TOO_LARGE, 413)
    if _is_heic(data):
        data = _heic_to_jpeg(data)
    elif not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        if not data:
            raise _photo_refused(_("The file is empty."))
        raise _photo_refused(_("Only photos can be added: JPEG, PNG or HEIC."))
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    try:
        data = _resized(data, kind)
        if len(data) > attachments_max_bytes():  # a large PNG: stored as a JPEG instead
            with Image.open(io.BytesIO(data)) as picture:
                out = io.BytesIO()
                picture.convert("RGB").save(out, "JPEG", quality=88)
                data = out.getvalue()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _photo_refused(_("The picture could not be read; the file may be damaged.")) from None
    checked = check_content(data)
    return checked.kind, checked.content, checked.thumbnail


def visit_photo_add(
    *,
    actor: Any,
    visit_id: int,
    stage: str,
    file: File[Any],
    now: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> VisitPhoto:
    """A photo before or after the work, or of the company seal (R-6.2, R-6.3). With an
    Idempotency-Key the same upload sent again (a dropped connection) is stored once: the key is
    fingerprinted with the visit, the stage and the file's SHA-256."""
    from aftersales.core.idempotency import run_once

    if stage not in VisitPhoto.Stage.values:
        raise ValidationFailed({"stage": _("Choose before, after or company seal.")})
    file.seek(0)
    data = file.read(photo_max_bytes() + 1)
    payload = {"visit_id": visit_id, "stage": stage, "sha256": hashlib.sha256(data).hexdigest()}
    photo, _created = run_once(
        user=actor,
        scope="fieldservice.visit_photo_add",
        key=idempotency_key,
        payload=payload,
        model=VisitPhoto,
        create=lambda: _photo_add(actor=actor, visit_id=visit_id, stage=stage, data=data, now=now),
    )
    return photo


def _photo_add(*, actor: Any, visit_id: int, stage: str, data: bytes, now: dt.datetime | None) -> VisitPhoto:
    kind, content, thumbnail = check_photo(data)
    at = _now(now)
    stored: list[str] = []
    try:
        with transaction.atomic():
            visit, _wo = _lock(actor, visit_id, EDIT)
            if visit.photos.count() >= MAX_PHOTOS:
                raise _photo_refused(
                    _("At most %(max)d photos per visit.") % {"max": MAX_PHOTOS}, VisitErrorCode.TOO_MANY_PHOTOS, 409
                )
            base = f"visits/{visit.pk}/{uuid.uuid4().hex}"
            stored.append(default_storage.save(f"{base}.{'png' if kind == 'png' else 'jpg'}", ContentFile(content)))
            stored.append(default_storage.save(f"{base}-thumbnail.jpg", ContentFile(thumbnail)))
            photo = VisitPhoto.objects.create(
                visit=visit,
                stage=stage,
                file=stored[0],
                thumbnail=stored[1],
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_at=at,
            )
            record(actor=actor, action="change", verb="visit_photo", obj=visit, detail={"photo": photo.pk})
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return photo


def visit_photo_delete(*, actor: Any, visit_id: int, photo_id: int) -> None:
    with transaction.atomic():
        visit, _wo = _lock(actor, visit_id, EDIT)
        photo = visit.photos.filter(pk=photo_id).first() if isinstance(photo_id, int) else None
        if photo is None:
            from aftersales.core.errors import NotFound

            raise NotFound()
        names = [photo.file.name, photo.thumbnail.name]
        photo.delete()
        record(actor=actor, action="change", verb="visit_photo_delete", obj=visit, detail={"photo": photo_id})

        def remove_files() -> None:
            for name in names:
                if name:
                    default_storage.delete(name)

        transaction.on_commit(remove_files)


# ---------------------------------------------------------------------------------------
# the report: sign, submit, review


def report_content(visit: Visit) -> dict[str, Any]:
    """What the customer signs: every recorded fact of the visit, the parts, the photos' and the
    signature's SHA-256. Its SHA-256 is stored at signing; the PDF shows it."""
    wo = visit.work_order
    return {
        "work_order": wo.number,
        "visit": visit.pk,
        "technician": visit.technician_id,
        "kind": visit.kind,
        "checked_in_at": visit.checked_in_at.astimezone(dt.UTC).isoformat() if visit.checked_in_at else None,
        **{name: getattr(visit, name) for name in TEXT_FIELDS},
        "product_score": visit.product_score,
        "service_score": visit.service_score,
        "opinion": visit.opinion,
        # Only when recorded: a report signed before the field existed keeps its hash.
        **({"fixed": visit.fixed} if visit.fixed is not None else {}),
        "parts": [
            [line.part.code, line.warehouse.code, line.quantity, str(line.unit_price)]
            for line in visit.parts.select_related("part", "warehouse").order_by("pk")
        ],
        "photos": [[p.stage, p.sha256] for p in visit.photos.order_by("pk")],
        "signer_name": visit.signer_name,
        "signature": _file_sha256(visit.signature),
        "seal": _file_sha256(visit.seal),
        "signed_at": visit.signed_at.astimezone(dt.UTC).isoformat() if visit.signed_at else None,
    }


def _file_sha256(field: Any) -> str:
    if not field:
        return ""
    with default_storage.open(field.name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def content_hash(visit: Visit) -> str:
    text = json.dumps(report_content(visit), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def content_intact(visit: Visit) -> bool:
    """True when the report's content is still what was signed."""
    return bool(visit.content_hash) and content_hash(visit) == visit.content_hash


def _photo_rule(visit: Visit) -> None:
    if visit.kind != VisitKind.ON_SITE or not photos_required():
        return
    stages = set(visit.photos.values_list("stage", flat=True))
    missing = [s for s in (VisitPhoto.Stage.BEFORE, VisitPhoto.Stage.AFTER) if s not in stages]
    if missing:
        message = _("A repair visit needs at least one photo before and one after the work.")
        raise DomainError(VisitErrorCode.PHOTOS_REQUIRED, message, {"photos": message}, status=409)


def _required_texts(visit: Visit) -> None:
    needed = ("remote_steps",) if visit.kind == VisitKind.REMOTE else ("diagnosis", "work_done")
    missing = {name: _("Required before the customer signs.") for name in needed if not getattr(visit, name)}
    if missing:
        raise ValidationFailed(missing)


def visit_sign(
    *,
    actor: Any,
    visit_id: int,
    signer_name: str,
    signature: bytes = b"",
    use_seal: bool = False,
    now: dt.datetime | None = None,
) -> Visit:
    """The customer signs on the technician's screen (``signature``: the pad's PNG) or the
    technician attaches the company seal (``use_seal``: the newest seal photo). The content's
    SHA-256 is stored and the report can no longer change."""
    from aftersales.parts.property_services import _signature_png
    from aftersales.sla import targets as sla_targets

    name = _text(signer_name, "signer_name", MAX_NAME)
    if not name:
        raise ValidationFailed({"signer_name": _("Enter the name of the person who signs.")})
    if bool(signature) == bool(use_seal):
        message = _("Have the customer sign on the screen, or attach a photo of the company seal.")
        raise DomainError(VisitErrorCode.SIGNATURE_OR_SEAL, message, {"signature": message}, status=422)
    png = _signature_png(signature) if signature else b""
    at = _now(now)
    stored: list[str] = []
    try:
        with transaction.atomic():
            visit, wo = _lock(actor, visit_id, SIGN)
            _required_texts(visit)
            _photo_rule(visit)
            visit.signature, visit.seal = "", ""
            if png:
                stored.append(
                    default_storage.save(f"visits/{visit.pk}/signature-{uuid.uuid4().hex}.png", ContentFile(png))
                )
                visit.signature = stored[0]
            else:
                seal = visit.photos.filter(stage=VisitPhoto.Stage.SEAL).order_by("-pk").first()
                if seal is None:
                    message = _("Add a photo of the company seal first.")
                    raise DomainError(VisitErrorCode.SIGNATURE_OR_SEAL, message, {"seal": message}, status=422)
                visit.seal = seal.file.name
            visit.signer_name = name
            visit.signed_at = at
            visit.status = VisitStatus.SIGNED
            visit.content_hash = content_hash(visit)
            visit.save()
            if visit.kind == VisitKind.ON_SITE and visit.fixed is not None:
                sla_targets.on_visit_outcome(wo, fixed=visit.fixed, at=at)
            work_order_event_record(
                actor=actor,
                work_order=wo,
                action="report_signed",
                text=name,
                data={"visit": visit.pk, "sha256": visit.content_hash, "seal": not png},
                at=at,
            )
            record(actor=actor, action="change", verb="report_sign", obj=visit, detail={"sha256": visit.content_hash})
    except BaseException:
        for stored_name in stored:
            default_storage.delete(stored_name)
        raise
    return visit


@idempotent(scope="fieldservice.visit_submit", model=Visit)
def visit_submit(
    *, actor: Any, visit_id: int, now: dt.datetime | None = None, idempotency_key: str | None = None
) -> Visit:
    """The technician submits the signed report (R-6.4): refused ``report_unsigned`` without a
    signature or seal; flagged late after ``FIELD_REPORT_WORKING_DAYS`` working days."""
    at = _now(now)
    with transaction.atomic():
        visit, wo = _lock(actor, visit_id, SUBMIT)
        _photo_rule(visit)
        if not content_intact(visit):  # changed behind the services' back
            raise DomainError(
                VisitErrorCode.REPORT_SIGNED, _("The report's content no longer matches what was signed."), status=409
            )
        visit.status = VisitStatus.SUBMITTED
        visit.submitted_at = at
        visit.late = visit.submit_due_at is not None and at > visit.submit_due_at
        visit.save(update_fields=["status", "submitted_at", "late"])
        work_order_event_record(
            actor=actor, work_order=wo, action="report_submitted", data={"visit": visit.pk, "late": visit.late}, at=at
        )
        record(actor=actor, action="change", verb="report_submit", obj=visit, detail={"late": visit.late})
    return visit


def visit_approve(*, actor: Any, visit_id: int, comment: str = "", now: dt.datetime | None = None) -> Visit:
    """A supervisor approves: the report gets its archive number (RPT-YYYY-NNNNNN, gap-free) and
    is read-only from then on."""
    comment = _text(comment, "comment")
    at = _now(now)
    with transaction.atomic():
        visit, wo = _lock(actor, visit_id, REVIEW)
        visit.status = VisitStatus.APPROVED
        visit.reviewed_by = actor
        visit.reviewed_at = at
        visit.review_comment = comment
        visit.archive_number = next_number("RPT", timezone.localtime(at).year)
        visit.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "archive_number"])
        work_order_event_record(
            actor=actor,
            work_order=wo,
            action="report_approved",
            text=visit.archive_number,
            data={"visit": visit.pk},
            at=at,
        )
        record(actor=actor, action="change", verb="report_approve", obj=visit)
        from aftersales.surveys.services import answer_from_visit

        answer_from_visit(visit=visit, now=at)  # the customer's opinion counts as an answer
        _notify_technician(visit, approved=True)
    return visit


def visit_return(*, actor: Any, visit_id: int, comment: str, now: dt.datetime | None = None) -> Visit:
    """A supervisor returns the report with a comment: the technician corrects it and the
    customer signs again (the old signature and hash are cleared)."""
    comment = _text(comment, "comment")
    if not comment:
        raise ValidationFailed({"comment": _("Say what has to be corrected.")})
    at = _now(now)
    with transaction.atomic():
        visit, wo = _lock(actor, visit_id, REVIEW)
        visit.status = VisitStatus.RETURNED
        visit.reviewed_by = actor
        visit.reviewed_at = at
        visit.review_comment = comment
        visit.signature, visit.seal = "", ""
        visit.signed_at = None
        visit.content_hash = ""
        visit.submitted_at = None
        visit.save()
        work_order_event_record(
            actor=actor, work_order=wo, action="report_returned", text=comment, data={"visit": visit.pk}, at=at
        )
        record(actor=actor, action="change", verb="report_return", obj=visit)
        _notify_technician(visit, approved=False)
    return visit


def _notify_technician(visit: Visit, *, approved: bool) -> None:
    from aftersales.core.outbox import Notice, notify_users
    from aftersales.core.subjects import topic_for

    wo = visit.work_order
    if approved:
        subject = _("Service report %(number)s approved") % {"number": visit.archive_number}
    else:
        subject = _("Service report of %(number)s returned") % {"number": wo.number}
    body = f"{wo.number} {visit.review_comment}".strip()
    notify_users(
        [
            Notice(
                visit.technician,
                str(subject),
                body,
                topic_for("work_order", wo.pk),
                dedupe_key_prefix=f"visit-review:{visit.pk}:{visit.reviewed_at.isoformat() if visit.reviewed_at else ''}",
                channels=("in_app",),
                kind="report_reviewed",
            )
        ]
    )


def visible_in_scope(actor: Any, work_order_id: int) -> bool:
    return work_order_scope(actor=actor).filter(pk=work_order_id).exists()


def resolution_from_report(*, work_order: WorkOrder) -> str | None:
    """The resolution of a work order that had a visit (R-6.4): the work recorded in its approved
    service report, with the archive number; refused ``report_not_approved`` while none is
    approved. None for a work order without visits (resolved as before)."""
    visits = Visit.objects.filter(work_order=work_order)
    if not visits.exists():
        return None
    report = visits.filter(status=VisitStatus.APPROVED).order_by("-reviewed_at", "-pk").first()
    if report is None:
        message = _(
            "This work order had a visit: it is resolved from the approved service report. Have it approved first."
        )
        raise DomainError(VisitErrorCode.REPORT_NOT_APPROVED, message, {"resolution": message}, status=409)
    text = report.remote_steps if report.kind == VisitKind.REMOTE and not report.work_done else report.work_done
    return f"{text} ({report.archive_number})"
