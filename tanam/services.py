"""Writes of Gerakan Bangga Menanam: the only place that changes tanam data.

Plantings are registered pending; staff verify/reject them; every change that
touches what the public sees (verification, a moved pin, a death) enqueues, on
commit, the refresh of exactly the cluster cells and desa cover figures it touches.
"""

import csv
import datetime
import hashlib
import logging
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blitar_portal.lib import media
from blitar_portal.lib.geo import parse_point
from blitar_portal.lib.images import UploadedImage, image_renditions, image_sanitize, image_validate
from blitar_portal.lib.queue import enqueue, enqueue_on_commit
from blitar_portal.notifications import services as notification_services
from blitar_portal.regions.models import Desa, Kecamatan, Regency
from blitar_portal.regions.selectors import point_in_regency, region_at_point
from tanam.models import Campaign, Community

from . import clusters, cover, exports, schedule
from .models import (
    CanopyTile,
    ClusterCell,
    CoverStat,
    Observation,
    OpenDataFile,
    Planting,
    PlantingAudit,
    Species,
)

logger = logging.getLogger(__name__)

SPECIES_CSV = Path(__file__).resolve().parent / "data" / "species.csv"
DUPLICATE_METRES = 10
DUPLICATE_MINUTES = 10
GPS_ACCURACY_WARN_M = 30
# A reminder goes out when a check falls due; one that was due longer ago than this (the beat was
# down, or the planting was verified late) is shown to staff as overdue, not sent any more.
RECHECK_NOTIFY_WINDOW_DAYS = 30
EARLIEST_PLANTING = date(1990, 1, 1)
AUDITED_FIELDS = ("point", "species", "tree_count", "planted_on", "community", "campaign", "notes", "status")


# --- Species ----------------------------------------------------------------------------


def species_load_csv(*, path: str | Path = SPECIES_CSV) -> int:
    """Add the species of the CSV that are missing; never overwrite figures edited in the admin."""
    created = 0
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if Species.objects.filter(slug=row["slug"]).exists():
                continue
            species = Species(
                slug=row["slug"],
                local_name=row["local_name"],
                scientific_name=row["scientific_name"],
                kind=row["kind"],
                crown_diameter_m=float(row["crown_diameter_m"]),
                crown_source=row["crown_source"],
                years_to_maturity=int(row["years_to_maturity"]),
                maturity_source=row["maturity_source"],
                co2_kg_per_year=float(row["co2_kg_per_year"]),
                co2_source=row["co2_source"],
            )
            species.full_clean()
            species.save()
            created += 1
    return created


# --- Species, communities, campaigns (Diskominfo, in the admin) ----------------------------------


def _reference_data_changed(*, cover_figures: Any = False, cells: Any = False) -> None:
    """After commit: map filter options, open-data names and, when asked, cover/cluster figures follow."""
    from .selectors import FILTER_CHOICES_KEY

    transaction.on_commit(lambda: cache.delete(FILTER_CHOICES_KEY))
    open_data_changed()
    from . import tasks

    if cells:
        enqueue_on_commit(tasks.aggregates_rebuild)  # cells keep per-community/campaign counts
    elif cover_figures:
        enqueue_on_commit(tasks.cover_refresh, None, cover.FIRST_YEAR)


def species_save(*, species: Species) -> Species:
    """Crown diameter, maturity and CO₂ figures drive the land cover of every desa: recompute it."""
    with transaction.atomic():
        species.full_clean()
        species.save()
        _reference_data_changed(cover_figures=True)
    return species


def reference_item_save(*, item: Any) -> Any:
    """Save a community or campaign (its name is on the map filters and in the open data)."""
    with transaction.atomic():
        item.full_clean()
        item.save()
        _reference_data_changed()
    return item


def reference_item_delete(*, item: Any) -> None:
    """Delete a species (only an unused one: PROTECT), community or campaign; the per-filter cells are rebuilt."""
    with transaction.atomic():
        item.delete()
        _reference_data_changed(cells=True)


# --- Registration ----------------------------------------------------------------------------


@dataclass
class RegistrationResult:
    planting: Planting
    warnings: list = field(default_factory=list)
    replayed: bool = False  # the idempotency key was seen before: nothing new was saved


def _location_from_input(
    *, lat: float, lon: float, location_source: str, uploaded: UploadedImage | None, warnings: Any
) -> tuple:
    """The point to use and its source: the pin/GPS the user gave, else the photo's EXIF GPS."""
    exif_point = None
    if uploaded is not None and uploaded.gps:
        try:
            candidate = parse_point(*uploaded.gps)
        except ValidationError:
            candidate = None
        if candidate is not None and point_in_regency(candidate):
            exif_point = candidate
        else:
            warnings.append(_("Lokasi GPS pada foto berada di luar Kabupaten Blitar sehingga diabaikan."))
    has_input = str(lat or "").strip() != "" and str(lon or "").strip() != ""
    if location_source == Planting.Source.EXIF and exif_point is not None:
        return exif_point, Planting.Source.EXIF
    if has_input:
        source = location_source if location_source in (Planting.Source.MAP, Planting.Source.GPS) else "map"
        return parse_point(lat, lon), source
    if exif_point is not None:
        return exif_point, Planting.Source.EXIF
    raise ValidationError(
        _("Tentukan lokasi penanaman: ketuk peta, gunakan lokasi Anda, atau unggah foto yang memiliki GPS."),
        code="no_location",
    )


