"""Where uploaded images live, and which URL a page shows for them.

Nothing unverified is public: originals and renditions are written to the `private`
storage (never under MEDIA_URL). When an item becomes public (a verified planting, an
active product of a verified shop) its renditions are *published*: copied to the public
`default` storage under a random, unguessable folder (`<prefix>/<token>/<size>.<ext>`).
When it stops being public the copies are deleted (*withdrawn*) and pages fall back to the
app's permission-checked view, which serves the private rendition to the owner and staff.

Only the storage API is used (`storages["default"]`, `storages["private"]`), never
filesystem paths, so an S3-compatible backend can replace either storage.

The shapes kept on a model (JSON):
* renditions: {"thumb": {"webp": private path, "jpeg": private path, "width": w, "height": h}, ...}
* published:  {"thumb": {"webp": public path, "jpeg": public path}, ...} — empty while not public.
"""

import logging
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import FileResponse
from django.utils.functional import LazyObject

logger = logging.getLogger(__name__)

FORMATS = {"webp": "webp", "jpeg": "jpg"}  # format → file extension
EXTENSIONS = {ext: fmt for fmt, ext in FORMATS.items()}
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}


class _PrivateStorage(LazyObject):
    """`storages["private"]`, looked up at every use. File fields take their storage once, when
    models load; through this proxy they follow STORAGES when it changes (tests that switch
    to S3-compatible storage), like Django's `default_storage` does."""

    _wrapped = property(lambda self: storages["private"], lambda self, value: None)

    def _setup(self):
        pass


_PRIVATE = _PrivateStorage()


def private_storage():
    """Originals and renditions of every upload; nothing here has a public URL."""
    return _PRIVATE


def public_storage():
    return storages["default"]


def renditions_save(folder, rendered):
    """Write `image_renditions()` output to private storage under `folder`; returns the renditions dict."""
    storage = private_storage()
    result = {}
    for size, files in rendered.items():
        entry = {"width": files["width"], "height": files["height"]}
        for fmt, ext in FORMATS.items():
            path = f"{folder}/{size}.{ext}"
            if storage.exists(path):
                storage.delete(path)
            entry[fmt] = storage.save(path, ContentFile(files[fmt]))
        result[size] = entry
    return result


def renditions_publish(renditions, prefix, *, token=None):
    """Copy private renditions to public storage under `prefix/<token>/`; returns the published dict.

    The token is random (a withdrawn and re-published item gets new URLs) unless one is given
    (demo images shared by many products)."""
    source, target = private_storage(), public_storage()
    token = token or secrets.token_urlsafe(18)
    published = {}
    for size, entry in (renditions or {}).items():
        copies = {}
        for fmt, ext in FORMATS.items():
            if not entry.get(fmt):
                continue
            path = f"{prefix}/{token}/{size}.{ext}"
            if not target.exists(path):
                with source.open(entry[fmt], "rb") as handle:
                    path = target.save(path, ContentFile(handle.read()))
            copies[fmt] = path
        if copies:
            published[size] = copies
    return published


def renditions_withdraw(published, *, keep_prefix=None):
    """Delete published copies from public storage (missing files are fine). Paths under
    `keep_prefix` are shared by other items (demo images) and stay."""
    paths_delete(
        public_storage(),
        [
            path
            for entry in (published or {}).values()
            for path in entry.values()
            if isinstance(path, str) and not (keep_prefix and path.startswith(keep_prefix))
        ],
    )


def renditions_delete(renditions):
    """Delete private renditions (the item or its photo is gone)."""
    paths_delete(
        private_storage(),
        [entry.get(fmt) for entry in (renditions or {}).values() for fmt in FORMATS if entry.get(fmt)],
    )


def paths_delete(storage, paths):
    for path in paths:
        try:
            storage.delete(path)
        except OSError as exc:  # a stale file is harmless; a failed page is not
            logger.warning("Could not delete %s: %s", path, exc)


def move_to_private(path):
    """Move a file that an older version wrote to public storage into private storage (same name).
    Returns True when something was moved."""
    source, target = public_storage(), private_storage()
    if not path or not source.exists(path):
        return False
    if not target.exists(path):
        with source.open(path, "rb") as handle:
            saved = target.save(path, ContentFile(handle.read()))
        if saved != path:  # a name clash cannot happen for a fresh target; never leave a wrong reference
            raise RuntimeError(f"private copy of {path} was saved as {saved}")
    source.delete(path)
    return True


def image_url(*, renditions, published, size, fmt="jpeg", private_url):
    """The one URL rule for a rendition: the public copy when the item is published, otherwise the
    app's permission-checked view (`private_url(size, ext)`), or "" when the rendition does not exist yet.

    The private view also answers for a public item whose copies are still being made, so a
    page never shows a broken image; everyone else gets 404 there."""
    public = ((published or {}).get(size) or {}).get(fmt)
    if public:
        return public_storage().url(public)
    if ((renditions or {}).get(size) or {}).get(fmt):
        return private_url(size, FORMATS[fmt])
    return ""


def rendition_path(renditions, size, ext):
    """The private path of one rendition named in a URL (`size`, `ext`), or None."""
    fmt = EXTENSIONS.get(ext)
    if fmt is None:
        return None
    return ((renditions or {}).get(size) or {}).get(fmt)


def rendition_response(renditions, size, ext):
    """A FileResponse of one private rendition (never cached by shared caches), or None."""
    path = rendition_path(renditions, size, ext)
    if path is None:
        return None
    try:
        handle = private_storage().open(path, "rb")
    except (FileNotFoundError, OSError):
        return None
    response = FileResponse(handle, content_type=CONTENT_TYPES[EXTENSIONS[ext]])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
