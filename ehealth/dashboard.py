"""E-Health's contribution to the home page and the Diskominfo dashboard (as admin.py is to the admin).

* reads: `home_summary()` and the dashboard's aggregates (every query the dashboard makes of E-Health);
* `collect()`: those rows reshaped into stored metrics and snapshots (`summaries_refresh`, every 5 min);
* `build(ctx)`: the "E-Health" tab's cards and figures from the stored rows;
* the metric and snapshot names, defined once here and imported wherever they are read.
"""

import datetime
from operator import itemgetter
from typing import Any

from django.db.models import Aggregate, Case, Count, DateField, DurationField, F, Q, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from blitar_portal.dashboard.figures import Figure, record_figure
from blitar_portal.dashboard.sections import (
    NOT_PER_KECAMATAN,
    Card,
    Context,
    Section,
    admin_list,
    label_of,
    per_bucket,
    snapshot,
    snapshot_time,
)
from blitar_portal.lib.dates import local_midnight
from blitar_portal.lib.l10n import PeriodLabel

from .feeds import CLASS_LABELS
from .models import Hospital, ServiceRequest, SyncRun
from .selectors import REPORTING_DAYS, bed_states_by_day, board, reporting_scores

# --- Metric and snapshot names (stored rows are prefixed with the app label) --------------------

REQUESTS = "ehealth.requests"  # per day, kecamatan and current status
REQUESTS_HOSPITAL = "ehealth.requests_hospital"  # per day, kecamatan and hospital name
OUTCOME = "ehealth.outcome"  # cancelled, rejected, no-show per day the status was set
MEDIAN_TO_ACCEPTED = "ehealth.median_to_accepted"  # per month, regency-wide
MEDIAN_TO_COMPLETED = "ehealth.median_to_completed"
BED_CAPACITY = "ehealth.bed_capacity"  # bed-days per day (recent days only)
BED_OCCUPIED = "ehealth.bed_occupied"
BED_CAPACITY_MONTH = "ehealth.bed_capacity_month"  # bed-days summed per month
BED_OCCUPIED_MONTH = "ehealth.bed_occupied_month"
SUMMARY = "ehealth.summary"  # snapshot: home_summary()
HOSPITALS = "ehealth.hospitals"  # snapshot: hospital_status()

METRICS = [
    BED_CAPACITY,
    BED_OCCUPIED,
    BED_CAPACITY_MONTH,
    BED_OCCUPIED_MONTH,
    REQUESTS,
    REQUESTS_HOSPITAL,
    OUTCOME,
    MEDIAN_TO_ACCEPTED,
    MEDIAN_TO_COMPLETED,
]
SNAPSHOTS = [SUMMARY, HOSPITALS]

BOR_DAYS = 400  # bed-days summed per month this far back…
BOR_DAILY_DAYS = 183  # …and kept per day for the daily and weekly views (the longest weekly period)


# --- Reads -----------------------------------------------------------------------------------


def home_summary() -> dict[str, int]:
    """Home page figures: hospitals on the board, those reporting on time, beds available now."""
    rows = board()
    fresh = [r for r in rows if not r["stale"]]
    return {
        "hospitals_total": len(rows),
        "hospitals_reporting": len(fresh),
        "beds_available": sum(r["available_total"] for r in fresh),
    }


