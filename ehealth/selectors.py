"""Reads of E-Health for views, API, admin and the Diskominfo dashboard.

Owner filtering lives here once: `hospitals_for_user(user)` and the
`*_for_user` helpers built on it.
"""

import datetime
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.core.cache import cache, caches
from django.db.models import Q, QuerySet
from django.utils import timezone
from redis.exceptions import RedisError

from blitar_portal.accounts.roles import HOSPITAL_STAFF, has_role, is_diskominfo
from blitar_portal.lib.dates import local_midnight
from blitar_portal.lib.masking import mask_bpjs, mask_email, mask_name, mask_nik, mask_phone, mask_text

from .feeds import CANONICAL_CLASSES, CLASS_LABELS, LAINNYA
from .models import (
    BedClass,
    BedCountChange,
    Hospital,
    HospitalMembership,
    NotificationOutbox,
    Service,
    ServiceRequest,
    SyncRun,
    bed_class_label,
    beds_are_stale,
)

BOARD_VERSION_KEY = "ehealth:board:version"
BOARD_CACHE_SECONDS = 600
CLASS_ORDER = {code: index for index, code in enumerate([*CANONICAL_CLASSES, LAINNYA])}


def site_url() -> str:
    return settings.SITE_URL


# --- Access ------------------------------------------------------------------------------


def hospitals_for_user(user: User) -> QuerySet[Hospital]:
    """Hospitals a user may manage: all for Diskominfo/superusers, own ones for Petugas RS, none else."""
    if not user.is_authenticated:
        return Hospital.objects.none()
    if user.is_superuser or is_diskominfo(user):
        return Hospital.objects.all()
    if has_role(user, HOSPITAL_STAFF):
        return Hospital.objects.filter(memberships__user=user)
    return Hospital.objects.none()


def can_manage_all_hospitals(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or is_diskominfo(user))


def scoped_for_user(queryset: QuerySet[Any], user: User, *, hospital_field: str = "hospital") -> QuerySet[Any]:
    """Filter any queryset with a hospital FK to what the user may see."""
    if can_manage_all_hospitals(user):
        return queryset
    return queryset.filter(**{f"{hospital_field}__in": hospitals_for_user(user).values("pk")})


def can_see_personal_data(user: User, service_request: ServiceRequest) -> bool:
    """The one rule for full personal data of a request (NIK, BPJS number, complaint, phone, e-mail):
    only a clerk (Petugas RS, by group, not as superuser) of the hospital that handles it.

    Diskominfo and superusers run the service but do not treat patients: they see masked values.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return (
        user.groups.filter(name=HOSPITAL_STAFF).exists()
        and HospitalMembership.objects.filter(user=user, hospital_id=service_request.hospital_id).exists()
    )


# field -> how it is masked for whoever may not see it in full
PERSONAL_MASKS = {
    "name": mask_name,
    "nik": mask_nik,
    "phone": mask_phone,
    "email": mask_email,
    "bpjs_number": mask_bpjs,
    "complaint": mask_text,
}


def service_request_personal_data(service_request: ServiceRequest, *, full: bool) -> dict:
    """{field: value} of the personal fields, in full or masked (admin, exports, API)."""
    return {
        field: getattr(service_request, field) if full else mask(getattr(service_request, field))
        for field, mask in PERSONAL_MASKS.items()
    }


def service_request_by_code(code: str) -> ServiceRequest | None:
    """The citizen's view: whoever holds the booking code."""
    return (
        ServiceRequest.objects.select_related("hospital", "service")
        .filter(code=str(code or "").strip().upper())
        .first()
    )


# --- Public board ------------------------------------------------------------------------


def board_cache_invalidate() -> None:
    """Called after every committed bed change: new version key -> the next request rebuilds."""
    cache.set(BOARD_VERSION_KEY, time.time_ns(), None)


# One redis client per process for the version read on every board request: Django's cache
# builds a new client object and a pickled key per call, which costs as much as the
# round trip itself on the board's hot path. {"backend": cache backend, "client": redis client}.
_VERSION_READER: dict[str, Any] = {}


