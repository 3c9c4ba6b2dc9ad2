"""Reads of E-Health for views, API, admin and the Diskominfo dashboard.

Owner filtering lives here once: `hospitals_for_user(user)` and the
`*_for_user` helpers built on it.
"""

import datetime
import json
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.core.cache import cache, caches
from django.db.models import Count, F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from blitar_portal.accounts.roles import HOSPITAL_STAFF, has_role, is_diskominfo
from blitar_portal.lib.cache import redis_client
from blitar_portal.lib.dates import local_midnight
from blitar_portal.lib.masking import mask_bpjs, mask_email, mask_name, mask_nik, mask_phone, mask_text

from .feeds import CANONICAL_CLASSES, CLASS_LABELS, LAINNYA
from .models import (
    BedAlert,
    BedClass,
    BedCountChange,
    FreshSpan,
    Hospital,
    HospitalMembership,
    Service,
    ServiceRequest,
    ServiceSchedule,
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


def clerk_hospitals(user: User) -> QuerySet[Hospital]:
    """Hospitals whose work page a user may open: their own for Petugas RS (staff), all for Diskominfo."""
    if not (user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser)):
        return Hospital.objects.none()
    return hospitals_for_user(user).select_related("kecamatan").order_by("name")


def clerk_start_url(user: User) -> str | None:
    """Where a user starts after login: a clerk of exactly one hospital at its work page, a clerk
    of several (or Diskominfo) at the list; None for everyone else."""
    from django.urls import reverse

    if not (user.is_authenticated and has_role(user, HOSPITAL_STAFF)):
        return None
    slugs = list(clerk_hospitals(user).values_list("slug", flat=True)[:2])
    if len(slugs) == 1:
        return reverse("ehealth:clerk_hospital", kwargs={"slug": slugs[0]})
    return reverse("ehealth:clerk_start") if slugs else None


