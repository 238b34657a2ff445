"""Writes of customer property (用户备品, R-7.3): receive an item from a customer, hand it from
one member of staff to another, return it to the customer against a signature, add photos.

Each checks permission, validates, locks the item, writes the item and its custody row in one
transaction and records the change in the access log (R-13.2). None of this touches our stock
(``StockMove``/``StockBalance``): the customer's things are never our parts.

Files (photos, the signature) go through the storage API under names the server chooses, are
written inside the transaction and deleted again when it does not commit.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from PIL import Image

from aftersales.audit.services import record
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.customers.selectors import customer_get
from aftersales.parts.models.property import CustodyTransfer, CustomerProperty, PropertyPhoto
from aftersales.parts.property_selectors import (
    MANAGE,
    VIEW,
    customer_property_photo,
    customer_property_scope,
    may_manage,
)
from aftersales.workorders.attachments import CONTENT_TYPES, EXTENSIONS, check_content, display_name
from aftersales.workorders.selectors import work_order_scope

Status = CustomerProperty.Status
MAX_PHOTOS = 10
# A drawn signature: a canvas of a phone or a desktop at most this size, a PNG of at most 1 MB.
SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_SIDE = 4000
LIMITS = {"description": 200, "serial_number": 64, "condition": 2000, "note": 500, "returned_to": 64}


class PropertyErrorCode(StrEnum):
    ALREADY_RETURNED = "property_already_returned"
    NOT_HOLDER = "property_not_held"
    PHOTO_TYPE = "property_photo_type"
    TOO_MANY_PHOTOS = "property_too_many_photos"
    SIGNATURE_MISSING = "signature_missing"
    SIGNATURE_INVALID = "signature_invalid"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _require_staff(actor: Any, perm: str) -> None:
    if getattr(actor, "is_customer_user", True) or not actor.has_perm(perm):
        raise PermissionDenied()


def _text_errors(values: dict[str, str]) -> dict[str, Any]:
    return {
        name: _("At most %(max)d characters.") % {"max": LIMITS[name]}
        for name, value in values.items()
        if len(value) > LIMITS[name]
    }


@contextmanager
def _files_kept_only_on_commit() -> Iterator[list[str]]:
    """The names saved inside the block are deleted again when the block fails."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _checked_photos(files: Sequence[File[Any]]) -> list[tuple[str, Any]]:
    """Each upload read and checked by its bytes (workorders.attachments.check_content): photos
    only, encoded again without their metadata."""
    checked = []
    for file in files:
        file.seek(0)
        try:
            content = check_content(file.read())
        except DomainError as error:  # its message on the form's photo field
            raise DomainError(error.code, error.message, {"photos": error.message}, status=error.status) from None
        if not content.thumbnail:  # a PDF or an office file: no photo
            message = _("Only photos (JPEG, PNG, WebP) can be added.")
            raise DomainError(PropertyErrorCode.PHOTO_TYPE, message, {"photos": message}, status=422)
        checked.append((display_name(str(file.name or ""), content.kind), content))
    return checked


def _store_photos(item: CustomerProperty, actor: Any, checked: list[tuple[str, Any]], stored: list[str]) -> None:
    for name, content in checked:
        base = f"customer-property/{item.pk}/{uuid.uuid4().hex}"
        stored.append(default_storage.save(base + EXTENSIONS[content.kind][0], ContentFile(content.content)))
        stored.append(default_storage.save(f"{base}-thumbnail.jpg", ContentFile(content.thumbnail)))
        PropertyPhoto.objects.create(
            item=item,
            file=stored[-2],
            thumbnail=stored[-1],
            name=name,
            kind=content.kind,
            size=len(content.content),
            uploaded_by=actor,
        )


def _lock(actor: Any, item_id: int) -> CustomerProperty:
    """The item, locked for this transaction, if the actor may see it (else 404)."""
    item = customer_property_scope(actor=actor).select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def _check_may_manage(actor: Any, item: CustomerProperty) -> None:
    _require_staff(actor, "parts.change_customerproperty")
    if item.status == Status.RETURNED:
        raise DomainError(
            PropertyErrorCode.ALREADY_RETURNED, _("This item was already returned to the customer."), status=409
        )
    if not may_manage(actor, item):
        raise DomainError(
            PropertyErrorCode.NOT_HOLDER, _("Only the person who holds this item can hand it over."), status=403
        )


