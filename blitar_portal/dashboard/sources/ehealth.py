"""E-Health aggregates for the dashboard (see sources/__init__.py)."""

import datetime

from django.db.models import Count, F
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from . import MedianDuration, selector

BOR_DAYS = 400


def collect(*, since, now):
    from ehealth.models import ServiceRequest

    rows, snapshots = [], {}
    home_summary = selector("ehealth", "home_summary")
    if home_summary:
        snapshots["ehealth.summary"] = home_summary()
    snapshots["ehealth.hospitals"] = hospital_rows(now=now)
    bor = selector("ehealth", "dashboard_bor_per_class")
    if bor:
        days = min(BOR_DAYS, (now.date() - since).days + 1)
        for code, points in bor(days=days, now=now).items():
            rows += [(day, "ehealth.bor", None, code, value) for day, value in points]
    rows += requests_per_day(ServiceRequest, since=since)
    rows += no_shows_per_day(ServiceRequest, since=since, today=now.date())
    rows += median_hours_per_month(ServiceRequest, since=since)
    return rows, snapshots


def hospital_rows(*, now):
    """Per hospital: on time or stale (app selector), sync success (app selector), last error.

    The last error and kecamatan come from the Hospital rows directly:
    CANDIDATE for ehealth/selectors.py (a `dashboard_hospital_status()`).
    """
    from ehealth.models import Hospital

    reporting = selector("ehealth", "dashboard_reporting")
    on_time = set(reporting(now=now)["on_time"]) if reporting else set()
    success = selector("ehealth", "dashboard_sync_success")
    sync = {r["slug"]: r for r in success(days=7, now=now)} if success else {}
    result = []
    hospitals = Hospital.objects.filter(is_active=True).order_by("name")
    for h in hospitals.values("slug", "name", "kecamatan__code", "last_sync_status", "last_sync_message", "feed_url"):
        runs = sync.get(h["slug"], {})
        result.append(
            {
                "slug": h["slug"],
                "name": h["name"],
                "kecamatan": h["kecamatan__code"],
                "on_time": h["name"] in on_time,
                "has_feed": bool(h["feed_url"]),
                "runs": runs.get("runs", 0),
                "ok": runs.get("ok", 0),
                "success_percent": runs.get("success_percent"),
                "last_error": h["last_sync_message"] if h["last_sync_status"] == "error" else "",
            }
        )
    return result


def requests_per_day(model, *, since):
    """Requests created per day by status and by hospital, per kecamatan of the hospital.

    CANDIDATE for ehealth/selectors.py: `dashboard_requests_per_day` has no kecamatan/hospital split.
    """
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    base = model.objects.filter(created_at__gte=start).annotate(day=TruncDate("created_at"))
    rows = [
        (r["day"], "ehealth.requests", r["hospital__kecamatan_id"], r["status"], r["n"])
        for r in base.values("day", "hospital__kecamatan_id", "status").annotate(n=Count("id"))
    ]
    rows += [
        (r["day"], "ehealth.requests_hospital", r["hospital__kecamatan_id"], r["hospital__name"], r["n"])
        for r in base.values("day", "hospital__kecamatan_id", "hospital__name").annotate(n=Count("id"))
    ]
    return rows


def no_shows_per_day(model, *, since, today):
    """Per visit day: requests still 'diajukan'/'diterima' after the visit day passed (no-show).

    CANDIDATE for ehealth/selectors.py.
    """
    qs = (
        model.objects.filter(visit_date__gte=since, visit_date__lt=today, status__in=["diajukan", "diterima"])
        .values("visit_date", "hospital__kecamatan_id")
        .annotate(n=Count("id"))
    )
    return [(r["visit_date"], "ehealth.no_show", r["hospital__kecamatan_id"], "", r["n"]) for r in qs]


def median_hours_per_month(model, *, since):
    """Median hours from request to its current status 'diterima' / 'selesai', per month created.

    The app keeps only the time of the latest status change (status_changed_at), so
    "to diterima" is measured on requests whose status is still 'diterima'.
    CANDIDATE for ehealth/selectors.py (better with a status history in the app).
    """
    start = timezone.make_aware(datetime.datetime.combine(since.replace(day=1), datetime.time.min))
    qs = (
        model.objects.filter(created_at__gte=start, status__in=["diterima", "selesai"])
        .annotate(month=TruncMonth("created_at"))
        .values("month", "status")
        .annotate(median=MedianDuration(F("status_changed_at") - F("created_at")))
    )
    return [
        (
            timezone.localdate(r["month"]),
            f"ehealth.median_{r['status']}",
            None,
            "",
            round(r["median"].total_seconds() / 3600, 2),
        )
        for r in qs
        if r["median"] is not None
    ]
