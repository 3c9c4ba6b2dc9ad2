"""The one image pipeline (Pillow) for every upload: IKM product photos, tree photos.

1. `image_validate(file)`: size cap, magic bytes, decompression-bomb guard, a full
   decode. Returns an `UploadedImage` with the EXIF GPS/time read *before* stripping.
2. `image_sanitize(uploaded)`: orientation applied, EXIF stripped, re-encoded JPEG.
3. `image_renditions(data)`: thumbnail/card/large in WebP and JPEG (run in Celery).

Every rejection raises ValidationError with a message in Bahasa Indonesia.
"""

import io
import warnings
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageDraw, ImageOps, UnidentifiedImageError

RENDITIONS = {"thumb": 160, "card": 480, "large": 1280}
MAX_STORED_SIDE = 2560
JPEG_QUALITY = 82
WEBP_QUALITY = 78

# Magic bytes of the formats we accept; the file name and Content-Type are ignored.
_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)


@dataclass
class UploadedImage:
    format: str
    width: int
    height: int
    data: bytes
    gps: tuple | None = None  # (lat, lon) from EXIF, if any
    taken_at: datetime | None = None
    exif_present: bool = False
    extra: dict = field(default_factory=dict)


def _sniff(head):
    for signature, fmt in _SIGNATURES:
        if head.startswith(signature):
            return fmt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _read_limited(file, limit):
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("Ukuran foto terlalu besar (maksimal %(mb)s MB).") % {"mb": limit // (1024 * 1024)}, code="too_big"
        )
    return data


def _open_guarded(data):
    """Open and fully decode, treating a decompression-bomb warning as an error.

    PIL's pixel limit is a module global: it is set from settings for this call and put back
    afterwards, so the limit of one upload never leaks into other code that opens images."""
    previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, settings.MAX_IMAGE_PIXELS
    try:
        return _decode(data)
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _decode(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                _("Dimensi foto terlalu besar (maksimal %(mp)s megapiksel).")
                % {"mp": settings.MAX_IMAGE_PIXELS // 1_000_000},
                code="bomb",
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(_("Berkas foto rusak atau tidak dapat dibaca."), code="corrupt") from None
    return image


def _rational(value):
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _exif_gps(exif):
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo) if exif else None
    if not gps:
        return None
    try:
        lat = gps[ExifTags.GPS.GPSLatitude]
        lon = gps[ExifTags.GPS.GPSLongitude]
        lat_value = _rational(lat[0]) + _rational(lat[1]) / 60 + _rational(lat[2]) / 3600
        lon_value = _rational(lon[0]) + _rational(lon[1]) / 60 + _rational(lon[2]) / 3600
        if gps.get(ExifTags.GPS.GPSLatitudeRef, "N") in ("S", b"S"):
            lat_value = -lat_value
        if gps.get(ExifTags.GPS.GPSLongitudeRef, "E") in ("W", b"W"):
            lon_value = -lon_value
    except (KeyError, IndexError, TypeError, ZeroDivisionError, ValueError):
        return None
    return (round(lat_value, 7), round(lon_value, 7))


def _exif_datetime(exif):
    if not exif:
        return None
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    try:
        return datetime.strptime(str(raw).strip(), "%Y:%m:%d %H:%M:%S") if raw else None
    except ValueError:
        return None


def image_validate(file, *, max_bytes=None):
    """Check an upload is a real, reasonable JPEG/PNG/WebP photo; return its bytes and EXIF facts."""
    max_bytes = max_bytes or settings.MAX_UPLOAD_IMAGE_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("Ukuran foto terlalu besar (maksimal %(mb)s MB).") % {"mb": max_bytes // (1024 * 1024)}, code="too_big"
        )
    data = _read_limited(file, max_bytes)
    if not data:
        raise ValidationError(_("Berkas foto kosong."), code="empty")
    fmt = _sniff(data[:16])
    if fmt is None:
        raise ValidationError(_("Berkas bukan foto JPEG, PNG, atau WebP."), code="not_image")
    image = _open_guarded(data)
    if image.format != fmt:
        raise ValidationError(_("Isi berkas tidak sesuai dengan jenis fotonya."), code="mismatch")
    exif = image.getexif()
    return UploadedImage(
        format=fmt,
        width=image.width,
        height=image.height,
        data=data,
        gps=_exif_gps(exif),
        taken_at=_exif_datetime(exif),
        exif_present=bool(exif),
    )


def _to_rgb(image):
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.split()[-1])
        return background
    return image.convert("RGB")


def image_sanitize(uploaded):
    """Apply EXIF orientation, drop all metadata, cap the size, re-encode as JPEG bytes."""
    image = _open_guarded(uploaded.data)
    image = ImageOps.exif_transpose(image)
    image = _to_rgb(image)
    image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh image from pixel data carries no EXIF/XMP/ICC text.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def image_renditions(data, sizes=None):
    """{name: {"webp": bytes, "jpeg": bytes, "width": w, "height": h}} from sanitized JPEG bytes."""
    sizes = sizes or RENDITIONS
    source = _to_rgb(_open_guarded(data))
    result = {}
    for name, side in sizes.items():
        image = source.copy()
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        webp, jpeg = io.BytesIO(), io.BytesIO()
        image.save(webp, "WEBP", quality=WEBP_QUALITY, method=4)
        image.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        result[name] = {"webp": webp.getvalue(), "jpeg": jpeg.getvalue(), "width": image.width, "height": image.height}
    return result


def image_demo(*, text, color=(11, 93, 75), size=(800, 600), seed=0):
    """A generated JPEG for demo data (no downloads): a coloured card with shapes and a label."""
    width, height = size
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    lighter = tuple(min(255, c + 60) for c in color)
    for i in range(6):
        r = (seed * 37 + i * 53) % (width // 3) + 40
        x = (seed * 91 + i * 173) % width
        y = (seed * 57 + i * 131) % height
        draw.ellipse((x - r, y - r, x + r, y + r), fill=lighter)
    draw.rectangle((0, height - 90, width, height), fill=(255, 255, 255))
    draw.text((24, height - 70), text[:60], fill=(20, 20, 20), font_size=36)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