def _check_planted_on(planted_on: datetime.date, uploaded: UploadedImage | None) -> Any:
    if planted_on is None and uploaded is not None and uploaded.taken_at is not None:
        planted_on = uploaded.taken_at.date()
    if planted_on is None:
        raise ValidationError(_("Isi tanggal tanam."), code="no_date")
    if planted_on > timezone.localdate():
        raise ValidationError(_("Tanggal tanam tidak boleh di masa depan."), code="future")
    if planted_on < EARLIEST_PLANTING:
        raise ValidationError(_("Tanggal tanam terlalu lama (paling awal 1 Januari 1990)."), code="too_old")
    return planted_on


def _check_duplicate(user: User, point: Point | None, *, exclude_pk: int | None = None) -> None:
    """Another pin of the same user within 10 m registered in the last 10 minutes (an edit ignores itself)."""
    since = timezone.now() - timedelta(minutes=DUPLICATE_MINUTES)
    duplicate = (
        Planting.objects.filter(user=user, created_at__gte=since, point__distance_lte=(point, D(m=DUPLICATE_METRES)))
        .exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None excludes nothing
        .exists()
    )
    if duplicate:
        raise ValidationError(
            _(
                "Anda sudah mendaftarkan penanaman dalam jarak 10 m dari titik ini dalam 10 menit terakhir. "
                "Periksa halaman Tanaman saya."
            ),
            code="duplicate",
        )


@dataclass
class _CheckedInput:
    point: object
    source: str
    kecamatan: object
    desa: object
    planted_on: date
    gps_accuracy_m: float | None
    uploaded: object
    warnings: list


def _check_input(
    *,
    lat: float,
    lon: float,
    location_source: str,
    gps_accuracy_m: float | None,
    planted_on: datetime.date,
    photo: UploadedFile | None,
) -> Any:
    """Every rule of a registration (photo, location, regency, date, GPS accuracy) before any write."""
    warnings: list[str] = []
    uploaded = image_validate(photo) if photo else None
    point, source = _location_from_input(
        lat=lat, lon=lon, location_source=location_source, uploaded=uploaded, warnings=warnings
    )
    kecamatan, desa = region_at_point(point)
    if kecamatan is None or desa is None:
        raise ValidationError(_("Titik berada di luar Kabupaten Blitar."), code="outside")
    planted_on = _check_planted_on(planted_on, uploaded)
    accuracy = gps_accuracy_m if source == Planting.Source.GPS else None
    if accuracy and accuracy > GPS_ACCURACY_WARN_M:
        warnings.append(_("Akurasi GPS %(m)d m (lebih dari 30 m): periksa lagi titiknya di peta.") % {"m": accuracy})
    return _CheckedInput(point, source, kecamatan, desa, planted_on, accuracy, uploaded, warnings)


def _store_photo(planting: Planting, user: User, uploaded: UploadedImage) -> None:
    # Only the re-encoded JPEG is stored: the EXIF (with its GPS) is gone.
    name = f"{user.pk}-{timezone.now():%Y%m%d%H%M%S}.jpg"
    planting.photo.save(name, ContentFile(image_sanitize(uploaded)), save=False)
    planting.renditions = {}
    from . import tasks

    enqueue_on_commit(tasks.planting_renditions, planting.pk)


# Written only by the photo services (with .update()): a stale copy in memory must never undo them.
_PHOTO_STATE_FIELDS = {"photo", "renditions", "published"}


def _save(planting: Planting, *photo_fields: Any) -> None:
    """Save an existing planting's own fields, leaving its photo state alone unless named."""
    fields = [f.name for f in Planting._meta.concrete_fields if not f.primary_key and f.name not in _PHOTO_STATE_FIELDS]
    planting.save(update_fields=[*fields, *photo_fields])


def _apply_input(
    planting: Planting,
    checked: Any,
    *,
    species: Species,
    tree_count: int,
    community: Community | None,
    campaign: Campaign | None,
    notes: str,
) -> None:
    planting.point, planting.location_source = checked.point, checked.source
    planting.gps_accuracy_m = checked.gps_accuracy_m
    planting.kecamatan, planting.desa, planting.species = checked.kecamatan, checked.desa, species
    planting.tree_count, planting.planted_on, planting.notes = tree_count, checked.planted_on, notes or ""
    planting.community, planting.campaign = community, campaign


def _planting_by_client_key(user: User, client_key: Any) -> Planting | None:
    if client_key is None:
        return None
    return Planting.objects.filter(user=user, client_key=client_key).first()