def sync_success(*, days: int = 7, now: datetime.datetime | None = None) -> list:
    """Per hospital with a feed: runs, successes and success rate (%) over the last `days` days."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    rows = (
        SyncRun.objects.filter(started_at__gte=since)
        .exclude(status__in=[SyncRun.Status.RUNNING, SyncRun.Status.SKIPPED])
        .values("hospital__slug", "hospital__name")
        .annotate(runs=Count("id"), ok=Count("id", filter=Q(status=SyncRun.Status.OK)))
        .order_by("hospital__name")
    )
    return [
        {
            "slug": r["hospital__slug"],
            "name": r["hospital__name"],
            "runs": r["runs"],
            "ok": r["ok"],
            "success_percent": round(100 * r["ok"] / r["runs"], 1) if r["runs"] else None,
        }
        for r in rows
    ]


def hospital_status(*, days: int = 7, now: datetime.datetime | None = None) -> list:
    """One row per active hospital for the Diskominfo dashboard: on time or stale, sync success, last error.

    Keys: slug, name, kecamatan (Kemendagri code), has_feed, on_time, runs, ok, success_percent,
    last_sync_at, last_error (empty unless the last sync failed), failing_since, reporting_score
    (% of the last 30 days with fresh numbers, the hospital page's figure). 4 queries.
    """
    now = now or timezone.now()
    success = {row["slug"]: row for row in sync_success(days=days, now=now)}
    hospitals = list(Hospital.objects.filter(is_active=True).select_related("kecamatan").order_by("name"))
    scores = reporting_scores(hospital_ids=[h.pk for h in hospitals], now=now)
    rows = []
    for h in hospitals:
        runs = success.get(h.slug, {})
        rows.append(
            {
                "slug": h.slug,
                "name": h.name,
                "kecamatan": h.kecamatan.code,
                "has_feed": h.has_feed,
                "on_time": not h.is_stale(now),
                "runs": runs.get("runs", 0),
                "ok": runs.get("ok", 0),
                "success_percent": runs.get("success_percent"),
                "last_sync_at": h.last_sync_at,
                "last_error": h.last_sync_message if h.last_sync_status == Hospital.SyncStatus.ERROR else "",
                "failing_since": h.feed_failing_since,
                "reporting_score": scores.get(h.pk, 0),
            }
        )
    return rows


class _MedianDuration(Aggregate):
    """PostgreSQL percentile_cont(0.5) over an interval; rows where it is null are ignored."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def requests_per_day_by_area(*, since: datetime.date) -> dict[str, list]:
    """Requests created per local day since `since`, split by hospital kecamatan and current status,
    and by kecamatan and hospital: {"by_status": [{day, kecamatan_id, status, n}],
    "by_hospital": [{day, kecamatan_id, hospital, n}]}. Two queries."""
    base = ServiceRequest.objects.filter(created_at__gte=local_midnight(since)).annotate(day=TruncDate("created_at"))
    by_status = base.values("day", "hospital__kecamatan_id", "status").annotate(n=Count("id"))
    by_hospital = base.values("day", "hospital__kecamatan_id", "hospital__name").annotate(n=Count("id"))
    return {
        "by_status": [
            {"day": r["day"], "kecamatan_id": r["hospital__kecamatan_id"], "status": r["status"], "n": r["n"]}
            for r in by_status
        ],
        "by_hospital": [
            {"day": r["day"], "kecamatan_id": r["hospital__kecamatan_id"], "hospital": r["hospital__name"], "n": r["n"]}
            for r in by_hospital
        ],
    }


OUTCOME_STATUSES = (
    ServiceRequest.Status.DIBATALKAN,
    ServiceRequest.Status.DITOLAK,
    ServiceRequest.Status.TIDAK_HADIR,
)


def outcomes_per_day(*, since: datetime.date) -> list:
    """Cancellations, rejections and no-shows per local day the status was set, from the statuses
    themselves (status + its time field): [{day, kecamatan_id, status, n}]. One query."""
    fields = ServiceRequest.STATUS_TIME_FIELDS
    start = local_midnight(since)
    condition = Q()
    for status in OUTCOME_STATUSES:
        condition |= Q(status=status, **{f"{fields[status]}__gte": start})
    day = Case(*[When(status=s, then=TruncDate(fields[s])) for s in OUTCOME_STATUSES], output_field=DateField())
    rows = (
        ServiceRequest.objects.filter(condition)
        .annotate(day=day)
        .values("day", "hospital__kecamatan_id", "status")
        .annotate(n=Count("id"))
    )
    return [
        {"day": r["day"], "kecamatan_id": r["hospital__kecamatan_id"], "status": r["status"], "n": r["n"]} for r in rows
    ]


def median_hours(*, since: datetime.date) -> list:
    """Exact median hours from request to "diterima" and to "selesai", per month the request was made,
    regency-wide: [{"month": date, "to_accepted": hours|None, "to_completed": hours|None}].

    Measured on every request that reached the step (accepted_at / completed_at set), whatever
    its status now; requests from before those times were recorded have them null and are left out.
    One query.
    """
    start = local_midnight(since.replace(day=1))
    rows = (
        ServiceRequest.objects.filter(created_at__gte=start)
        .filter(Q(accepted_at__isnull=False) | Q(completed_at__isnull=False))
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            to_accepted=_MedianDuration(F("accepted_at") - F("created_at")),
            to_completed=_MedianDuration(F("completed_at") - F("created_at")),
        )
        .order_by("month")
    )

    def hours(value: Any) -> Any:
        return round(value.total_seconds() / 3600, 2) if value is not None else None

    return [
        {
            "month": timezone.localdate(r["month"]),
            "to_accepted": hours(r["to_accepted"]),
            "to_completed": hours(r["to_completed"]),
        }
        for r in rows
    ]


