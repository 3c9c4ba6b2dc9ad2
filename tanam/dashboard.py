"""Gerakan Bangga Menanam's contribution to the home page and the Diskominfo dashboard (as admin.py is to the admin).

* reads: `home_summary()` and the dashboard's aggregates of verified plantings (`selectors.plantings_public`);
* `collect()`: those rows reshaped into stored metrics and snapshots (`summaries_refresh`, every 5 min);
* `build(ctx)`: the "Bangga Menanam" tab's cards and figures from the stored rows;
* the metric and snapshot names, defined once here and imported wherever they are read.
"""

import datetime
from datetime import timedelta
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from blitar_portal.dashboard.figures import Figure
from blitar_portal.dashboard.sections import (
    Card,
    Context,
    Section,
    admin_list,
    label_of,
    map_rows,
    per_bucket,
    selected_code,
    snapshot,
    snapshot_time,
)
from blitar_portal.regions.models import Kecamatan

from . import clusters
from .models import CoverStat, Planting
from .selectors import (
    cell_totals,
    check_overdue_q,
    cover_years_available,
    plantings_public,
    survival_summary,
)

# --- Metric and snapshot names (stored rows are prefixed with the app label) --------------------

TREES = "tanam.trees"  # verified trees per planting day and kecamatan
PLANTINGS = "tanam.plantings"  # verified plantings per planting day and kecamatan
SPECIES = "tanam.species"  # verified trees per planting month, kecamatan and species
COMMUNITY = "tanam.community"  # … and community
SUMMARY = "tanam.summary"  # snapshot: home_summary()
CANOPY = "tanam.canopy"  # snapshot: canopy per kecamatan, last two years
SURVIVAL = "tanam.survival"  # snapshot: survival rate, regency-wide
SURVIVAL_YEARS = "tanam.survival_years"  # snapshot: monitored and alive per planting year and kecamatan
BACKLOG_KECAMATAN = "tanam.backlog_kecamatan"  # snapshot: pending plantings per kecamatan and their age
RECHECKS_OVERDUE = "tanam.rechecks_overdue"  # snapshot: overdue re-checks per kecamatan and community

# The programme began in 2016 (its sarasehan in March, `demo.START`): the dashboard reaches back to
# the start of that year, yearly and monthly (`blitar_portal.dashboard.services.HISTORY_START`).
STARTED = datetime.date(2016, 1, 1)
METRICS = [TREES, PLANTINGS, SPECIES, COMMUNITY]
SNAPSHOTS = [SUMMARY, CANOPY, SURVIVAL, SURVIVAL_YEARS, BACKLOG_KECAMATAN, RECHECKS_OVERDUE]
PER_MONTH = {"species": SPECIES, "community": COMMUNITY}


# --- Reads -----------------------------------------------------------------------------------


def home_summary() -> dict[str, Any]:
    """Verified trees and plantings (from the map cells, current within seconds) and this year's canopy."""
    plantings, trees = cell_totals(clusters.DIM_ALL).get(0, (0, 0))
    current = CoverStat.objects.filter(level="regency", year=timezone.localdate().year).first()
    return {
        "trees_planted": trees,
        "plantings_verified": plantings,
        "canopy_percent": round(current.canopy_percent, 2) if current else None,
    }


def survival() -> float | None:
    """Survival rate (%) of the verified plantings, regency-wide (the rule of `selectors.survival_summary`)."""
    return survival_summary(plantings_public())


def canopy_per_kecamatan() -> list[dict[str, Any]]:
    """[{kecamatan, year → percent, change vs previous year}] for the last two stored years."""
    years = cover_years_available()[-2:]
    rows: dict[str, dict[Any, Any]] = {}
    for stat in CoverStat.objects.filter(level="kecamatan", year__in=years).select_related("kecamatan"):
        row = rows.setdefault(stat.kecamatan.name, {"kecamatan": stat.kecamatan.name})  # type: ignore[union-attr]
        row[stat.year] = stat.canopy_percent
    result = []
    for row in rows.values():
        current = row.get(years[-1]) if years else None
        previous = row.get(years[0]) if len(years) == 2 else None
        row["canopy_percent"] = current
        row["change"] = (current - previous) if current is not None and previous is not None else None
        result.append(row)
    return sorted(result, key=lambda r: -(r["canopy_percent"] or 0))