def customer_property_receive(
    *,
    actor: Any,
    customer_id: int,
    description: str,
    serial_number: str = "",
    condition: str = "",
    work_order_id: int | None = None,
    photos: Sequence[File[Any]] = (),
    now: dt.datetime | None = None,
) -> CustomerProperty:
    """Record an item received from a customer: the receiver holds it from now on (R-7.3)."""
    _require_staff(actor, "parts.add_customerproperty")
    description, serial_number, condition = description.strip(), serial_number.strip(), condition.strip()
    errors = _text_errors({"description": description, "serial_number": serial_number, "condition": condition})
    if not description:
        errors["description"] = _("Say what was received.")
    if len(photos) > MAX_PHOTOS:
        message = _("At most %(max)d photos.") % {"max": MAX_PHOTOS}
        raise DomainError(PropertyErrorCode.TOO_MANY_PHOTOS, message, {"photos": message}, status=422)
    customer = customer_get(actor=actor, customer_id=customer_id)
    if work_order_id is not None:
        wo = work_order_scope(actor=actor).filter(pk=work_order_id).values_list("customer_id", flat=True).first()
        if wo is None:
            raise NotFound()
        if wo != customer.pk:
            errors["work_order_id"] = _("The work order belongs to another customer.")
    if errors:
        raise ValidationFailed(errors)
    checked = _checked_photos(photos)  # refused before anything is written
    at = _now(now)
    with _files_kept_only_on_commit() as stored, transaction.atomic():
        item = CustomerProperty.objects.create(
            number=next_number("CP", timezone.localtime(at).year),
            customer=customer,
            work_order_id=work_order_id,
            description=description,
            serial_number=serial_number,
            condition=condition,
            holder=actor,
            held_since=at,
            received_at=at,
            received_by=actor,
        )
        CustodyTransfer.objects.create(
            item=item, kind=CustodyTransfer.Kind.RECEIVED, to_user=actor, recorded_by=actor, at=at
        )
        _store_photos(item, actor, checked, stored)
        record(actor=actor, action="create", verb="property_receive", obj=item, detail={"customer": customer.pk})
    return item


def _new_holder(to_user_id: int | None) -> Any:
    """A member of staff who may hold customer property, active, not a customer's login."""
    users = get_user_model().objects.filter(is_active=True, customer__isnull=True)
    user = users.filter(pk=to_user_id).first() if to_user_id else None
    if user is None or not (user.has_perm(VIEW) and user.has_perm("parts.change_customerproperty")):
        raise ValidationFailed({"to_user_id": _("Choose a member of staff who may hold customer property.")})
    return user


def customer_property_hand_over(
    *, actor: Any, item_id: int, to_user_id: int | None, note: str = "", now: dt.datetime | None = None
) -> CustomerProperty:
    """Hand the item to another member of staff: a custody row records who gave it to whom, when."""
    note = note.strip()
    with transaction.atomic():
        item = _lock(actor, item_id)
        _check_may_manage(actor, item)
        errors = _text_errors({"note": note})
        if errors:
            raise ValidationFailed(errors)
        to_user = _new_holder(to_user_id)
        if to_user.pk == item.holder_id:
            raise ValidationFailed({"to_user_id": _("This person holds the item already.")})
        at = _now(now)
        CustodyTransfer.objects.create(
            item=item,
            kind=CustodyTransfer.Kind.HANDED_OVER,
            from_user_id=item.holder_id,
            to_user=to_user,
            note=note,
            recorded_by=actor,
            at=at,
        )
        item.holder, item.held_since = to_user, at
        item.save(update_fields=["holder", "held_since"])
        record(actor=actor, action="change", verb="property_hand_over", obj=item, detail={"to": to_user.pk})
    return item


def signature_from_data_url(value: str) -> bytes:
    """The PNG bytes of a ``data:image/png;base64,…`` URL (what the signature pad posts), or of
    plain base64; b"" when there is none. Whether they are a signature, the service decides."""
    value = (value or "").strip()
    if not value:
        return b""
    if value.startswith("data:"):
        header, _comma, value = value.partition(",")
        if header != "data:image/png;base64":
            return b"\x00"  # not a PNG: refused as unreadable
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return b"\x00"