def bed_days(*, days: int = 30, now: datetime.datetime | None = None) -> list:
    """Beds in service and occupied per class and kecamatan at the end of each of the last `days` days.

    From the bed history (`selectors.bed_states_by_day`).
    Returns [(date, kecamatan_id, code, capacity, occupied)] for classes with beds in service; BOR over
    any set of days and areas is sum(occupied) / sum(capacity) (occupied bed-days / bed-days). 3 queries.
    """
    area = dict(Hospital.objects.values_list("id", "kecamatan_id"))
    result = []
    for day, state in bed_states_by_day(days=days, now=now):
        totals: dict[tuple[Any, str], tuple[int, int]] = {}
        for (hospital_id, code, _room), (capacity, available) in state.items():
            key = (area.get(hospital_id), code)
            cap, occ = totals.get(key, (0, 0))
            totals[key] = (cap + capacity, occ + capacity - available)
        result += [(day, k, code, cap, occ) for (k, code), (cap, occ) in totals.items() if cap]
    return result


# --- Stored summaries ------------------------------------------------------------------------


def collect(*, since: datetime.date, now: datetime.datetime) -> tuple:
    """(metric rows, snapshots) for `summaries_refresh`.

    Rows are (date, metric, kecamatan_id|None, dimension, value); snapshots {key: JSON-able data}.
    """
    snapshots = {SUMMARY: home_summary(), HOSPITALS: hospital_status(days=7, now=now)}
    rows = _bed_rows(bed_days(days=min(BOR_DAYS, (now.date() - since).days + 1), now=now), now=now)
    per_day = requests_per_day_by_area(since=since)
    rows += [(r["day"], REQUESTS, r["kecamatan_id"], r["status"], r["n"]) for r in per_day["by_status"]]
    rows += [(r["day"], REQUESTS_HOSPITAL, r["kecamatan_id"], r["hospital"], r["n"]) for r in per_day["by_hospital"]]
    rows += [(r["day"], OUTCOME, r["kecamatan_id"], r["status"], r["n"]) for r in outcomes_per_day(since=since)]
    medians = {"to_accepted": MEDIAN_TO_ACCEPTED, "to_completed": MEDIAN_TO_COMPLETED}
    for r in median_hours(since=since):
        rows += [(r["month"], metric, None, "", r[key]) for key, metric in medians.items() if r[key] is not None]
    return rows, snapshots


def _bed_rows(points: Any, *, now: datetime.datetime) -> list:
    """Bed-days per day (recent days) and summed per month (all days): sums of bed-days stay exact BOR."""
    rows: list[tuple[Any, ...]] = []
    months: dict[tuple[Any, ...], tuple[int, int]] = {}
    first_daily = now.date() - datetime.timedelta(days=BOR_DAILY_DAYS - 1)
    for day, kecamatan_id, code, capacity, occupied in points:
        if day >= first_daily:
            rows.append((day, BED_CAPACITY, kecamatan_id, code, capacity))
            rows.append((day, BED_OCCUPIED, kecamatan_id, code, occupied))
        key = (day.replace(day=1), kecamatan_id, code)
        cap, occ = months.get(key, (0, 0))
        months[key] = (cap + capacity, occ + occupied)
    for (month, kecamatan_id, code), (capacity, occupied) in months.items():
        rows.append((month, BED_CAPACITY_MONTH, kecamatan_id, code, capacity))
        rows.append((month, BED_OCCUPIED_MONTH, kecamatan_id, code, occupied))
    return rows


# --- The "E-Health" tab ----------------------------------------------------------------------

STATUSES = ["diajukan", "diterima", "dilayani", "selesai", "ditolak", "dibatalkan", "tidak_hadir"]


def _status_label(code: str) -> str:
    return str(dict(ServiceRequest.Status.choices).get(code, code))


