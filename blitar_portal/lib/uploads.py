"""Uploads kept across a form error ("Foto sudah dipilih"), so a person need not choose the file again.

A browser cannot put a file back into `<input type=file>` after a server round trip. When a
form with a valid photo is shown again with errors, the photo is *held*: its bytes go to
private storage under `uploads/held/<hour>/`, and the page carries a signed token (in a hidden
field) naming that file and its holder (the signed-in user, else the session). Sending the
form again with the token gives the view the same file. A token is valid for
`HELD_UPLOAD_HOURS`; the daily retention run (`core.services.retention_apply`) deletes held
files older than that. Nothing here is ever served by URL: the page shows a small thumbnail
as a `data:` image (docs/media.md).
"""

import base64
import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .images import image_renditions, image_sanitize, image_validate
from .media import private_storage

logger = logging.getLogger(__name__)

FOLDER = "uploads/held"
_SALT = "blitar.held-upload"
_HOUR = "%Y%m%d%H"


@dataclass
class Held:
    """A held file as a page shows it: the token for the hidden field, its name and a thumbnail."""

    token: str
    name: str
    thumbnail: str  # a data: URI (a small sanitized JPEG, no EXIF)


def holder_of(request) -> str:
    """Whose held files these are: the signed-in user, else this browser's session."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    if request.session.session_key is None:
        request.session.save()
    return "s" + signing.Signer(salt=_SALT).signature(request.session.session_key)[:24]


def hold(file, *, holder: str) -> Held:
    """Keep an uploaded (already validated) image privately; returns what the page shows."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    folder = f"{FOLDER}/{timezone.now():{_HOUR}}/{secrets.token_hex(12)}"
    storage = private_storage()
    path = storage.save(f"{folder}/file", ContentFile(data))
    thumb = image_renditions(image_sanitize(image_validate(ContentFile(data))), {"thumb": 120})["thumb"]["jpeg"]
    storage.save(f"{folder}/thumb.jpg", ContentFile(thumb))
    name = (getattr(file, "name", "") or "foto").rsplit("/", 1)[-1][:100]
    token = signing.dumps({"p": path, "h": holder, "n": name}, salt=_SALT, compress=True)
    return Held(token=token, name=name, thumbnail=_data_uri(thumb))


def _data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


def _payload(token: str, holder: str) -> dict | None:
    try:
        payload = signing.loads(token, salt=_SALT, max_age=settings.HELD_UPLOAD_HOURS * 3600)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("h") != holder or not str(payload.get("p", "")).startswith(FOLDER):
        return None
    return payload


def held_open(token: str, *, holder: str):
    """The held file of this token as an upload (with `.held` set), or None when the token is
    not this holder's, has expired, or its file is gone."""
    payload = _payload(token, holder)
    if payload is None:
        return None
    storage = private_storage()
    path = payload["p"]
    if not storage.exists(path):
        return None
    with storage.open(path, "rb") as handle:
        data = handle.read()
    upload = SimpleUploadedFile(payload["n"], data)
    thumb_path = path.rsplit("/", 1)[0] + "/thumb.jpg"
    thumbnail = ""
    if storage.exists(thumb_path):
        with storage.open(thumb_path, "rb") as handle:
            thumbnail = _data_uri(handle.read())
    upload.held = Held(token=token, name=payload["n"], thumbnail=thumbnail)  # type: ignore[attr-defined]
    return upload


def held_release(token: str, *, holder: str) -> None:
    """Delete a held file once its form is saved (the retention run would do it later anyway)."""
    payload = _payload(token, holder)
    if payload is None:
        return
    folder = payload["p"].rsplit("/", 1)[0]
    storage = private_storage()
    for name in ("file", "thumb.jpg"):
        if storage.exists(f"{folder}/{name}"):
            storage.delete(f"{folder}/{name}")


def held_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete every held file older than HELD_UPLOAD_HOURS (by its hour folder); returns how many."""
    now = now or timezone.now()
    cutoff = (now - datetime.timedelta(hours=settings.HELD_UPLOAD_HOURS + 1)).strftime(_HOUR)
    storage = private_storage()
    try:
        hours, _files = storage.listdir(FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    deleted = 0
    for hour in hours:
        if not (hour.isdigit() and hour < cutoff):
            continue
        uploads, _files = storage.listdir(f"{FOLDER}/{hour}")
        for upload in uploads:
            for name in storage.listdir(f"{FOLDER}/{hour}/{upload}")[1]:
                storage.delete(f"{FOLDER}/{hour}/{upload}/{name}")
                deleted += 1
    return deleted