def plantings_per_day(*, since: datetime.date) -> list:
    """Verified plantings and trees per planting day and kecamatan id since `since`:
    [{"day", "kecamatan_id", "plantings", "trees"}]. One query."""
    rows = (
        plantings_public()
        .filter(planted_on__gte=since)
        .values("planted_on", "kecamatan_id")
        .annotate(plantings=Count("id"), trees=Sum("tree_count"))
    )
    return [
        {"day": r["planted_on"], "kecamatan_id": r["kecamatan_id"], "plantings": r["plantings"], "trees": r["trees"]}
        for r in rows
    ]


MONTHLY_LABELS = {"species": "species__local_name", "community": "community__name"}


def trees_per_month(*, since: datetime.date, by: Any) -> list:
    """Verified trees per planting month, kecamatan id and species or community (`by`) since `since`:
    [{"month", "kecamatan_id", "label", "trees"}]. Plantings without a community are left out. One query."""
    field = MONTHLY_LABELS[by]
    qs = plantings_public().filter(planted_on__gte=since)
    if by == "community":
        qs = qs.filter(community__isnull=False)
    rows = (
        qs.annotate(month=TruncMonth("planted_on"))
        .values("month", "kecamatan_id", field)
        .annotate(trees=Sum("tree_count"))
    )
    return [
        {"month": r["month"], "kecamatan_id": r["kecamatan_id"], "label": r[field] or "", "trees": r["trees"]}
        for r in rows
    ]


def backlog_per_kecamatan(*, now: datetime.datetime | None = None) -> dict:
    """Pending plantings per kecamatan id with their age: {kecamatan_id: {"pending", "over_7", "over_30",
    "oldest_age_days"}}. One query."""
    now = now or timezone.now()

    def older(days: int) -> Any:
        return Q(created_at__lt=now - timedelta(days=days))

    rows = (
        Planting.objects.filter(status=Planting.Status.PENDING)
        .values("kecamatan_id")
        .annotate(
            pending=Count("id"),
            over_7=Count("id", filter=older(7)),
            over_30=Count("id", filter=older(30)),
            oldest=Min("created_at"),
        )
    )
    return {
        r["kecamatan_id"]: {
            "pending": r["pending"],
            "over_7": r["over_7"],
            "over_30": r["over_30"],
            "oldest_age_days": (now - r["oldest"]).days if r["oldest"] else None,
        }
        for r in rows
    }


def survival_per_planting_year() -> list:
    """Trees monitored and still alive per planting year and kecamatan id (the rule of `survival_summary`:
    a planting counts once observed; alive while it has no `dead_since`):
    [{"year", "kecamatan_id", "monitored", "survived"}]. One query."""
    monitored = Q(first_observed_on__isnull=False)
    rows = (
        plantings_public()
        .filter(monitored)
        .annotate(year=ExtractYear("planted_on"))
        .values("year", "kecamatan_id")
        .annotate(
            monitored=Sum("tree_count", default=0),
            survived=Sum("tree_count", filter=Q(dead_since__isnull=True), default=0),
        )
        .order_by("year")
    )
    return [
        {"year": r["year"], "kecamatan_id": r["kecamatan_id"], "monitored": r["monitored"], "survived": r["survived"]}
        for r in rows
    ]


def rechecks_overdue(*, today: datetime.date | None = None) -> list:
    """Verified plantings whose re-check is overdue (`selectors.check_overdue_q`), per kecamatan id and
    community id (None: no community): [{"kecamatan_id", "community_id", "community", "plantings", "trees",
    "over_90"}].
    One query."""
    today = today or timezone.localdate()
    rows = (
        plantings_public()
        .filter(check_overdue_q(today))
        .values("kecamatan_id", "community_id", "community__name")
        .annotate(
            plantings=Count("id"),
            trees=Sum("tree_count", default=0),
            over_90=Count("id", filter=Q(next_check_on__lt=today - timedelta(days=90))),
        )
        .order_by("kecamatan_id", "community_id")
    )
    return [
        {
            "kecamatan_id": r["kecamatan_id"],
            "community_id": r["community_id"],
            "community": r["community__name"] or "",
            "plantings": r["plantings"],
            "trees": r["trees"],
            "over_90": r["over_90"],
        }
        for r in rows
    ]