def planting_register(
    *,
    user: User,
    species: Species,
    tree_count: int = 1,
    community: Community | None = None,
    campaign: Campaign | None = None,
    notes: str = "",
    photo: UploadedFile | None = None,
    client_key: Any = None,
    **location: Any,
) -> RegistrationResult:
    """Validate everything, then save one pending planting (or nothing). Returns RegistrationResult.

    location: lat, lon, location_source (map/gps/exif), gps_accuracy_m, planted_on.
    client_key: the device's idempotency key; a key already used by this person returns that
    planting (replayed=True) without checking or saving anything again.
    """
    existing = _planting_by_client_key(user, client_key)
    if existing is not None:
        return RegistrationResult(planting=existing, replayed=True)
    checked = _check_input(photo=photo, **_location_args(location))
    with transaction.atomic():
        if client_key is not None:
            # One registration of this person at a time: a second request with the same key (two
            # tabs, a retried sync) waits here, then finds the first one's planting. The unique
            # constraint (user, client_key) is the backstop.
            get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
            existing = _planting_by_client_key(user, client_key)
            if existing is not None:
                return RegistrationResult(planting=existing, replayed=True)
        _check_duplicate(user, checked.point)
        planting = Planting(user=user, client_key=client_key)
        _apply_input(
            planting,
            checked,
            species=species,
            tree_count=tree_count,
            community=community,
            campaign=campaign,
            notes=notes,
        )
        planting.next_check_on = schedule.next_check_on(planted_on=checked.planted_on, last_checked_on=None)
        planting.full_clean()
        planting.save()
        if checked.uploaded is not None:
            _store_photo(planting, user, checked.uploaded)
            planting.save(update_fields=["photo", "renditions"])
    return RegistrationResult(planting=planting, warnings=checked.warnings)


def planting_edit_by_owner(
    *,
    planting: Planting,
    user: User,
    species: Species,
    tree_count: int = 1,
    community: Community | None = None,
    campaign: Campaign | None = None,
    notes: str = "",
    photo: UploadedFile | None = None,
    **location: Any,
) -> RegistrationResult:
    """The planter corrects a pending planting (same rules as registering); decided ones are locked."""
    if planting.user_id != user.pk:
        raise ValidationError(_("Penanaman tidak ditemukan."), code="not_owner")
    if planting.status != Planting.Status.PENDING:
        raise ValidationError(
            _("Penanaman yang sudah diverifikasi atau ditolak tidak dapat diubah. Hubungi Diskominfo."), code="locked"
        )
    args = _location_args(location)
    args["planted_on"] = args["planted_on"] or planting.planted_on
    checked = _check_input(photo=photo, **args)
    with transaction.atomic():
        _check_duplicate(user, checked.point, exclude_pk=planting.pk)
        _apply_input(
            planting,
            checked,
            species=species,
            tree_count=tree_count,
            community=community,
            campaign=campaign,
            notes=notes,
        )
        _schedule_follow(planting)
        if checked.uploaded is not None:
            _store_photo(planting, user, checked.uploaded)
        planting.full_clean()
        _save(planting, *(["photo", "renditions"] if checked.uploaded is not None else []))
    return RegistrationResult(planting=planting, warnings=checked.warnings)


def _location_args(location: dict[str, Any]) -> dict[str, Any]:
    unknown = set(location) - {"lat", "lon", "location_source", "gps_accuracy_m", "planted_on"}
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    return {
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "location_source": location.get("location_source") or Planting.Source.MAP,
        "gps_accuracy_m": location.get("gps_accuracy_m"),
        "planted_on": location.get("planted_on"),
    }


# A photo without renditions this long after its upload lost its task: the beat sweep renders it.
RENDITIONS_GRACE = timedelta(minutes=2)


