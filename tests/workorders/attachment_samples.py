"""Files for the attachment tests, made here: photos with and without metadata, documents, and
files that only pretend to be one (a text file named .jpg, a picture header claiming billions of
pixels, a truncated JPEG)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A storage of the test's own, so a test can see every file written (or left behind)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def jpeg(size: tuple[int, int] = (800, 600), *, gps: bool = False, orientation: int | None = None) -> bytes:
    """A JPEG from a camera: EXIF with the camera's maker, and optionally where it was taken
    and how the camera was held."""
    picture = Image.new("RGB", size, (200, 40, 40))
    for x in range(0, size[0], 50):  # something to see in the thumbnail
        picture.paste((30, 30, 160), (x, 0, x + 10, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes(), quality=85)
    return out.getvalue()


def png(size: tuple[int, int] = (64, 48), mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    colour = {"RGBA": (0, 128, 0, 128), "RGB": (0, 128, 0), "L": 128}[mode]
    Image.new(mode, size, colour).save(out, "PNG")
    return out.getvalue()


def webp(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 0, 200)).save(out, "WEBP")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header says ``width`` × ``height`` pixels: a decompression bomb as a
    server first sees it."""
    data = bytearray(png((1, 1), "L"))
    ihdr = 8  # after the signature: length (4), "IHDR" (4), width, height, ...
    data[ihdr + 8 : ihdr + 16] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 8 + 13]))
    data[ihdr + 8 + 13 : ihdr + 8 + 17] = struct.pack(">I", crc)
    return bytes(data)


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def office(part: str, *extra: str) -> bytes:
    """A zip holding what an Office file holds (the content-type list and ``part``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in (part, *extra):
            archive.writestr(name, "<x/>")
    return out.getvalue()


def xlsx() -> bytes:
    return office("xl/workbook.xml")


def docx() -> bytes:
    return office("word/document.xml")


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def exif_of(content: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(content)) as picture:
        return picture.getexif()


def size_of(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as picture:
        return picture.size