def requests_today(hospital: Hospital, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """{"count", "url"}: today's service requests of a hospital and the admin list of them."""
    from django.urls import reverse
    from django.utils.http import urlencode

    today = timezone.localdate(now)
    count = ServiceRequest.objects.filter(hospital=hospital, visit_date=today).count()
    query = urlencode(
        {"visit_date__gte": today.isoformat(), "visit_date__lt": (today + datetime.timedelta(days=1)).isoformat()}
    )
    return {"count": count, "url": f"{reverse('admin:ehealth_servicerequest_changelist')}?{query}"}


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


def normalize_booking_code(code: Any) -> str:
    """A booking code as typed or scanned (kzd-yhc b34g) -> KZDYHCB34G; the one normalisation."""
    return re.sub(r"[\s\-]", "", str(code or "")).upper()


def service_request_by_code(code: str) -> ServiceRequest | None:
    """The citizen's view: whoever holds the booking code (any case, with or without dashes)."""
    return (
        ServiceRequest.objects.select_related("hospital", "service").filter(code=normalize_booking_code(code)).first()
    )


def service_requests_for_citizen(user: Any) -> QuerySet[ServiceRequest]:
    """ "Permohonan saya": the requests made while signed in to this account, newest first."""
    if not user.is_authenticated:
        return ServiceRequest.objects.none()
    return ServiceRequest.objects.filter(user=user).select_related("hospital", "service").order_by("-created_at")


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
        _VERSION_READER.update(backend=backend, client=redis_client(backend))
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
            "igd_capacity",
            "igd_available",
            "igd_waiting",
            "kecamatan__id",
            "kecamatan__name",
            "kecamatan__slug",
        )
        .order_by("name")
    )
    classes: dict[int, list[dict[str, Any]]] = {}
    for bed in BedClass.objects.filter(hospital__is_active=True, capacity__gt=0).order_by("code", "room_name"):
        classes.setdefault(bed.hospital_id, []).append(
            {
                "code": bed.code,
                "label": bed.label,
                "capacity": bed.capacity,
                "available": bed.available,
                "male": bed.available_male,
                "female": bed.available_female,
                "either": bed.available_either,
            }
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
                "igd": igd_status(h),
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
        stale = beds_are_stale(
            confirmed_at=row["confirmed_at"], stale_after_minutes=row["stale_after_minutes"], now=now
        )
        rows.append(
            {
                **row,
                "classes": classes,
                "shown_available": sum(c["available"] for c in classes),
                "age_minutes": int(age) if age is not None else None,
                "stale": stale,
                "freshness": freshness_words(confirmed_at=row["confirmed_at"], stale=stale, now=now),
            }
        )
    if point is not None:
        distances = hospital_distances(point)
        for row in rows:
            row["distance_km"] = round(distances[row["id"]] / 1000, 1) if row["id"] in distances else None
        rows.sort(key=lambda r: (r["distance_km"] is None, r["distance_km"] or 0))
    return rows


# Critical-care classes: what a family looks for first on the board ("ICU/HCU/NICU kosong sekarang").
CRITICAL_CARE_CLASSES = ("ICU", "ICCU", "HCU", "NICU", "PICU")


def board_critical_care(*, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Hospitals with a free critical-care bed now, most free first (stale ones last, marked):
    each {"name", "slug", "classes": [{"code", "label", "available"}], "total", "stale", "igd_phone"}."""
    found = []
    for row in board(now=now):
        free = [c for c in row["classes"] if c["code"] in CRITICAL_CARE_CLASSES and c["available"] > 0]
        if free:
            found.append(
                {
                    "name": row["name"],
                    "slug": row["slug"],
                    "classes": free,
                    "total": sum(c["available"] for c in free),
                    "stale": row["stale"],
                    "igd_phone": row.get("igd_phone"),
                }
            )
    found.sort(key=lambda item: (item["stale"], -item["total"], item["name"]))
    return found


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


def igd_status(hospital: Hospital) -> dict[str, Any] | None:
    """{"capacity", "available", "waiting"} of a hospital's emergency room, or None when never reported."""
    if hospital.igd_available is None and hospital.igd_waiting is None:
        return None
    return {"capacity": hospital.igd_capacity, "available": hospital.igd_available, "waiting": hospital.igd_waiting}


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

    A class is listed when it has beds in service now. Returns {"days": [date],
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
    keys = {key for key, (capacity, _avail) in (history[-1] if history else {}).items() if capacity}
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


# Requests that hold a place in the day's quota (cancelled, rejected, no-show give it back).
PLACE_HOLDING_STATUSES = (
    ServiceRequest.Status.DIAJUKAN,
    ServiceRequest.Status.DITERIMA,
    ServiceRequest.Status.DILAYANI,
    ServiceRequest.Status.SELESAI,
)


def service_sessions(service: Service, day: datetime.date) -> list[ServiceSchedule]:
    """The doctor sessions of a service on `day`'s weekday."""
    return list(ServiceSchedule.objects.filter(service=service, weekday=day.weekday()).order_by("starts_at"))


def service_day_booked(service: Service, day: datetime.date) -> int:
    return ServiceRequest.objects.filter(service=service, visit_date=day, status__in=PLACE_HOLDING_STATUSES).count()


def service_open_days(service: Service, *, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """The days a citizen may book now, as the booking form and the API offer them:
    [{"date", "remaining", "sessions": [{"starts_at", "ends_at", "doctor_name"}]}], in date order.

    Every day of the booking window goes through the one slot rule (`slots.slot_problem`),
    so a past, closed, full or already-ended day is never offered. Two queries.
    """
    from . import slots

    now_local = timezone.localtime(now or timezone.now())
    today = now_local.date()
    last = today + datetime.timedelta(days=service.hospital.booking_window_days)
    by_weekday: dict[int, list[ServiceSchedule]] = {}
    for session in ServiceSchedule.objects.filter(service=service).order_by("starts_at"):
        by_weekday.setdefault(session.weekday, []).append(session)
    booked = dict(
        ServiceRequest.objects.filter(
            service=service, visit_date__range=(today, last), status__in=PLACE_HOLDING_STATUSES
        )
        .values_list("visit_date")
        .annotate(n=Count("pk"))
    )
    days = []
    for offset in range((last - today).days + 1):
        day = today + datetime.timedelta(days=offset)
        sessions = by_weekday.get(day.weekday(), [])
        count = booked.get(day, 0)
        if slots.slot_problem(service=service, day=day, now_local=now_local, sessions=sessions, booked=count):
            continue
        days.append(
            {
                "date": day,
                "remaining": service.daily_quota - count,
                "sessions": [
                    {"starts_at": s.starts_at, "ends_at": s.ends_at, "doctor_name": s.doctor_name} for s in sessions
                ],
            }
        )
    return days


def services_for_booking(hospital_slug: str | None = None) -> QuerySet[Service]:
    qs = Service.objects.filter(is_active=True, hospital__is_active=True).select_related("hospital")
    if hospital_slug:
        qs = qs.filter(hospital__slug=hospital_slug)
    return qs.order_by("hospital__name", "kind", "name")


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


# --- Freshness: words for citizens, reasons for staff, the reporting score ----------------------

REPORTING_DAYS = 30


def freshness_words(
    *, confirmed_at: datetime.datetime | None, stale: bool, now: datetime.datetime | None = None
) -> str:
    """What a citizen reads about the age of the numbers: "diperbarui 3 menit lalu" while fresh,
    "belum diperbarui sejak 09:10" once stale (`beds_are_stale` decides which, never both)."""
    now = now or timezone.now()
    if confirmed_at is None:
        return _("belum pernah diperbarui")
    if stale:
        local = timezone.localtime(confirmed_at)
        if local.date() == timezone.localdate(now):
            since = formats.time_format(local, "H:i")
        else:
            since = formats.date_format(local, "j M H:i")
        return _("belum diperbarui sejak %(time)s") % {"time": since}
    minutes = int((now - confirmed_at).total_seconds() // 60)
    if minutes < 1:
        return _("diperbarui baru saja")
    if minutes < 60:
        return ngettext("diperbarui %(n)s menit lalu", "diperbarui %(n)s menit lalu", minutes) % {"n": minutes}
    hours = minutes // 60
    return ngettext("diperbarui %(n)s jam lalu", "diperbarui %(n)s jam lalu", hours) % {"n": hours}


def feed_problem(hospital: Hospital, *, now: datetime.datetime | None = None) -> dict[str, Any] | None:
    """For staff only: why a hospital's feed is not confirming its numbers, or None when it works.

    {"since": when the current run of failures began, "message": the last error, "failures": n}.
    """
    if not hospital.has_feed or hospital.last_sync_status != Hospital.SyncStatus.ERROR:
        return None
    return {
        "since": hospital.feed_failing_since or hospital.last_sync_at,
        "message": hospital.last_sync_message,
        "failures": hospital.consecutive_failures,
    }


def reporting_scores(
    *, hospital_ids: Iterable[int] | None = None, now: datetime.datetime | None = None, days: int = REPORTING_DAYS
) -> dict[int, int]:
    """{hospital_id: percent of the last `days` days during which its numbers were fresh}.

    Fresh time is what the FreshSpan rows cover (each confirmation keeps the numbers fresh
    for the hospital's stale_after_minutes: `beds_are_stale`'s own rule). One query.
    Hospitals without any fresh time in the window score 0.
    """
    now = now or timezone.now()
    start = now - datetime.timedelta(days=days)
    spans = FreshSpan.objects.filter(ends_at__gt=start, started_at__lt=now)
    ids = None
    if hospital_ids is not None:
        ids = list(hospital_ids)
        spans = spans.filter(hospital_id__in=ids)
    covered = dict.fromkeys(ids or [], 0.0)
    for hospital_id, started, ends in spans.values_list("hospital_id", "started_at", "ends_at"):
        covered[hospital_id] = covered.get(hospital_id, 0.0) + (min(ends, now) - max(started, start)).total_seconds()
    total = days * 86400
    return {hospital_id: min(100, round(100 * seconds / total)) for hospital_id, seconds in covered.items()}


def reporting_score(hospital: Hospital, *, now: datetime.datetime | None = None) -> int:
    return reporting_scores(hospital_ids=[hospital.pk], now=now)[hospital.pk]


def reporting_gaps(
    hospital: Hospital, *, now: datetime.datetime | None = None, days: int = REPORTING_DAYS
) -> dict[str, Any]:
    """What the reporting score misses, for the hospital's own staff: the stretches of the last
    `days` days without fresh numbers (the gaps between `FreshSpan` rows, the score's own data).

    {"gaps": [{"start", "end", "hours"}…] newest first, "missed_days": [local dates the numbers
    were never fresh] newest first, "missed_runs": [{"first", "last", "days"}] the same days as runs
    of consecutive days, "hours": total hours without fresh numbers}. One query.
    """
    now = now or timezone.now()
    start = now - datetime.timedelta(days=days)
    spans = (
        FreshSpan.objects.filter(hospital=hospital, ends_at__gt=start, started_at__lt=now)
        .order_by("started_at")
        .values_list("started_at", "ends_at")
    )
    gaps, cursor = [], start
    for started, ends in spans:
        if started > cursor:
            gaps.append((cursor, started))
        cursor = max(cursor, ends)
    if cursor < now:
        gaps.append((cursor, now))
    missed_days = []
    day = timezone.localdate(start) + datetime.timedelta(days=1)  # whole local days only
    while day < timezone.localdate(now):
        day_start, day_end = local_midnight(day), local_midnight(day + datetime.timedelta(days=1))
        if any(gap_start <= day_start and gap_end >= day_end for gap_start, gap_end in gaps):
            missed_days.append(day)
        day += datetime.timedelta(days=1)
    runs: list[dict[str, Any]] = []  # consecutive missed days as one line: "02-11 – 28-11 (27 hari)"
    for day in missed_days:
        if runs and runs[-1]["last"] + datetime.timedelta(days=1) == day:
            runs[-1]["last"], runs[-1]["days"] = day, runs[-1]["days"] + 1
        else:
            runs.append({"first": day, "last": day, "days": 1})
    return {
        "gaps": [{"start": a, "end": b, "hours": round((b - a).total_seconds() / 3600, 1)} for a, b in reversed(gaps)],
        "missed_days": list(reversed(missed_days)),
        "missed_runs": list(reversed(runs)),
        "hours": round(sum((b - a).total_seconds() for a, b in gaps) / 3600, 1),
    }


# --- The live queue -------------------------------------------------------------------------
# Who is called next (the one rule): today's requests of the service that hold a place and are
# not called yet, those never skipped first, then by queue number. Call-next takes the first
# *checked-in* one; "how many ahead" counts every waiting one before a request (a patient who
# has not arrived yet still keeps their place).
WAITING_STATUSES = (ServiceRequest.Status.DIAJUKAN, ServiceRequest.Status.DITERIMA)
CALLED_STATUSES = (ServiceRequest.Status.DITERIMA, ServiceRequest.Status.DILAYANI, ServiceRequest.Status.SELESAI)


def queue_waiting(service: Service, *, day: datetime.date) -> QuerySet[ServiceRequest]:
    """Waiting requests of a service on `day`, in call order."""
    return ServiceRequest.objects.filter(
        service=service, visit_date=day, status__in=WAITING_STATUSES, called_at__isnull=True
    ).order_by(F("skipped_at").asc(nulls_first=True), "queue_number")


def queue_pace_minutes(service: Service, *, day: datetime.date) -> float:
    """Minutes per patient today: the average gap between first calls of the day (two calls or more),
    else the service's planned minutes per patient. One aggregate row (first, last, how many), not
    every call of the day."""
    calls = ServiceRequest.objects.filter(service=service, visit_date=day, first_called_at__isnull=False).aggregate(
        first=Min("first_called_at"), last=Max("first_called_at"), n=Count("pk")
    )
    if calls["n"] < 2:
        return float(service.avg_service_minutes)
    return max((calls["last"] - calls["first"]).total_seconds() / 60 / (calls["n"] - 1), 0.5)


def queue_ahead(service_request: ServiceRequest, *, day: datetime.date) -> int:
    """How many waiting requests come before this (waiting) one in `queue_waiting` order: one COUNT
    (never skipped first, then skipped by time of skip, each by queue number), not the list of all."""
    request = service_request
    before = Q(skipped_at__isnull=True, queue_number__lt=request.queue_number)
    if request.skipped_at is not None:
        before = (
            Q(skipped_at__isnull=True)
            | Q(skipped_at__lt=request.skipped_at)
            | Q(skipped_at=request.skipped_at, queue_number__lt=request.queue_number)
        )
    return queue_waiting(request.service, day=day).filter(before).exclude(pk=request.pk).order_by().count()


def queue_now_serving(service: Service, *, day: datetime.date) -> ServiceRequest | None:
    """The request most recently called today (being called, served or done), or None."""
    return (
        ServiceRequest.objects.filter(
            service=service, visit_date=day, called_at__isnull=False, status__in=CALLED_STATUSES
        )
        .order_by("-called_at", "-pk")
        .first()
    )


def queue_status(service_request: ServiceRequest, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Where a request stands in today's queue, as the tracking page and the API show it:
    {"now_serving", "ahead", "estimated_time" (local time), "called", "pace_minutes"}."""
    now_local = timezone.localtime(now or timezone.now())
    request, today = service_request, now_local.date()
    status: dict[str, Any] = {
        "now_serving": None,
        "ahead": None,
        "estimated_time": request.estimated_time,
        "called": False,
    }
    status["pace_minutes"] = None
    if request.visit_date != today:
        return status
    serving = queue_now_serving(request.service, day=today)
    status["now_serving"] = serving.queue_number if serving else None
    if request.status not in WAITING_STATUSES:
        return status
    if request.called_at is not None:
        status.update(called=True, ahead=0, estimated_time=timezone.localtime(request.called_at).time())
        return status
    ahead = queue_ahead(request, day=today)
    pace = queue_pace_minutes(request.service, day=today)
    start = now_local
    sessions = ServiceSchedule.objects.filter(service=request.service, weekday=today.weekday())
    first = min((s.starts_at for s in sessions), default=None)
    if first is not None and now_local.time() < first:
        start = now_local.replace(hour=first.hour, minute=first.minute, second=0, microsecond=0)
    estimate = start + datetime.timedelta(minutes=pace * ahead)
    status.update(
        ahead=ahead,
        pace_minutes=round(pace, 1),
        estimated_time=estimate.time().replace(second=0, microsecond=0) if estimate.date() == today else None,
    )
    return status


def queue_board(hospital: Hospital, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The public "now serving" display of one hospital: per active service, the number called last,
    the desk, the numbers called before it and how many wait. Plain data for the JSON endpoint.
    Three queries whatever the number of services or patients: the services, the last four calls of
    each (a window), the waiting count of each (GROUP BY)."""
    now_local = timezone.localtime(now or timezone.now())
    today = now_local.date()
    services = list(
        Service.objects.filter(hospital=hospital, is_active=True).order_by("kind", "name").values("pk", "name")
    )
    ids = [s["pk"] for s in services]
    called: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    waiting: dict[int, int] = {}
    if ids:
        recent = (
            ServiceRequest.objects.filter(
                service_id__in=ids, visit_date=today, called_at__isnull=False, status__in=CALLED_STATUSES
            )
            .annotate(
                turn=Window(
                    RowNumber(), partition_by=[F("service_id")], order_by=[F("called_at").desc(), F("pk").desc()]
                )
            )
            .filter(turn__lte=4)
            .order_by("service_id", "turn")
            .values("service_id", "queue_number", "desk")
        )
        for row in recent:
            called[row["service_id"]].append(row)
        waiting = dict(
            ServiceRequest.objects.filter(
                service_id__in=ids, visit_date=today, status__in=WAITING_STATUSES, called_at__isnull=True
            )
            .order_by()
            .values("service_id")
            .annotate(n=Count("pk"))
            .values_list("service_id", "n")
        )
    rows = [
        {
            "id": s["pk"],
            "name": s["name"],
            "now_serving": called[s["pk"]][0]["queue_number"] if called[s["pk"]] else None,
            "desk": called[s["pk"]][0]["desk"] if called[s["pk"]] else "",
            "recent": [c["queue_number"] for c in called[s["pk"]][1:]],
            "waiting": waiting.get(s["pk"], 0),
        }
        for s in services
    ]
    return {"hospital": hospital.name, "updated_at": now_local.isoformat(), "services": rows}


def queue_current(service: Service, *, day: datetime.date) -> QuerySet[ServiceRequest]:
    """The requests a desk is handling now: called (not yet started) or being served, newest call first."""
    return (
        ServiceRequest.objects.filter(service=service, visit_date=day, called_at__isnull=False)
        .filter(status__in=(ServiceRequest.Status.DITERIMA, ServiceRequest.Status.DILAYANI))
        .order_by("-called_at")
    )


def services_for_staff(user: User) -> QuerySet[Service]:
    """The services whose queue a user may run (their hospitals' services, `scoped_for_user`)."""
    return (
        scoped_for_user(Service.objects.filter(is_active=True), user)
        .select_related("hospital")
        .order_by("hospital__name", "kind", "name")
    )


def hospital_public_queryset(slug: str) -> QuerySet[Hospital]:
    return Hospital.objects.filter(is_active=True, slug=slug)


# --- "Kabari saya" (bed alerts) ------------------------------------------------------------
# Who is told when a hospital's free beds of a class go from 0 to more: the active alerts of
# that class (or of any class) whose area holds the hospital. When they are told (0 -> more,
# debounced) is `services.bed_alerts_notify`.
ALERT_CLASSES = ["ICU", "HCU", "NICU", "PICU"]  # offered first on the form


def bed_alerts_active(*, now: datetime.datetime | None = None) -> QuerySet[BedAlert]:
    return BedAlert.objects.filter(cancelled_at__isnull=True, expires_at__gt=now or timezone.now())


def km_between(a: Point, b: Point) -> float:
    """Great-circle distance in km between two points (SRID 4326)."""
    import math

    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    dlat, dlon = lat2 - lat1, math.radians(b.x - a.x)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def bed_alert_covers(alert: BedAlert, hospital: Hospital, *, kecamatan_ids: Iterable[int] = ()) -> bool:
    """Whether the alert's area holds the hospital: within the circle, or in one of its kecamatan."""
    if alert.center is not None:
        return hospital.location is not None and km_between(alert.center, hospital.location) <= (alert.radius_km or 0)
    return hospital.kecamatan_id in set(kecamatan_ids)


def bed_alerts_matching(
    *, hospital: Hospital, codes: Iterable[str], now: datetime.datetime | None = None
) -> list[BedAlert]:
    """Active alerts for one of `codes` (BedAlert.ANY_CLASS for "any class") whose area holds the
    hospital, oldest first. Circles are measured here (few active alerts); kecamatan in SQL."""
    codes = list(codes)
    if not codes:
        return []
    candidates = (
        bed_alerts_active(now=now)
        .filter(bed_class__in=codes)
        .filter(Q(center__isnull=False) | Q(kecamatans=hospital.kecamatan_id))
        .distinct()
        .select_related("contact")
        .order_by("pk")
    )
    kecamatan = [hospital.kecamatan_id]
    return [alert for alert in candidates if bed_alert_covers(alert, hospital, kecamatan_ids=kecamatan)]


def bed_alert_by_token(token: str) -> BedAlert | None:
    token = str(token or "")
    if not token or len(token) > 43:
        return None
    return BedAlert.objects.filter(token=token).select_related("contact").prefetch_related("kecamatans").first()


def bed_alerts_for_user(user: User, *, now: datetime.datetime | None = None) -> list[BedAlert]:
    """A signed-in citizen's active alerts (their contact's), newest first."""
    if not user.is_authenticated:
        return []
    return list(
        bed_alerts_active(now=now)
        .filter(contact__user=user)
        .prefetch_related("kecamatans")
        .order_by("-created_at")[:20]
    )


def bed_alert_class_choices() -> list[tuple[str, str]]:
    """The form's classes: any class, then ICU/HCU/NICU/PICU, then the others."""
    others = [code for code in CANONICAL_CLASSES if code not in ALERT_CLASSES]
    return [
        (BedAlert.ANY_CLASS, _("Semua kelas")),
        *[(code, str(CLASS_LABELS[code])) for code in [*ALERT_CLASSES, *others]],
    ]


def free_beds_by_class(beds: Iterable[BedClass]) -> dict[str, int]:
    """{class code: free beds} of a hospital's classes, with the total under BedAlert.ANY_CLASS."""
    free: dict[str, int] = {BedAlert.ANY_CLASS: 0}
    for bed in beds:
        free[bed.code] = free.get(bed.code, 0) + bed.available
        free[BedAlert.ANY_CLASS] += bed.available
    return free


# --- Hospitals on the built-in base map (static/js/leaflet-maps.js) -----------------------------

HOSPITALS_MAP_CACHE_KEY = "ehealth:hospitals-map:v1"
HOSPITALS_MAP_SECONDS = 600


def hospitals_map_geojson() -> str:
    """Every public hospital with a location as GeoJSON points {name, url} (cached ten minutes)."""
    from django.urls import reverse

    def build() -> str:
        rows = Hospital.objects.filter(is_active=True, location__isnull=False).only("name", "slug", "location")
        features = [
            {
                "type": "Feature",
                "properties": {"name": h.name, "url": reverse("ehealth:hospital_detail", args=[h.slug])},
                "geometry": {"type": "Point", "coordinates": [round(point.x, 5), round(point.y, 5)]},
            }
            for h in rows.order_by("name")
            if (point := h.location) is not None
        ]
        return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))

    return str(cache.get_or_set(HOSPITALS_MAP_CACHE_KEY, build, HOSPITALS_MAP_SECONDS))