def plantings_render_pending(*, older_than: Any = RENDITIONS_GRACE, limit: int = 500) -> int:
    """The safety net of planting_renditions (beat): render photos still without renditions after
    `older_than` (their task was lost, e.g. the broker was down at upload). Returns how many."""
    pending = (
        Planting.objects.exclude(photo="")
        .filter(renditions={}, updated_at__lt=timezone.now() - older_than)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    planting_ids = list(pending)
    for planting_id in planting_ids:
        planting_renditions_build(planting_id=planting_id)
    return len(planting_ids)


def planting_renditions_build(*, planting_id: int) -> None:
    """Write thumb/card/large WebP+JPEG renditions of a planting's photo to private storage (idempotent),
    then publish them if the planting is public."""
    planting = Planting.objects.filter(pk=planting_id).first()
    if planting is None or not planting.photo:
        return
    with planting.photo.open("rb") as handle:
        data = handle.read()
    renditions = media.renditions_save(f"tanam/rendisi/{planting.pk}", image_renditions(data))
    with transaction.atomic():
        stale = Planting.objects.select_for_update().values_list("published", flat=True).get(pk=planting.pk)
        # Copies of a replaced photo are withdrawn; the sync below publishes the new ones.
        Planting.objects.filter(pk=planting.pk).update(renditions=renditions, published={})
        transaction.on_commit(lambda: media.renditions_withdraw(stale))
    planting_photos_sync(planting_id=planting.pk)


PUBLIC_PHOTO_PREFIX = "tanam/publik"


def planting_photos_sync(*, planting_id: int) -> None:
    """Make the public copies of a planting's renditions match its visibility (idempotent):
    published under a random folder while it is public (`plantings_public`), withdrawn otherwise."""
    from .selectors import plantings_public

    with transaction.atomic():
        row = Planting.objects.select_for_update().filter(pk=planting_id).values("renditions", "published").first()
        if row is None:
            return
        public = plantings_public().filter(pk=planting_id).exists()
        if public and row["renditions"] and not row["published"]:
            published = media.renditions_publish(row["renditions"], PUBLIC_PHOTO_PREFIX)
        elif not public and row["published"]:
            published = {}
            stale = row["published"]
            transaction.on_commit(lambda: media.renditions_withdraw(stale))
        else:
            return
        Planting.objects.filter(pk=planting_id).update(published=published)


def _photos_sync_on_commit(planting: Planting) -> None:
    """After the status change commits: publish or withdraw its photos (in this process: a withdrawal
    must not wait for a broker, and a planting has six small files)."""
    planting_id = planting.pk
    transaction.on_commit(lambda: planting_photos_sync(planting_id=planting_id))


def plantings_photos_sync_all(*, stdout: TextIO | None = None) -> tuple[int, int]:
    """Repair/upgrade: move files an older version wrote to public storage into private storage
    (originals, observation photos, renditions at predictable URLs), then publish the renditions
    of every public planting and withdraw those of every other one. Idempotent."""
    moved = 0
    for planting in Planting.objects.exclude(photo="").only("id", "photo", "renditions").iterator():
        moved += media.move_to_private(planting.photo.name)
        for entry in (planting.renditions or {}).values():
            moved += sum(media.move_to_private(entry.get(fmt)) for fmt in media.FORMATS)
    for name in Observation.objects.exclude(photo="").values_list("photo", flat=True).iterator():
        moved += media.move_to_private(name)
    from .selectors import plantings_public

    public_ids = plantings_public().filter(published={}).exclude(renditions={}).values_list("pk", flat=True)
    stale_ids = Planting.objects.exclude(pk__in=plantings_public().values("pk")).exclude(published={})
    ids = [*public_ids.iterator(), *stale_ids.values_list("pk", flat=True).iterator()]
    for planting_id in ids:
        planting_photos_sync(planting_id=planting_id)
    if stdout is not None:
        stdout.write(f"  tanam: {moved} files moved to private storage, {len(ids)} plantings published/withdrawn")
    return moved, len(ids)


# --- Moderation and edits ------------------------------------------------------------------------


def _touch_aggregates(plantings: Iterable[Planting]) -> None:
    """After commit: refresh the cluster cells at these points and the cover of these desa."""
    points = [[p.point.x, p.point.y] for p in plantings]
    from . import tasks

    enqueue_on_commit(tasks.clusters_refresh, points)
    tiles = sorted({(p.desa_id, *cover.tile_of(p.point)) for p in plantings})
    first_year = max(cover.FIRST_YEAR, min(p.planted_on.year for p in plantings))
    enqueue_on_commit(tasks.cover_refresh, [t[0] for t in tiles], first_year, [list(t) for t in tiles])
    open_data_changed()


def planting_verify(*, planting: Planting, user: User) -> Planting:
    if planting.status == Planting.Status.VERIFIED:
        return planting
    with transaction.atomic():
        planting.status = Planting.Status.VERIFIED
        planting.rejection_reason = ""
        planting.verified_by = user
        planting.verified_at = timezone.now()
        planting.full_clean()
        _save(planting)
        _touch_aggregates([planting])
        _photos_sync_on_commit(planting)
        _notify(planting, "tanam_planting_verified")
    return planting


def _notify(planting: Planting, event: str, *, key: str | None = None) -> list:
    """Tell the planter (their account's contact and consent) in this transaction."""
    url = reverse("tanam:check" if event == "tanam_recheck_due" else "tanam:detail", args=[planting.pk])
    payload = {
        "species": planting.species.local_name,
        "count": str(planting.tree_count),
        "reason": planting.rejection_reason,
        "date": planting.next_check_on.strftime("%d-%m-%Y") if planting.next_check_on else "",
        # The check form itself (sign-in first when needed: the login comes back to it).
        "url": f"{settings.SITE_URL}{url}",
    }
    if key is None:  # verify and reject stamp verified_at: one message per decision
        key = planting.verified_at.isoformat() if planting.verified_at else ""
    return notification_services.notify(event=event, payload=payload, source=planting, user=planting.user, key=key)


def plantings_recheck_notify(*, today: date | None = None) -> int:
    """Tell each planter whose verified planting's check fell due (tanam/schedule.py) in the last
    RECHECK_NOTIFY_WINDOW_DAYS: once per planting and due date (the outbox's dedupe key), however
    often this runs. A new check moves the due date, so the next one is told again. Returns how many."""
    today = today or timezone.localdate()
    window_start = today - timedelta(days=RECHECK_NOTIFY_WINDOW_DAYS)
    due = Planting.objects.filter(
        status=Planting.Status.VERIFIED, next_check_on__lte=today, next_check_on__gt=window_start
    ).select_related("species", "user")
    count = 0
    for planting in due.iterator(chunk_size=500):
        due_on = planting.next_check_on.isoformat() if planting.next_check_on else ""
        with transaction.atomic():
            count += bool(_notify(planting, "tanam_recheck_due", key=due_on))
    return count


def planting_reject(*, planting: Planting, user: User, reason: str) -> Planting:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan penolakan."), code="no_reason")
    was_verified = planting.status == Planting.Status.VERIFIED
    with transaction.atomic():
        if was_verified:
            _audit(planting, user, {"status": [planting.status, Planting.Status.REJECTED]}, note=reason)
        planting.status = Planting.Status.REJECTED
        planting.rejection_reason = reason[:300]
        planting.verified_by = user
        planting.verified_at = timezone.now()
        planting.full_clean()
        _save(planting)
        if was_verified:
            _touch_aggregates([planting])
        _photos_sync_on_commit(planting)
        _notify(planting, "tanam_planting_rejected")
    return planting


def plantings_verify_bulk(*, plantings: QuerySet[Planting], user: User) -> int:
    count = 0
    with transaction.atomic():
        for planting in plantings:
            if planting.status != Planting.Status.VERIFIED:
                planting_verify(planting=planting, user=user)
                count += 1
    return count


def plantings_reject_bulk(*, plantings: QuerySet[Planting], user: User, reason: str) -> int:
    with transaction.atomic():
        return sum(1 for planting in plantings if planting_reject(planting=planting, user=user, reason=reason))  # type: ignore[misc]


def planting_delete(*, planting: Planting) -> None:
    """Remove a planting for good (superusers only, e.g. an erasure request): staff reject instead.

    What the public sees follows (cells, cover, open data) and its photo files are removed after commit.
    """
    files = [planting.photo.name] if planting.photo else []
    files += [name for entry in (planting.renditions or {}).values() for name in _rendition_files(entry)]
    files += [obs.photo.name for obs in planting.observations.all() if obs.photo]
    published = planting.published
    was_verified = planting.status == Planting.Status.VERIFIED
    with transaction.atomic():
        planting.delete()
        if was_verified:
            _touch_aggregates([planting])

        def remove_files() -> None:
            # Originals and renditions live in private storage; public copies under a random name.
            media.paths_delete(media.private_storage(), files)
            media.renditions_withdraw(published)

        transaction.on_commit(remove_files)


def _rendition_files(entry: Any) -> list:
    return [entry[fmt] for fmt in ("webp", "jpeg") if isinstance(entry, dict) and entry.get(fmt)]


def _delete_files(names: list[str]) -> None:
    """Delete open-data files from public (default) storage; a missing file is fine."""
    media.paths_delete(default_storage, names)


def _audit(planting: Planting, user: User, changes: Any, note: str = "") -> None:
    PlantingAudit.objects.create(planting=planting, user=user, changes=changes, note=note[:300])


def _audit_value(value: Any) -> Any:
    if hasattr(value, "wkt"):
        return value.wkt
    if hasattr(value, "pk"):
        return str(value)
    return value if isinstance(value, (int, float, str, type(None))) else str(value)


def planting_update(*, planting: Planting, user: User, original: Any, changed_fields: list[str]) -> Planting:
    """Save staff edits of a planting (admin). After verification, each change is audited.

    `original` is the planting as stored before the edit; the point decides the desa again.
    """
    if "point" in changed_fields:
        kecamatan, desa = region_at_point(planting.point)
        if kecamatan is None or desa is None:
            raise ValidationError({"point": _("Titik berada di luar Kabupaten Blitar.")})
        planting.kecamatan, planting.desa = kecamatan, desa
    if "planted_on" in changed_fields:
        _schedule_follow(planting)
    with transaction.atomic():
        planting.full_clean()
        _save(planting)
        changes = {
            name: [_audit_value(getattr(original, name)), _audit_value(getattr(planting, name))]
            for name in AUDITED_FIELDS
            if name in changed_fields
        }
        if original.status == Planting.Status.VERIFIED and changes:
            _audit(planting, user, changes)
        if Planting.Status.VERIFIED in (original.status, planting.status):
            _touch_aggregates([original, planting])
        if original.status != planting.status:
            _photos_sync_on_commit(planting)
    return planting


# --- Monitoring ----------------------------------------------------------------------------------


def observation_add(
    *,
    planting: Planting,
    user: User,
    condition: str,
    observed_on: datetime.date,
    height_m: float | None = None,
    photo: UploadedFile | None = None,
    notes: str = "",
) -> Observation:
    """Record a follow-up check; update the planting's condition, survival dates and next check."""
    if observed_on > timezone.localdate():
        raise ValidationError(_("Tanggal pemeriksaan tidak boleh di masa depan."), code="future")
    if observed_on < planting.planted_on:
        raise ValidationError(_("Tanggal pemeriksaan tidak boleh sebelum tanggal tanam."), code="before_planting")
    uploaded = image_validate(photo) if photo else None
    with transaction.atomic():
        observation = Observation(
            planting=planting,
            observed_by=user,
            observed_on=observed_on,
            condition=condition,
            height_m=height_m,
            notes=notes or "",
        )
        if uploaded is not None:
            name = f"{planting.pk}-{timezone.now():%Y%m%d%H%M%S}.jpg"
            observation.photo.save(name, ContentFile(image_sanitize(uploaded)), save=False)
        observation.full_clean()
        observation.save()
        _planting_condition_update(planting)
        if planting.status == Planting.Status.VERIFIED:
            transaction.on_commit(_surviving_version_bump)
            tile = [planting.desa_id, *cover.tile_of(planting.point)]
            first_year = max(cover.FIRST_YEAR, observed_on.year)
            from . import tasks

            enqueue_on_commit(tasks.cover_refresh, [planting.desa_id], first_year, [tile])
    return observation


def _planting_condition_update(planting: Planting) -> None:
    observations = list(planting.observations.order_by("observed_on", "id"))
    latest = observations[-1]
    dead_since = None
    for obs in observations:
        if obs.condition == Observation.Condition.DEAD:
            dead_since = dead_since or obs.observed_on
        elif obs.condition == Observation.Condition.ALIVE:
            dead_since = None
    planting.condition = latest.condition
    planting.first_observed_on = observations[0].observed_on
    planting.last_observed_on = latest.observed_on
    planting.dead_since = dead_since
    planting.next_check_on = schedule.next_check_on(
        planted_on=planting.planted_on, last_checked_on=latest.observed_on, dead=dead_since is not None
    )
    Planting.objects.filter(pk=planting.pk).update(
        condition=planting.condition,
        first_observed_on=planting.first_observed_on,
        last_observed_on=planting.last_observed_on,
        dead_since=dead_since,
        next_check_on=planting.next_check_on,
    )


def _schedule_follow(planting: Planting) -> None:
    """The planting date changed: the next check follows it (tanam/schedule.py)."""
    planting.next_check_on = schedule.next_check_on(
        planted_on=planting.planted_on, last_checked_on=planting.last_observed_on, dead=planting.dead_since is not None
    )


def _surviving_version_bump() -> None:
    """A verified planting's check changed what survives: the cached surviving totals are recomputed."""
    from .selectors import SURVIVING_VERSION_KEY

    cache.set(SURVIVING_VERSION_KEY, uuid.uuid4().hex, None)


# --- Aggregates: cluster cells ---------------------------------------------------------------------

_CLUSTER_LOCK = 7301  # advisory lock ids: refreshes of cluster cells / cover roll-ups run one at a time
_COVER_LOCK = 7302


def _clusters_version_bump() -> None:
    """New cells are visible: cached map answers (keyed by this version) become unreachable."""
    from .selectors import CLUSTERS_VERSION_KEY

    cache.set(CLUSTERS_VERSION_KEY, uuid.uuid4().hex, None)


def cluster_cells_refresh(*, points: Any) -> None:
    """Recompute, from the plantings, every band's cell containing each (lon, lat). Idempotent."""
    with transaction.atomic(), connection.cursor() as cursor:
        transaction.on_commit(_clusters_version_bump)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CLUSTER_LOCK])
        for band in clusters.bands_fine_to_coarse():
            cells = {clusters.cell_of(band, lon, lat) for lon, lat in points}
            for gx, gy in sorted(cells):
                params = clusters.cell_params(band, gx, gy)
                cursor.execute(clusters.SQL_DELETE_CELL, params)
                cursor.execute(clusters.band_insert_sql(band, one_cell=True), params)