# --- Stored summaries ------------------------------------------------------------------------


def collect(*, since: datetime.date, now: datetime.datetime) -> tuple[list, dict]:
    """(metric rows, snapshots) for `summaries_refresh` (see ehealth.dashboard.collect)."""
    snapshots = {
        SUMMARY: home_summary(),
        CANOPY: _with_codes(canopy_per_kecamatan()),
        SURVIVAL: {"percent": survival()},
        SURVIVAL_YEARS: survival_per_planting_year(),
        BACKLOG_KECAMATAN: {str(k): v for k, v in backlog_per_kecamatan(now=now).items()},
        RECHECKS_OVERDUE: rechecks_overdue(today=timezone.localdate(now)),
    }
    rows = []
    for r in plantings_per_day(since=since):
        rows.append((r["day"], PLANTINGS, r["kecamatan_id"], "", r["plantings"]))
        rows.append((r["day"], TREES, r["kecamatan_id"], "", r["trees"]))
    for by, metric in PER_MONTH.items():
        rows += [
            (r["month"], metric, r["kecamatan_id"], r["label"], r["trees"]) for r in trees_per_month(since=since, by=by)
        ]
    return rows, snapshots


def _with_codes(rows: list[dict[str, Any]]) -> list:
    codes = dict(Kecamatan.objects.values_list("name", "code"))
    return [{**{str(k): v for k, v in r.items()}, "code": codes.get(r["kecamatan"], "")} for r in rows]


# --- The "Bangga Menanam" tab ----------------------------------------------------------------

TOP = 15


def build(ctx: Context) -> Section:
    backlog = _backlog_rows(ctx)
    pending_list = admin_list("tanam", "planting", query="status__exact=pending", fallback="/tanam/")
    figures = [
        _per_period(ctx),
        _species(ctx),
        _kecamatan(ctx),
        Figure(
            key="antrean",
            title=_("Antrean verifikasi per kecamatan dan umurnya"),
            columns=[_("Kecamatan"), _("Menunggu"), _("> 7 hari"), _("> 30 hari"), _("Tertua (hari)")],
            rows=backlog,
            chart="bar",
            series_columns=[1, 2, 3],
            computed_at=snapshot_time(ctx, BACKLOG_KECAMATAN),
            link=pending_list,
            link_label=_("Penanaman menunggu verifikasi"),
        ),
        _survival(ctx),
        *_rechecks(ctx),
        _canopy(ctx),
        _communities(ctx),
    ]
    cards = _cards(ctx, backlog, pending_list)
    return Section(slug="tanam", title=_("Bangga Menanam"), cards=cards, figures=figures)


def _cards(ctx: Context, backlog: Any, pending_list: Any) -> list[Card]:
    m, f = ctx.metrics, ctx.filters
    summary = snapshot(ctx, SUMMARY, {}) or {}
    survival = (snapshot(ctx, SURVIVAL, {}) or {}).get("percent")
    if f.kecamatan is not None:
        monitored, survived = _survival_totals(ctx).get(None, (0, 0))
        survival = round(100 * survived / monitored, 1) if monitored else None
    return [
        Card(
            _("Pohon ditanam dalam periode"),
            m.total(TREES),
            previous=m.total(TREES, previous=True),
            link="/tanam/",
            computed_at=ctx.freshness["computed_at"],
        ),
        Card(
            _("Menunggu verifikasi"),
            sum(r[1] for r in backlog),
            link=pending_list,
            detail=_("%(n)s lebih dari 30 hari") % {"n": sum(r[3] for r in backlog)},
            computed_at=snapshot_time(ctx, BACKLOG_KECAMATAN),
        ),
        Card(
            _("Tingkat hidup"),
            survival,
            suffix="%",
            link=admin_list("tanam", "observation", fallback="/tanam/"),
            detail=_("pohon hidup dari pohon yang pernah dipantau"),
            computed_at=snapshot_time(ctx, SURVIVAL),
        ),
        Card(
            _("Pemeriksaan ulang terlambat"),
            sum(r["plantings"] for r in _rechecks_in_filter(ctx)),
            link=admin_list("tanam", "planting", query="status__exact=verified", fallback="/tanam/"),
            detail=_("titik tanam terverifikasi yang belum diperiksa sesuai jadwal"),
            computed_at=snapshot_time(ctx, RECHECKS_OVERDUE),
        ),
        Card(
            _("Tutupan tajuk kabupaten"),
            summary.get("canopy_percent"),
            suffix="%",
            link="/tanam/tutupan/",
            computed_at=snapshot_time(ctx, SUMMARY),
        ),
    ]


