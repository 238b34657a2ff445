"""The service report's PDF (R-6.4) prints each photo from a copy of at most 800 px (it is 42 mm
wide on the page), not the stored 2048 px: the PDF a technician sends from the phone stays small."""

from __future__ import annotations

import base64
import io
import random

import pytest
from PIL import Image

from aftersales.fieldservice import visit_files
from aftersales.fieldservice import visit_services as vs
from aftersales.fieldservice.models import Visit
from tests.fieldservice.visit_helpers import recorded_visit, signature_png, upload

pytestmark = pytest.mark.django_db


def _noisy_jpeg(size=(3000, 2250)) -> bytes:
    """A phone-like photo: detail everywhere, so its JPEG is large."""
    rng = random.Random(7)
    small = Image.frombytes("RGB", (size[0] // 8, size[1] // 8), rng.randbytes(size[0] // 8 * size[1] // 8 * 3))
    out = io.BytesIO()
    small.resize(size, Image.Resampling.NEAREST).save(out, "JPEG", quality=90)
    return out.getvalue()


def _printed(uri: str) -> Image.Image:
    assert uri.startswith("data:image/jpeg;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def test_r6_4_the_pdf_prints_photos_from_an_800_px_copy(people):
    visit = recorded_visit(people)
    vs.visit_photo_add(actor=people.technician, visit_id=visit.pk, stage="after", file=upload(_noisy_jpeg()))
    vs.visit_sign(actor=people.technician, visit_id=visit.pk, signer_name="张先生", signature=signature_png())
    visit = Visit.objects.get(pk=visit.pk)
    stored = max(visit.photos.all(), key=lambda p: p.file.size)
    with Image.open(stored.file) as picture:
        assert picture.size == (2048, 1536)  # kept at FIELD_PHOTO_MAX_SIDE
    sizes = sorted(_printed(p["uri"]).size for p in visit_files.report_context(visit)["photos"])
    assert sizes == [(64, 48), (64, 48), (800, 600)]  # the small ones are not enlarged
    pdf = visit_files.report_pdf(visit)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) < stored.file.size / 2, (len(pdf), stored.file.size)


def test_r6_4_a_missing_photo_file_leaves_its_place_empty(people):
    visit = recorded_visit(people)
    photo = visit.photos.first()
    photo.file.storage.delete(photo.file.name)
    uris = [p["uri"] for p in visit_files.report_context(visit)["photos"]]
    assert sorted(uris)[0] == ""
    assert _printed(sorted(uris)[1]).size == (64, 48)  # the other one still prints
    assert visit_files.report_pdf(visit).startswith(b"%PDF")


def test_r6_4_a_damaged_photo_file_leaves_its_place_empty_and_the_pdf_still_renders(people):
    visit = recorded_visit(people)
    photo = visit.photos.first()
    with photo.file.storage.open(photo.file.name, "wb") as handle:
        handle.write(b"\xff\xd8\xff not a picture any more")
    uris = sorted(p["uri"] for p in visit_files.report_context(visit)["photos"])
    assert uris[0] == ""
    assert _printed(uris[1]).size == (64, 48)
    assert visit_files.report_pdf(visit).startswith(b"%PDF")