def cluster_cells_rebuild() -> int:
    """Rebuild every band from scratch in bulk SQL (seed, repair)."""
    with transaction.atomic(), connection.cursor() as cursor:
        transaction.on_commit(_clusters_version_bump)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CLUSTER_LOCK])
        cursor.execute("TRUNCATE tanam_clustercell")
        for band in clusters.bands_fine_to_coarse():
            cursor.execute(clusters.band_insert_sql(band, one_cell=False), clusters.cell_params(band, 0, 0))
    return ClusterCell.objects.count()


# --- Aggregates: land cover -----------------------------------------------------------------------


def cover_years() -> list:
    return list(range(cover.FIRST_YEAR, timezone.localdate().year + 1))


def _rows_to_stats(figure_rows: Any, canopy: Any, desa_by_id: dict[int, Desa], years: list[int]) -> list:
    figures = {(row[0], row[1]): row[2:] for row in figure_rows}
    stats = []
    for desa_id in sorted(desa_by_id):
        desa = desa_by_id[desa_id]
        for year in years:
            plantings, trees, monitored, survived, co2 = figures.get((desa_id, year), (0, 0, 0, 0, 0))
            row = (canopy.get((desa_id, year), 0), plantings, trees, monitored, survived, co2)
            stats.append(
                _cover_stat(
                    "desa", desa.code, year, desa.area_km2, row, kecamatan_id=desa.kecamatan_id, desa_id=desa_id
                )
            )
    return stats


