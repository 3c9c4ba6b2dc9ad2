import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from blitar_portal.lib.images import image_renditions, image_sanitize, image_validate


def jpeg_with_exif(*, orientation=None, gps=None, size=(60, 40)):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        lat, lon = gps
        exif[0x8825] = {
            1: "S" if lat < 0 else "N",
            2: (abs(int(lat)), int(abs(lat) * 60 % 60), round(abs(lat) * 3600 % 60, 2)),
            3: "E",
            4: (int(lon), int(lon * 60 % 60), round(lon * 3600 % 60, 2)),
        }
    exif[0x010F] = "KameraHP"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_exif_gps_is_read_then_stripped():
    uploaded = image_validate(io.BytesIO(jpeg_with_exif(gps=(-8.1, 112.25))))
    assert uploaded.gps == pytest.approx((-8.1, 112.25), abs=1e-3)
    clean = Image.open(io.BytesIO(image_sanitize(uploaded)))
    assert len(clean.getexif()) == 0


def test_orientation_is_applied_before_stripping():
    uploaded = image_validate(io.BytesIO(jpeg_with_exif(orientation=6, size=(60, 40))))
    clean = Image.open(io.BytesIO(image_sanitize(uploaded)))
    assert clean.size == (40, 60)


def test_renditions_in_webp_and_jpeg():
    data = image_sanitize(image_validate(io.BytesIO(jpeg_with_exif(size=(2000, 1000)))))
    renditions = image_renditions(data)
    assert renditions["thumb"]["width"] == 160
    assert Image.open(io.BytesIO(renditions["card"]["webp"])).format == "WEBP"
    assert Image.open(io.BytesIO(renditions["large"]["jpeg"])).format == "JPEG"


def test_decompression_bomb_is_rejected(settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("L", (3000, 3000)).save(out, "PNG")
    with pytest.raises(ValidationError, match="Dimensi foto terlalu besar"):
        image_validate(io.BytesIO(out.getvalue()))


def test_non_image_renamed_as_jpg_is_rejected():
    fake = io.BytesIO(b"%PDF-1.4 bukan foto")
    fake.name = "foto.jpg"
    with pytest.raises(ValidationError, match="bukan foto"):
        image_validate(fake)


def test_oversized_upload_is_rejected_before_decoding(settings):
    settings.MAX_UPLOAD_IMAGE_BYTES = 1024
    with pytest.raises(ValidationError, match="terlalu besar"):
        image_validate(io.BytesIO(b"\xff\xd8\xff" + b"0" * 5000))


def test_truncated_jpeg_is_rejected():
    data = jpeg_with_exif(size=(400, 400))
    with pytest.raises(ValidationError, match="rusak"):
        image_validate(io.BytesIO(data[: len(data) // 2]))