def _backlog_rows(ctx: Context) -> Any:
    data = snapshot(ctx, BACKLOG_KECAMATAN, {}) or {}
    rows = []
    for k in ctx.kecamatan:
        if ctx.filters.kecamatan is not None and k.id != ctx.filters.kecamatan.id:
            continue
        r = data.get(str(k.id))
        if r:
            rows.append([k.name, r["pending"], r["over_7"], r["over_30"], r["oldest_age_days"]])
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _per_period(ctx: Context) -> Figure:
    m, f = ctx.metrics, ctx.filters
    trees, plantings = m.series(TREES), m.series(PLANTINGS)
    rows = [[label_of(f, b), trees[i][1], plantings[i][1]] for i, b in enumerate(f.buckets())]
    return Figure(
        key="penanaman",
        title=per_bucket(
            f,
            _("Penanaman terverifikasi per hari"),
            _("Penanaman terverifikasi per minggu"),
            _("Penanaman terverifikasi per bulan"),
            _("Penanaman terverifikasi per tahun"),
        ),
        columns=[per_bucket(f, _("Tanggal"), _("Minggu"), _("Bulan"), _("Tahun")), _("Pohon"), _("Titik tanam")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link="/tanam/",
        link_label=_("Peta penanaman"),
        note=_("Menurut tanggal tanam."),
    )


def _species(ctx: Context) -> Figure:
    totals = ctx.metrics.by_dimension(SPECIES, monthly_metric=True)
    rows = sorted(([name, n] for name, n in totals.items() if n), key=lambda r: (-r[1], r[0]))[:TOP]
    return Figure(
        key="spesies",
        title=_("Pohon per spesies (15 teratas)"),
        columns=[_("Spesies"), _("Pohon")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("tanam", "species", fallback="/tanam/"),
        link_label=_("Daftar spesies"),
        note=_("Per bulan tanam: bulan yang tersentuh periode dihitung penuh."),
    )


def _kecamatan(ctx: Context) -> Figure:
    rows, codes = map_rows(ctx, ctx.metrics.by_kecamatan(TREES))
    return Figure(
        key="kecamatan",
        title=_("Pohon ditanam per kecamatan dalam periode"),
        columns=[_("Kecamatan"), _("Pohon")],
        rows=rows,
        codes=codes,
        chart="map",
        highlight=selected_code(ctx),
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("tanam", "planting", query="status__exact=verified", fallback="/tanam/"),
        link_label=_("Daftar penanaman"),
    )


def _survival_totals(ctx: Context) -> dict:
    """{planting year: (monitored, survived)} inside the chosen kecamatan, plus None: the sums."""
    kecamatan = ctx.filters.kecamatan
    totals: dict[int | None, tuple[int, int]] = {}
    for r in snapshot(ctx, SURVIVAL_YEARS, []) or []:
        if kecamatan is not None and r["kecamatan_id"] != kecamatan.id:
            continue
        for key in (r["year"], None):
            monitored, survived = totals.get(key, (0, 0))
            totals[key] = (monitored + r["monitored"], survived + r["survived"])
    return totals


def _survival(ctx: Context) -> Figure:
    totals = _survival_totals(ctx)
    rows = [
        [str(year), monitored, survived, round(100 * survived / monitored, 1) if monitored else None]
        for year, (monitored, survived) in sorted((k, v) for k, v in totals.items() if k is not None)
    ]
    return Figure(
        key="hidup",
        title=_("Tingkat hidup pohon per tahun tanam (%)"),
        columns=[_("Tahun tanam"), _("Pohon dipantau"), _("Pohon hidup"), _("Tingkat hidup (%)")],
        rows=rows,
        chart="bar",
        series_columns=[3],
        computed_at=snapshot_time(ctx, SURVIVAL_YEARS),
        link=admin_list("tanam", "observation", fallback="/tanam/"),
        link_label=_("Daftar pemantauan"),
        note=_(
            "Semua tahun tanam (tidak mengikuti periode); pohon yang pernah dipantau, hidup bila belum tercatat mati."
        ),
    )


def _canopy(ctx: Context) -> Figure:
    data = snapshot(ctx, CANOPY, []) or []
    by_code = {r["code"]: r for r in data}
    rows, codes = [], []
    for k in ctx.kecamatan:
        r = by_code.get(k.code, {})
        pct, change = r.get("canopy_percent"), r.get("change")
        rows.append([k.name, round(pct, 3) if pct is not None else 0, round(change, 3) if change is not None else None])
        codes.append(k.code)
    return Figure(
        key="tutupan",
        title=_("Tutupan tajuk per kecamatan (%) dan perubahan tahunan"),
        columns=[_("Kecamatan"), _("Tutupan (%)"), _("Perubahan (poin %)")],
        rows=rows if data else [],
        codes=codes,
        chart="map",
        highlight=selected_code(ctx),
        computed_at=snapshot_time(ctx, CANOPY),
        link="/tanam/tutupan/",
        link_label=_("Tutupan lahan"),
    )


def _communities(ctx: Context) -> Figure:
    totals = ctx.metrics.by_dimension(COMMUNITY, monthly_metric=True)
    rows = sorted(([name, n] for name, n in totals.items() if n), key=lambda r: (-r[1], r[0]))[:10]
    return Figure(
        key="komunitas",
        title=_("Komunitas teratas (pohon dalam periode)"),
        columns=[_("Komunitas"), _("Pohon")],
        rows=rows,
        chart="bar",
        computed_at=ctx.freshness["computed_at"],
        link=admin_list("tanam", "community", fallback="/tanam/"),
        link_label=_("Daftar komunitas"),
    )


def _rechecks_in_filter(ctx: Context) -> list:
    kecamatan = ctx.filters.kecamatan
    rows = snapshot(ctx, RECHECKS_OVERDUE, []) or []
    return [r for r in rows if kecamatan is None or r["kecamatan_id"] == kecamatan.id]


def _rechecks(ctx: Context) -> list[Figure]:
    """Overdue re-checks per kecamatan and per community (tanam/schedule.py says when one is due)."""
    per: dict[str, dict[Any, list[int]]] = {"kecamatan": {}, "community": {}}
    for r in _rechecks_in_filter(ctx):
        for name in per:
            totals = per[name].setdefault(r[f"{name}_id"], [0, 0, 0])
            totals[0] += r["plantings"]
            totals[1] += r["trees"]
            totals[2] += r["over_90"]
    kecamatan_names = {k.id: k.name for k in ctx.kecamatan}
    community_names: dict[Any, str] = {r["community_id"]: r["community"] for r in _rechecks_in_filter(ctx)}
    community_names[None] = _("(tanpa komunitas)")
    columns = [_("Titik tanam terlambat"), _("Pohon"), _("> 90 hari")]
    note = _("Jadwal: 3, 6 dan 12 bulan setelah tanam, lalu setiap tahun; terlambat sejak hari setelah jadwal.")
    figures = []
    for name, names, title, first in (
        ("kecamatan", kecamatan_names, _("Pemeriksaan ulang terlambat per kecamatan"), _("Kecamatan")),
        ("community", community_names, _("Pemeriksaan ulang terlambat per komunitas"), _("Komunitas")),
    ):
        rows: list[list[Any]] = sorted(
            ([str(names.get(key, "?")), *totals] for key, totals in per[name].items()), key=lambda r: (-r[1], r[0])
        )
        figures.append(
            Figure(
                key=f"periksa-{name}",
                title=title,
                columns=[first, *columns],
                rows=rows[:TOP],
                chart="bar",
                series_columns=[1, 3],
                computed_at=snapshot_time(ctx, RECHECKS_OVERDUE),
                link=admin_list("tanam", "planting", query="status__exact=verified", fallback="/tanam/"),
                link_label=_("Daftar penanaman"),
                note=note,
            )
        )
    return figures