def _cover_stat(level: str, code: str, year: int, area_km2: float, figures_row: Any, **fks: Any) -> CoverStat:
    canopy, plantings, trees, monitored, survived, co2 = (float(v or 0) for v in figures_row)
    plantings, trees, monitored, survived = int(plantings), int(trees), int(monitored), int(survived)
    area_m2 = area_km2 * 1_000_000
    return CoverStat(
        level=level,
        area_code=code,
        year=year,
        area_m2=area_m2,
        canopy_m2=canopy,
        canopy_percent=100.0 * canopy / area_m2 if area_m2 else 0,
        plantings=plantings,
        trees=trees,
        trees_monitored=monitored,
        trees_survived=survived,
        survival_percent=cover.survival_percent(monitored, survived),
        co2_kg_per_year=co2,
        **fks,
    )


def cover_refresh(*, desa_ids: list[int] | None = None, first_year: int = cover.FIRST_YEAR, tiles: Any = None) -> int:
    """Recompute cover from first_year to now, then the kecamatan and the regency.

    tiles=[(desa_id, tx, ty), ...]: only those tiles' canopy is recomputed (a change); else every
    tile of desa_ids (None = all desa). Trees, survival and CO₂ are recomputed for the whole desa.
    """
    years = [y for y in cover_years() if y >= first_year]
    if tiles:
        tiles = [tuple(t) for t in tiles]
        desa_ids = sorted({t[0] for t in tiles})
    all_desa = desa_ids is None
    desa_qs = Desa.objects.all() if all_desa else Desa.objects.filter(pk__in=desa_ids)
    desa_by_id = {d.pk: d for d in desa_qs.only("id", "code", "area_km2", "kecamatan_id")}
    if not years or not desa_by_id:
        return 0
    scope = "tiles" if tiles else ("all" if all_desa else "desa")
    params = cover.sql_params(years=years, desa_ids=list(desa_by_id), tiles=tiles or ())
    with connection.cursor() as cursor:
        cursor.execute(cover.tile_canopy_sql(scope=scope), params)
        tile_rows = cursor.fetchall()
        cursor.execute(cover.desa_figures_sql(all_desa=all_desa), params)
        figure_rows = cursor.fetchall()
    with transaction.atomic(), connection.cursor() as cursor:
        # Roll-ups of concurrent refreshes (Celery, the bulk rebuild) rewrite the same rows: one at a time.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_COVER_LOCK])
        _tiles_replace(tile_rows, desa_by_id, years, tiles)
        canopy = _desa_canopy(cursor, list(desa_by_id), years)
        stats = _rows_to_stats(figure_rows, canopy, desa_by_id, years)
        CoverStat.objects.filter(level="desa", desa_id__in=desa_by_id, year__in=years).delete()
        CoverStat.objects.bulk_create(stats, batch_size=1000)
        _cover_roll_up(sorted({d.kecamatan_id for d in desa_by_id.values()}), years)
    return len(stats)