def _class_label(code: str) -> str:
    return str(CLASS_LABELS.get(code, code))


def _hospitals(ctx: Context) -> Any:
    hospitals = snapshot(ctx, HOSPITALS, []) or []
    if ctx.filters.kecamatan is not None:
        hospitals = [h for h in hospitals if h["kecamatan"] == ctx.filters.kecamatan.code]
    return hospitals


def build(ctx: Context) -> Section:
    m, f = ctx.metrics, ctx.filters
    hospitals = _hospitals(ctx)
    at = snapshot_time(ctx, HOSPITALS)
    on_time = sum(1 for h in hospitals if h["on_time"])
    summary = snapshot(ctx, SUMMARY, {}) or {}
    requests_list = admin_list("ehealth", "servicerequest", fallback="/kesehatan/")
    cards = [
        Card(
            _("RS melapor tepat waktu"),
            on_time,
            detail=_("dari %(n)s rumah sakit") % {"n": len(hospitals)},
            link=admin_list("ehealth", "hospital", fallback="/kesehatan/"),
            computed_at=at,
        ),
        Card(
            _("Tempat tidur tersedia sekarang"),
            summary.get("beds_available", 0),
            link="/kesehatan/",
            detail=NOT_PER_KECAMATAN if f.kecamatan else "",
            computed_at=snapshot_time(ctx, SUMMARY),
        ),
        Card(
            _("Permohonan layanan dalam periode"),
            m.total(REQUESTS),
            previous=m.total(REQUESTS, previous=True),
            link=requests_list,
            computed_at=ctx.freshness["computed_at"],
        ),
    ]
    figures = [
        _reporting(hospitals, at),
        _sync(hospitals, at),
        _bor(ctx),
        _requests(ctx, requests_list),
        _per_hospital(ctx, requests_list),
        _outcomes(ctx, requests_list),
        _medians(ctx, requests_list),
    ]
    return Section(slug="kesehatan", title=_("E-Health"), cards=cards, figures=figures)


def _reporting(hospitals: list[dict[str, Any]], at: datetime.datetime) -> Figure:
    on_time = sum(1 for h in hospitals if h["on_time"])
    return Figure(
        key="pelaporan",
        title=_("Rumah sakit melapor tepat waktu vs usang"),
        columns=[_("Status"), _("Rumah sakit")],
        rows=[[_("Tepat waktu"), on_time], [_("Usang"), len(hospitals) - on_time]] if hospitals else [],
        chart="bar",
        computed_at=at,
        link="/kesehatan/",
        link_label=_("Papan ketersediaan kamar"),
    )


def _sync(hospitals: list[dict[str, Any]], at: datetime.datetime) -> Figure:
    return record_figure(
        key="sinkronisasi",
        title=_("Keberhasilan sinkronisasi per rumah sakit (7 hari)"),
        fields=[
            (_("Rumah sakit"), itemgetter("name")),
            (_("Status data"), lambda h: _("Tepat waktu") if h["on_time"] else _("Usang")),
            (_("Sinkronisasi"), itemgetter("runs")),
            (_("Berhasil"), itemgetter("ok")),
            (_("Berhasil (%)"), itemgetter("success_percent")),
            (_("Skor pelaporan %(days)s hari (%%)") % {"days": REPORTING_DAYS}, lambda h: h.get("reporting_score")),
            (_("Galat terakhir"), itemgetter("last_error")),
        ],
        records=hospitals,
        chart="bar",
        series_columns=[4],
        computed_at=at,
        link=admin_list("ehealth", "syncrun", fallback="/kesehatan/"),
        link_label=_("Log sinkronisasi"),
    )