def _read_board_version() -> int | None:
    """The shared board version with one raw GET (Django stores ints unpickled); None if unknown."""
    backend = caches["default"]
    if _VERSION_READER.get("backend") is not backend:
        get_client = getattr(getattr(backend, "_cache", None), "get_client", None)
        _VERSION_READER.update(backend=backend, client=get_client(write=False) if get_client else None)
    client = _VERSION_READER["client"]
    if client is None:
        return backend.get(BOARD_VERSION_KEY)
    try:
        raw = client.get(backend.make_and_validate_key(BOARD_VERSION_KEY))
    except (RedisError, OSError):
        return None
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return backend.get(BOARD_VERSION_KEY)


def _board_version() -> int | None:
    version = _read_board_version()
    if version is None:
        version = time.time_ns()
        cache.add(BOARD_VERSION_KEY, version, None)
        version = cache.get(BOARD_VERSION_KEY) or version
    return version


def _board_rows() -> list:
    """All active hospitals with their classes as plain dicts (2 queries)."""
    hospitals = list(
        Hospital.objects.filter(is_active=True)
        .select_related("kecamatan")
        .only(
            "id",
            "slug",
            "name",
            "type",
            "address",
            "phone",
            "igd_phone",
            "feed_url",
            "feed_format",
            "stale_after_minutes",
            "consecutive_failures",
            "beds_confirmed_at",
            "last_sync_status",
            "kecamatan__id",
            "kecamatan__name",
            "kecamatan__slug",
        )
        .order_by("name")
    )
    classes: dict[int, list[dict[str, Any]]] = {}
    for bed in BedClass.objects.filter(hospital__is_active=True, capacity__gt=0).order_by("code", "room_name"):
        classes.setdefault(bed.hospital_id, []).append(
            {"code": bed.code, "label": bed.label, "capacity": bed.capacity, "available": bed.available}
        )
    rows = []
    for h in hospitals:
        beds = sorted(classes.get(h.id, []), key=lambda c: (CLASS_ORDER.get(c["code"], 99), c["label"]))
        rows.append(
            {
                "id": h.id,
                "slug": h.slug,
                "name": h.name,
                "type": h.type,
                "type_label": h.get_type_display(),
                "address": h.address,
                "phone": h.phone,
                "igd_phone": h.igd_phone,
                "kecamatan": h.kecamatan.name,
                "kecamatan_slug": h.kecamatan.slug,
                "has_feed": h.has_feed,
                "stale_after_minutes": h.stale_after_minutes,
                "consecutive_failures": h.consecutive_failures,
                "confirmed_at": h.beds_confirmed_at,
                "classes": beds,
                "available_total": sum(c["available"] for c in beds),
            }
        )
    return rows


def board_data() -> list:
    """Board rows, cached until the next bed change (version key) — constant queries per request."""
    key = f"ehealth:board:{_board_version()}"
    rows = cache.get(key)
    if rows is None:
        rows = _board_rows()
        cache.set(key, rows, BOARD_CACHE_SECONDS)
    return rows


BOARD_HTML_SECONDS = 120