def _tiles_replace(tile_rows: Any, desa_by_id: dict[int, Desa], years: list[int], tiles: Any) -> None:
    old = CanopyTile.objects.filter(year__in=years, desa_id__in=desa_by_id)
    if tiles:
        match = Q()
        for desa_id, tx, ty in tiles:
            match |= Q(desa_id=desa_id, tx=tx, ty=ty)
        old = old.filter(match)
    old.delete()
    CanopyTile.objects.bulk_create(
        [CanopyTile(desa_id=d, tx=tx, ty=ty, year=y, canopy_m2=a) for d, tx, ty, y, a in tile_rows], batch_size=2000
    )


def _desa_canopy(cursor: Any, desa_ids: list[int], years: list[int]) -> dict:
    cursor.execute(
        "SELECT desa_id, year, sum(canopy_m2) FROM tanam_canopytile"
        " WHERE desa_id = ANY(%s) AND year = ANY(%s) GROUP BY desa_id, year",
        [desa_ids, years],
    )
    return {(d, y): a for d, y, a in cursor.fetchall()}


def cover_refresh_current_year() -> int:
    """Nightly: this year's cover of every desa (growth since yesterday; a new year's first figures)."""
    return cover_refresh(desa_ids=None, first_year=timezone.localdate().year)


_ROLL_UP_SQL = """
    SELECT {group}, year, sum(canopy_m2), sum(plantings), sum(trees), sum(trees_monitored),
           sum(trees_survived), sum(co2_kg_per_year)
    FROM tanam_coverstat WHERE level = %s AND year = ANY(%s) {where} GROUP BY {group}, year
"""