def _bor(ctx: Context) -> Figure:
    """BOR per class and bucket = occupied bed-days / bed-days (a week's BOR weighs each day's beds)."""
    m, f = ctx.metrics, ctx.filters
    # A month's bed-days are stored summed (daily rows: recent days only).
    capacity, occupied = (BED_CAPACITY_MONTH, BED_OCCUPIED_MONTH) if f.monthly else (BED_CAPACITY, BED_OCCUPIED)
    codes = sorted(m.dimensions(capacity), key=_class_label)
    columns = [per_bucket(f, _("Tanggal"), _("Minggu"), _("Bulan"), _("Tahun"))] + [_class_label(c) for c in codes]
    per_code = [m.ratio_series(occupied, capacity, dimension=c, monthly_metric=f.monthly) for c in codes]
    rows = (
        [[label_of(f, b)] + [series[i][1] for series in per_code] for i, b in enumerate(f.buckets())] if codes else []
    )
    return Figure(
        key="bor",
        title=per_bucket(
            f,
            _("Tingkat hunian tempat tidur (BOR, %) per kelas per hari"),
            _("Tingkat hunian tempat tidur (BOR, %) per kelas per minggu"),
            _("Tingkat hunian tempat tidur (BOR, %) per kelas per bulan"),
            _("Tingkat hunian tempat tidur (BOR, %) per kelas per tahun"),
        ),
        columns=columns,
        rows=rows,
        chart="line",
        computed_at=ctx.freshness["computed_at"],
        note=_(
            "Dari riwayat jumlah tempat tidur: tempat tidur terisi dibagi kapasitas pada akhir tiap hari; "
            "per minggu/bulan = hari-tempat tidur terisi dibagi hari-tempat tidur tersedia. Per hari dan per minggu "
            "untuk 183 hari terakhir, per bulan (bulan penuh) untuk 400 hari terakhir."
        ),
        link=admin_list("ehealth", "bedcountchange", fallback="/kesehatan/"),
        link_label=_("Riwayat jumlah tempat tidur"),
    )


def _requests(ctx: Context, link: str) -> Figure:
    m, f = ctx.metrics, ctx.filters
    per_status = {s: m.series(REQUESTS, dimension=s) for s in STATUSES}
    rows = [[label_of(f, b)] + [per_status[s][i][1] for s in STATUSES] for i, b in enumerate(f.buckets())]
    return Figure(
        key="permohonan",
        title=_("Permohonan layanan menurut status"),
        columns=[_("Tanggal")] + [_status_label(s) for s in STATUSES],
        rows=rows,
        chart="stacked",
        computed_at=ctx.freshness["computed_at"],
        link=link,
        link_label=_("Daftar permohonan layanan"),
    )


def _per_hospital(ctx: Context, link: str) -> Figure:
    totals = ctx.metrics.by_dimension(REQUESTS_HOSPITAL)
    rows = sorted(([name, n] for name, n in totals.items() if n), key=lambda r: (-r[1], r[0]))
    return Figure(
        key="permohonan-rs",
        title=_("Permohonan layanan per rumah sakit dalam periode"),
        columns=[_("Rumah sakit"), _("Permohonan")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=link,
        link_label=_("Daftar permohonan layanan"),
    )


def _outcomes(ctx: Context, link: str) -> Figure:
    m, f = ctx.metrics, ctx.filters
    statuses = ["dibatalkan", "ditolak", "tidak_hadir"]
    series = [m.series(OUTCOME, dimension=s) for s in statuses]
    rows = [[label_of(f, b)] + [s[i][1] for s in series] for i, b in enumerate(f.buckets())]
    return Figure(
        key="batal",
        title=_("Pembatalan, penolakan, dan tidak hadir"),
        columns=[_("Tanggal")] + [_status_label(s) for s in statuses],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=link.split("?")[0] + "?status__in=" + ",".join(statuses),
        link_label=_("Daftar permohonan layanan"),
        note=_("Menurut tanggal status ditetapkan (dibatalkan, ditolak, atau ditandai tidak hadir)."),
    )


def _medians(ctx: Context, link: str) -> Figure:
    m = ctx.metrics
    to_accept = m.monthly(MEDIAN_TO_ACCEPTED)
    to_done = m.monthly(MEDIAN_TO_COMPLETED)
    rows = [[PeriodLabel(month, "month"), a, d] for (month, a), (_mo, d) in zip(to_accept, to_done, strict=True)]
    return Figure(
        key="median",
        title=_("Median waktu dari permohonan (jam)"),
        columns=[_("Bulan"), _("Sampai diterima"), _("Sampai selesai")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=link,
        link_label=_("Daftar permohonan layanan"),
        note=_(
            "Median tepat per bulan permohonan dibuat, seluruh kabupaten, dari waktu tiap status. "
            "Permohonan lama yang waktu langkahnya tidak tercatat tidak dihitung."
        ),
    )