def _signature_png(data: bytes) -> bytes:
    """The signature as a PNG drawn again by Pillow (nothing but the picture is kept), refused
    when it is no PNG, too large, or blank (nobody signed)."""
    missing = _("Ask the customer to sign in the box.")
    if not data:
        raise DomainError(PropertyErrorCode.SIGNATURE_MISSING, missing, {"signature": missing}, status=422)
    invalid = _("The signature could not be read; please sign again.")
    refused = DomainError(PropertyErrorCode.SIGNATURE_INVALID, invalid, {"signature": invalid}, status=422)
    if len(data) > SIGNATURE_MAX_BYTES or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise refused
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as opened:
                if max(opened.size) > SIGNATURE_MAX_SIDE:
                    raise refused
                opened.load()
                picture = opened.convert("RGBA")
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refused from None
    # Blank: fully transparent, or one flat colour (a white canvas).
    alpha_box = picture.getchannel("A").getbbox()
    extrema = picture.convert("L").getextrema()
    if alpha_box is None or (picture.getchannel("A").getextrema()[0] == 255 and extrema[0] == extrema[1]):
        raise DomainError(PropertyErrorCode.SIGNATURE_MISSING, missing, {"signature": missing}, status=422)
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def customer_property_return(
    *,
    actor: Any,
    item_id: int,
    returned_to: str,
    signature: bytes,
    note: str = "",
    now: dt.datetime | None = None,
) -> CustomerProperty:
    """Give the item back to the customer: ``returned_to`` (the person who took it) signs for it;
    the signature is kept as a PNG, the custody history ends with the return."""
    returned_to, note = returned_to.strip(), note.strip()
    with _files_kept_only_on_commit() as stored, transaction.atomic():
        item = _lock(actor, item_id)
        _check_may_manage(actor, item)
        errors = _text_errors({"returned_to": returned_to, "note": note})
        if not returned_to:
            errors["returned_to"] = _("Enter the name of the person who takes the item back.")
        if errors:
            raise ValidationFailed(errors)
        png = _signature_png(signature)
        at = _now(now)
        stored.append(
            default_storage.save(f"customer-property/{item.pk}/signature-{uuid.uuid4().hex}.png", ContentFile(png))
        )
        CustodyTransfer.objects.create(
            item=item,
            kind=CustodyTransfer.Kind.RETURNED,
            from_user_id=item.holder_id,
            note=note,
            recorded_by=actor,
            at=at,
        )
        item.status, item.holder, item.held_since = Status.RETURNED, None, None
        item.returned_at, item.returned_to, item.return_signature = at, returned_to, stored[0]
        item.save(update_fields=["status", "holder", "held_since", "returned_at", "returned_to", "return_signature"])
        record(actor=actor, action="change", verb="property_return", obj=item, detail={"returned_to": returned_to})
    return item


def customer_property_photos_add(*, actor: Any, item_id: int, photos: Sequence[File[Any]]) -> list[PropertyPhoto]:
    """Add photos of an item in our care (its holder, or a manager)."""
    if not photos:
        message = _("Choose at least one photo.")
        raise ValidationFailed({"photos": message})
    item = customer_property_scope(actor=actor).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    _check_may_manage(actor, item)  # refused before the files are read
    checked = _checked_photos(photos)
    with _files_kept_only_on_commit() as stored, transaction.atomic():
        item = _lock(actor, item_id)
        _check_may_manage(actor, item)
        if item.photos.count() + len(checked) > MAX_PHOTOS:
            too_many = _("At most %(max)d photos.") % {"max": MAX_PHOTOS}
            raise DomainError(PropertyErrorCode.TOO_MANY_PHOTOS, too_many, {"photos": too_many}, status=422)
        before = set(item.photos.values_list("pk", flat=True))
        _store_photos(item, actor, checked, stored)
        added = list(item.photos.exclude(pk__in=before))
        record(actor=actor, action="change", verb="property_photos", obj=item, detail={"photos": len(added)})
    return added


def _file_response(stored: str, content_type: str, name: str) -> FileResponse:
    try:
        handle = default_storage.open(stored, "rb")
    except FileNotFoundError:
        raise NotFound() from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, name) or ""
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def customer_property_photo_download(
    *, actor: Any, item_id: int, photo_id: int, thumbnail: bool = False
) -> FileResponse:
    """A photo (or its thumbnail) of an item the actor may see (``customer_property_scope``, else
    404), for the staff pages, the portal and the API alike; opening the photo is logged."""
    photo = customer_property_photo(actor=actor, item_id=item_id, photo_id=photo_id)
    if thumbnail:
        return _file_response(str(photo.thumbnail.name), "image/jpeg", photo.name)
    record(actor=actor, action="view", obj=photo)
    return _file_response(str(photo.file.name), CONTENT_TYPES[photo.kind], photo.name)


def customer_property_signature_download(*, actor: Any, item_id: int) -> FileResponse:
    """The signature the customer gave when the item was returned (scoped; logged)."""
    item = customer_property_scope(actor=actor).filter(pk=item_id).first()
    if item is None or not item.return_signature:
        raise NotFound()
    record(actor=actor, action="view", obj=item, detail={"part": "signature"})
    return _file_response(str(item.return_signature.name), "image/png", f"{item.number}-signature.png")


__all__ = [
    "MANAGE",
    "PropertyErrorCode",
    "customer_property_hand_over",
    "customer_property_photos_add",
    "customer_property_receive",
    "customer_property_return",
    "signature_from_data_url",
]