def board_html_version(*, now: datetime.datetime | None = None) -> tuple[int | None, int]:
    """What a cached board page is valid for (blitar_portal.lib.cache.cached_html): the board
    version (bumped by every bed change) and the current minute (the HTML says "N menit lalu"
    and marks stale data), so it never shows numbers older than the last applied change. A
    check costs one small Redis GET."""
    now = now or timezone.now()
    return _board_version(), int(now.timestamp() // 60)


def hospital_distances(point: Point) -> dict:
    """{hospital_id: metres} by PostGIS (geography distance on SRID 4326)."""
    qs = Hospital.objects.filter(is_active=True, location__isnull=False).annotate(d=Distance("location", point))
    return {pk: d.m for pk, d in qs.values_list("pk", "d")}


def board(
    *,
    bed_class: str = "",
    kecamatan: str = "",
    hospital_type: str = "",
    point: Point | None = None,
    now: datetime.datetime | None = None,
) -> list:
    """The public board: filtered rows, each with age and stale flag; nearest first when a point is given."""
    now = now or timezone.now()
    rows = []
    for row in board_data():
        if kecamatan and row["kecamatan_slug"] != kecamatan:
            continue
        if hospital_type and row["type"] != hospital_type:
            continue
        classes = [c for c in row["classes"] if c["code"] == bed_class] if bed_class else row["classes"]
        if bed_class and not classes:
            continue
        age = (now - row["confirmed_at"]).total_seconds() // 60 if row["confirmed_at"] else None
        rows.append(
            {
                **row,
                "classes": classes,
                "shown_available": sum(c["available"] for c in classes),
                "age_minutes": int(age) if age is not None else None,
                "stale": beds_are_stale(
                    confirmed_at=row["confirmed_at"],
                    has_feed=row["has_feed"],
                    consecutive_failures=row["consecutive_failures"],
                    stale_after_minutes=row["stale_after_minutes"],
                    now=now,
                ),
            }
        )
    if point is not None:
        distances = hospital_distances(point)
        for row in rows:
            row["distance_km"] = round(distances[row["id"]] / 1000, 1) if row["id"] in distances else None
        rows.sort(key=lambda r: (r["distance_km"] is None, r["distance_km"] or 0))
    return rows


def board_filter_options() -> dict[str, list]:
    """Choices for the board filters (cached with the board)."""
    rows = board_data()
    kecamatan = sorted({(r["kecamatan_slug"], r["kecamatan"]) for r in rows}, key=lambda k: k[1])
    return {
        "classes": [(code, CLASS_LABELS[code]) for code in [*CANONICAL_CLASSES, LAINNYA]],
        "kecamatan": kecamatan,
        "types": list(Hospital.Type.choices),
    }


# --- Hospital page ----------------------------------------------------------------------


def hospital_public(slug: str) -> Hospital | None:
    return Hospital.objects.select_related("kecamatan").filter(is_active=True, slug=slug).first()


def hospital_classes(hospital: Hospital) -> list[BedClass]:
    beds = list(hospital.bed_classes.filter(capacity__gt=0))
    return sorted(beds, key=lambda b: (CLASS_ORDER.get(b.code, 99), b.room_name))


def bed_states_by_day(
    *, days: int, now: datetime.datetime | None = None, hospital: Hospital | None = None
) -> Iterator[tuple[datetime.date, dict[tuple[int, str, str], tuple[int, int]]]]:
    """The one bed-history replay: beds per class at the end of each of the last `days` local days.

    Yields (day, {(hospital_id, code, room_name): (capacity, available)}), today first, for every
    hospital or only `hospital`. Starts from today's numbers and walks back by undoing later
    changes, newest first; changes at the same moment are undone in reverse write order (-pk), so
    the replay is the same on every run. Two queries, whatever the number of days and classes.

    The yielded dict is the replay's own state and changes after the next step: copy it to keep it.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    beds = BedClass.objects.all() if hospital is None else BedClass.objects.filter(hospital=hospital)
    state = {
        (hospital_id, code, room): (capacity, available)
        for hospital_id, code, room, capacity, available in beds.values_list(
            "hospital_id", "code", "room_name", "capacity", "available"
        )
    }
    changes = BedCountChange.objects.filter(changed_at__gte=local_midnight(today - datetime.timedelta(days=days - 1)))
    if hospital is not None:
        changes = changes.filter(hospital=hospital)
    pending = iter(
        changes.order_by("-changed_at", "-pk").values_list(
            "hospital_id", "code", "room_name", "old_capacity", "old_available", "changed_at"
        )
    )
    change = next(pending, None)
    for offset in range(days):
        day = today - datetime.timedelta(days=offset)
        yield day, state
        day_start = local_midnight(day)
        while change is not None and change[5] >= day_start:
            hospital_id, code, room, old_capacity, old_available, _at = change
            state[(hospital_id, code, room)] = (old_capacity or 0, old_available or 0)
            change = next(pending, None)


def hospital_trend(hospital: Hospital, *, days: int = 7, now: datetime.datetime | None = None) -> dict:
    """Available beds per class at the end of each of the last `days` days, from the change history
    (`bed_states_by_day`), so it costs two queries whatever the number of classes.

    A class is listed when it had beds in service on any of those days. Returns {"days": [date],
    "series": [{"code", "room_name", "label", "values": [available per day]}], "totals": [sum per day]}.
    """
    now = now or timezone.now()
    history = [
        {(code, room): beds for (_hospital, code, room), beds in state.items()}
        for _day, state in bed_states_by_day(days=days, now=now, hospital=hospital)
    ]
    history.reverse()
    return _trend_series(history, today=timezone.localdate(now), days=days)


def _trend_series(history: Any, *, today: datetime.date, days: int) -> dict[str, list]:
    keys = {key for snapshot in history for key, (capacity, _avail) in snapshot.items() if capacity}
    series = [
        {
            "code": code,
            "room_name": room,
            "label": bed_class_label(code, room),
            "values": [snapshot.get((code, room), (0, 0))[1] for snapshot in history],
        }
        for code, room in sorted(keys, key=lambda k: (CLASS_ORDER.get(k[0], 99), k[1]))
    ]
    return {
        "days": [today - datetime.timedelta(days=days - 1 - i) for i in range(days)],
        "series": series,
        "totals": [sum(s["values"][i] for s in series) for i in range(days)],
    }


def hospital_services(hospital: Hospital) -> QuerySet[Service]:
    return Service.objects.filter(hospital=hospital, is_active=True).order_by("kind", "name")


def hospital_last_sync(hospital: Hospital) -> SyncRun | None:
    return SyncRun.objects.filter(hospital=hospital).exclude(status=SyncRun.Status.RUNNING).first()


def services_for_booking(hospital_slug: str | None = None) -> QuerySet[Service]:
    qs = Service.objects.filter(is_active=True, hospital__is_active=True).select_related("hospital")
    if hospital_slug:
        qs = qs.filter(hospital__slug=hospital_slug)
    return qs.order_by("hospital__name", "kind", "name")


def notification_pending(service_request: ServiceRequest) -> bool:
    return NotificationOutbox.objects.filter(service_request=service_request, sent_at__isnull=True).exists()


def pending_notification_ids(*, limit: int = 200) -> list:
    return list(
        NotificationOutbox.objects.filter(sent_at__isnull=True, attempts__lt=10)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- Sync scheduling ------------------------------------------------------------------------


def hospitals_due_for_sync(*, now: datetime.datetime | None = None) -> list:
    """[(id, interval_minutes)] of active hospitals with a feed whose next sync time has come."""
    now = now or timezone.now()
    return list(
        Hospital.objects.filter(is_active=True)
        .exclude(feed_url="")
        .exclude(feed_format="")
        .filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now))
        .values_list("pk", "sync_interval_minutes")
    )


def feed_freshness(*, now: datetime.datetime | None = None) -> list[dict]:
    """[{"slug", "last_success_at", "stale_after_minutes", "stale"}] of active hospitals with a feed
    (for /metrics); "stale" is the board's own rule (`Hospital.is_stale`)."""
    now = now or timezone.now()
    hospitals = (
        Hospital.objects.filter(is_active=True)
        .exclude(feed_url="")
        .exclude(feed_format="")
        .order_by("slug")
        .only(
            "slug",
            "feed_url",
            "feed_format",
            "last_success_at",
            "stale_after_minutes",
            "consecutive_failures",
            "beds_confirmed_at",
        )
    )
    return [
        {
            "slug": h.slug,
            "last_success_at": h.last_success_at,
            "stale_after_minutes": h.stale_after_minutes,
            "stale": h.is_stale(now),
        }
        for h in hospitals
    ]