def _cover_roll_up(kecamatan_ids: list[int], years: list[int]) -> None:
    """Kecamatan = sum of its desa; regency = sum of the kecamatan."""
    with connection.cursor() as cursor:
        cursor.execute(
            _ROLL_UP_SQL.format(group="kecamatan_id", where="AND kecamatan_id = ANY(%s)"),
            ["desa", years, list(kecamatan_ids)],
        )
        kec_rows = cursor.fetchall()
        kecamatan_by_id = {k.pk: k for k in Kecamatan.objects.filter(pk__in=kecamatan_ids)}
        stats = [
            _cover_stat(
                "kecamatan",
                kecamatan_by_id[row[0]].code,
                row[1],
                kecamatan_by_id[row[0]].area_km2,
                row[2:],
                kecamatan_id=row[0],
            )
            for row in kec_rows
        ]
        CoverStat.objects.filter(level="kecamatan", kecamatan_id__in=kecamatan_ids, year__in=years).delete()
        CoverStat.objects.bulk_create(stats, batch_size=1000)
        regency = Regency.objects.only("code", "area_km2").first()
        if regency is None:
            return
        cursor.execute(_ROLL_UP_SQL.format(group="level", where=""), ["kecamatan", years])
        totals = {row[1]: row[2:] for row in cursor.fetchall()}
    CoverStat.objects.filter(level="regency", year__in=years).delete()
    CoverStat.objects.bulk_create(
        [_cover_stat("regency", regency.code, y, regency.area_km2, totals.get(y, (0,) * 6)) for y in years]
    )


# --- Open-data files --------------------------------------------------------------------------------

OPEN_DATA_PENDING_KEY = "tanam:open-data:pending"
OPEN_DATA_FOLDER = "opendata/tanam"
_OPEN_DATA_LOCK = 7303


def open_data_changed() -> None:
    """Verified plantings changed: rebuild the open-data files once, debounced, after commit.

    The first change of a quiet period enqueues one build TANAM_OPEN_DATA_DEBOUNCE_SECONDS
    later; further changes in that period ride on it (the build clears the flag before it
    reads, so a change made while it runs schedules the next build). Lost builds (broker
    down, worker killed) are caught by the hourly beat build.
    """

    def send() -> None:
        delay = settings.TANAM_OPEN_DATA_DEBOUNCE_SECONDS
        if not cache.add(OPEN_DATA_PENDING_KEY, 1, timeout=delay + 900):
            return
        from . import tasks

        if not enqueue(tasks.open_data_build, countdown=delay):  # the hourly build catches up
            cache.delete(OPEN_DATA_PENDING_KEY)

    transaction.on_commit(send)


class _CountingFile:
    """Writes text as UTF-8 to a temporary file while counting its bytes and hashing them."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file, self.size, self.hash = file, 0, hashlib.sha256()

    def write(self, text: str) -> None:
        data = text.encode()
        self.file.write(data)
        self.size += len(data)
        self.hash.update(data)


def open_data_build() -> list:
    """Write the CSV and the GeoJSON of every verified planting, then switch downloads to them.

    Both files come from one keyset pass over the rows (same plantings in both). Each is
    written to a temporary file, saved through the storage API under a new name, and only
    then made current by updating its OpenDataFile row in one transaction: a download reads
    either the previous complete file or the new one, never a partial one. Returns the rows.
    """
    from .selectors import plantings_export_rows

    cache.delete(OPEN_DATA_PENDING_KEY)  # a change from now on schedules the next build
    started_at = timezone.now()
    lines = exports.CsvLines()
    with tempfile.TemporaryFile() as csv_tmp, tempfile.TemporaryFile() as geo_tmp:
        csv_out, geo_out = _CountingFile(csv_tmp), _CountingFile(geo_tmp)
        csv_out.write(lines.header())
        geo_out.write(exports.GEOJSON_HEAD)
        rows = 0
        for row in plantings_export_rows():
            csv_out.write(lines.line(row))
            geo_out.write(exports.geojson_feature(row, first=rows == 0))
            rows += 1
        geo_out.write(exports.GEOJSON_TAIL)
        outputs = (("csv", csv_out), ("geojson", geo_out))
        return [_open_data_publish(kind, out, rows, started_at) for kind, out in outputs]


def _open_data_publish(kind: str, out: Any, rows: int, started_at: datetime.datetime) -> Any:
    out.file.flush()
    out.file.seek(0)
    name = f"{OPEN_DATA_FOLDER}/penanaman-terverifikasi-{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.{kind}"
    stored = default_storage.save(name, File(out.file, name=name))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_OPEN_DATA_LOCK])
        current = OpenDataFile.objects.filter(kind=kind).first()
        if current is not None and current.started_at > started_at:
            transaction.on_commit(lambda: _delete_files([stored]))  # a build that read later already won
            return current
        values = {
            "name": stored,
            "previous_name": current.name if current else "",
            "size": out.size,
            "sha256": out.hash.hexdigest(),
            "rows": rows,
            "started_at": started_at,
            "built_at": timezone.now(),
        }
        published, _created = OpenDataFile.objects.update_or_create(kind=kind, defaults=values)
        if current is not None and current.previous_name:
            # The file before the previous one: the previous stays one build for downloads in flight.
            transaction.on_commit(lambda: _delete_files([current.previous_name]))
    return published
